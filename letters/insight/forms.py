from typing import Any

from django import forms

from letters.models import Letter


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(
        queryset=Letter.objects.published(), to_field_name="slug", label="First letter"
    )
    b = forms.ModelChoiceField(
        queryset=Letter.objects.published(), to_field_name="slug", label="Second letter"
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("a") and cleaned.get("a") == cleaned.get("b"):
            raise forms.ValidationError("Choose two different letters to compare.")
        return cleaned
