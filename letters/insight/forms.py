from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from letters.models import Letter


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(
        queryset=Letter.objects.published(), to_field_name="slug", label=_("First letter")
    )
    b = forms.ModelChoiceField(
        queryset=Letter.objects.published(), to_field_name="slug", label=_("Second letter")
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("a") and cleaned.get("a") == cleaned.get("b"):
            raise forms.ValidationError(gettext("Choose two different letters to compare."))
        return cleaned
