"""Forms on public pages (GET forms: they change nothing)."""

import datetime

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("Listed as of"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A date, as YYYY-MM-DD."),
        error_messages={"invalid": _("Enter a real date as YYYY-MM-DD, e.g. 2020-02-07.")},
    )

    def clean_as_of(self) -> datetime.date:
        day = self.cleaned_data["as_of"]
        if not datetime.date(1900, 1, 1) <= day <= datetime.date(9999, 12, 31):
            raise forms.ValidationError(gettext("Enter a date after 1900."))
        return day
