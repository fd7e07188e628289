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
from letters.models import (
    PUBLIC_STATUSES,
    LetterRedirect,
    SignatoryImport,
    Signature,
    Signer,
    SignerKind,
    Source,
    Visibility,
)

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
    """Refuses to save a letter as published while a signature it lists has no source,
    and a corrected slug that is another letter's old address.

    The admin builds the fields from LetterAdmin.fieldsets; `new_signatories_source` is
    ours: the source cited by every signatory added in the form without its own."""

    new_signatories_source = forms.ModelChoiceField(
        Source.objects.all(),
        required=False,
        label="Source of the signatories added below",
        help_text="Cited by each new signatory row that does not choose its own source "
        "(nothing is shown publicly without one).",
    )

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        if self.instance.pk and slug != self.instance.slug:
            taken = LetterRedirect.objects.filter(old_slug=slug).exclude(letter=self.instance)
            redirect = taken.select_related("letter").first()
            if redirect is not None:
                raise ValidationError(
                    f"“{slug}” was the address of “{redirect.letter}” and still leads there: "
                    "choose another."
                )
        return slug

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


class SignatureAdminForm(forms.ModelForm):
    """A signature entered by hand (the signature admin, the letter's new-signatory rows):
    one signer, and a source for anything the public would see."""

    class Meta:
        model = Signature
        # What it checks; the admin gives each form its own full list of fields.
        fields = ["letter", "organisation", "person", "published_name", "status", "sources"]

    def __init__(self, *args: Any, fallback_source: Source | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The letter form's source for its new rows, cited when a row gives none.
        self.fallback_source = fallback_source

    def clean(self) -> dict[str, Any]:
        # One signer, not a name alone: the model's check constraint says so, readably.
        cleaned = super().clean() or {}
        status = cleaned.get("status")
        sources = cleaned.get("sources") if "sources" in self.fields else None
        unsourced = sources is not None and not sources and not self.fallback_source
        if status in PUBLIC_STATUSES and unsourced:
            self.add_error(
                "sources",
                "A signature is shown only with a source: choose the page that lists it "
                "(or one source for all new rows above the list).",
            )
        return cleaned

    def validate_unique(self) -> None:
        """A signer already on the letter is this form's error, never the database's."""
        organisation, person = (
            self.cleaned_data.get("organisation"),
            self.cleaned_data.get("person"),
        )
        if bool(organisation) == bool(person):
            return  # the check constraint says why (Signature.Meta)
        super().validate_unique()
        letter_id = self.instance.letter_id
        for field in ("organisation", "person"):
            signer = self.cleaned_data.get(field)
            if not letter_id or signer is None:
                continue
            others = Signature.objects.filter(letter_id=letter_id, **{field: signer})
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(field, f"{signer} already signed this letter.")


class NewSignatureFormSet(forms.BaseInlineFormSet):
    """The letter's new-signatory rows: one row per signer."""

    def clean(self) -> None:
        super().clean()
        seen: set[tuple[str, int]] = set()
        for form in self.forms:
            if not form.has_changed() or not hasattr(form, "cleaned_data"):
                continue
            for field in ("organisation", "person"):
                signer = form.cleaned_data.get(field)
                if signer is not None and (field, signer.pk) in seen:
                    form.add_error(field, f"{signer} is on two rows: keep one.")
                elif signer is not None:
                    seen.add((field, signer.pk))


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
