"""The curation admin's own forms: publishing a letter, merging records, withdrawing
signatures, and uploading a signatory list to import."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.utils import timezone

from letters.lib.partial_dates import validate_partial_date
from letters.models import SignatoryImport, Signer, SignerKind, Source, Visibility

from .publishing import publishing_problems

if TYPE_CHECKING:
    from .writing import ImportOptions

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ENCODINGS = [
    ("auto", "Detect (UTF-8 with or without BOM, else Windows-1252)"),
    ("utf-8", "UTF-8"),
    ("cp1252", "Windows-1252"),
]


class LetterAdminForm(forms.ModelForm):
    """Refuses to save a letter as published while a listed signature has no source.

    The admin builds the fields from LetterAdmin.fieldsets."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        # The gate is the act of publishing (the instance still holds the saved value
        # here): a letter already public stays editable, signatories added from its form
        # included, and gets its sources on the signature admin.
        publishing = self.instance.visibility != Visibility.PUBLISHED
        if publishing and cleaned.get("visibility") == Visibility.PUBLISHED:
            for problem in publishing_problems(self.instance):
                self.add_error("visibility", f"Cannot publish: {problem}")
        return cleaned


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        label="Keep this record",
        help_text="The others become its aliases; their pages redirect to it.",
    )

    def __init__(self, *args: Any, records: Sequence[Signer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = cast(forms.TypedChoiceField, self.fields["keep"])
        keep.choices = [(r.pk, f"{r} ({r.slug})") for r in records]


class WithdrawalForm(forms.Form):
    withdrawn_on = forms.CharField(
        label="Withdrawn on",
        initial=lambda: timezone.localdate().isoformat(),
        validators=[validate_partial_date],
        help_text="YYYY-MM-DD, YYYY-MM or YYYY, as precisely as known.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Shown publicly next to the withdrawn signature.",
    )


class SignatoryUploadForm(forms.Form):
    """Where the list is published, and the list: a file or the pasted text. It is read
    by the preview (letters/curation/writing.py), which says why a file cannot be."""

    source = forms.ModelChoiceField(Source.objects.none(), required=False)  # see __init__
    source_url = forms.URLField(
        required=False,
        max_length=1000,
        assume_scheme="https",
        label="or a new source URL",
    )
    text = forms.CharField(
        required=False,
        label="Paste the list",
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text="As published, one signatory per line: 'Name', 'Name (Affiliation)' or "
        "'Name, Country'.",
    )
    file = forms.FileField(
        required=False,
        label="or upload a file",
        help_text="CSV, XLSX, JSON, YAML, or a ZIP of one YAML file per signatory; this "
        "site's own downloads too.",
    )
    default_kind = forms.ChoiceField(
        choices=SignerKind.choices,
        label="Kind",
        help_text="For rows that do not say: a 'kind' column wins, then a name that tells "
        "(Foundation, Ltd, University…), then this.",
    )
    first_listed = forms.CharField(
        required=False,
        max_length=10,
        validators=[validate_partial_date],
        help_text="The date the list was published (YYYY, YYYY-MM or YYYY-MM-DD), for "
        "rows without their own date. Never today's date unless it was published today.",
    )
    encoding = forms.ChoiceField(choices=ENCODINGS, initial="auto")

    def __init__(self, *args: Any, admin_site: AdminSite | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The autocomplete widget needs the admin site, known only per request.
        widget = AutocompleteSelect(
            SignatoryImport._meta.get_field("source"), admin_site or admin.site
        )
        self.fields["source"] = forms.ModelChoiceField(
            Source.objects.all(),
            required=False,
            widget=widget,
            help_text="Where the list is published, if we already hold that source…",
        )
        self.order_fields(["source", "source_url", "text", "file"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if bool(data.get("source")) == bool(data.get("source_url")):
            raise ValidationError("Choose an existing source or give a new source URL (one).")
        upload, text = data.get("file"), data.get("text", "").strip()
        if bool(upload) == bool(text):
            raise ValidationError("Upload a file or paste a list (one of them).")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(f"The file is larger than {MAX_UPLOAD_BYTES // 2**20} MB.")
        data["data"] = upload.read() if upload else text.encode()
        data["file_name"] = upload.name if upload else ""
        return data

    def import_options(self) -> "ImportOptions":
        data = self.cleaned_data
        return {
            "encoding": "utf-8"
            if data["text"].strip() and not data.get("file")
            else data["encoding"],
            "default_kind": data["default_kind"],
            "first_listed": data["first_listed"],
            "pasted": not data.get("file"),
        }
