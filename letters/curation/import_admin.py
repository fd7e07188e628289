"""Admin views to import a published signatory list into a letter: upload, preview, confirm.

The work is done by the rest of letters/curation/ (reading, rows, matching, writing);
these views only collect the file, show the rows a page at a time (Django refuses forms
of over 1,000 fields) with the curator's choice per row, and confirm.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import DatabaseError, models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from letters.lib.http import AuthenticatedHttpRequest
from letters.models import ImportStatus, Letter, SignatoryImport, SignerKind, Source, SourceKind

from . import matching, writing
from .forms import SignatoryUploadForm
from .rows import ImportRow, Outcome, RowStatus

ROWS_PER_PAGE = 200
IMPORT_PERMISSION = "letters.add_signature"


class DisplayRow(ImportRow):
    """A row as the preview page shows it: with its form field and its labels."""

    field: str
    status_label: str
    outcome_label: str
    options: list[tuple[str, str]]
    signer_url: str


class SignatoryImportAdminMixin(admin.ModelAdmin):
    """Adds the import views to the letter admin."""

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        own = [
            path(
                "<int:letter_id>/import/",
                wrap(self.import_upload_view),
                name="letters_letter_import",
            ),
            path(
                "<int:letter_id>/import/<int:import_id>/",
                wrap(self.import_preview_view),
                name="letters_letter_import_preview",
            ),
        ]
        # Before the admin's own URLs, whose "<object_id>/" pattern would swallow them.
        return own + super().get_urls()

    def _importable_letter(self, request: HttpRequest, letter_id: int) -> Letter:
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        return get_object_or_404(Letter, pk=letter_id)

    def import_upload_view(self, request: AuthenticatedHttpRequest, letter_id: int) -> HttpResponse:
        letter = self._importable_letter(request, letter_id)
        form = SignatoryUploadForm(
            request.POST or None, request.FILES or None, admin_site=self.admin_site
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():
                source = data["source"] or _source_for(data["source_url"], data["first_listed"])
                signatory_import = writing.preview(
                    letter,
                    source,
                    data["raw_rows"],
                    default_kind=data["default_kind"],
                    first_listed=data["first_listed"],
                    file_name=data["file"].name if data["file"] else "",
                    user=request.user,
                )
            return HttpResponseRedirect(_preview_url(signatory_import))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import signatories into “{letter}”",
            "opts": self.model._meta,
            "letter": letter,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/letters/import/upload.html", context)

    def import_preview_view(
        self, request: AuthenticatedHttpRequest, letter_id: int, import_id: int
    ) -> HttpResponse:
        letter = self._importable_letter(request, letter_id)
        signatory_import = get_object_or_404(
            SignatoryImport.objects.select_related("source", "created_by"),
            pk=import_id,
            letter=letter,
        )
        if request.method == "POST":
            return self._import_post(request, signatory_import)
        paginator = Paginator(signatory_import.rows, ROWS_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        first = (page.number - 1) * ROWS_PER_PAGE
        rows = [_display_row(first + offset, row) for offset, row in enumerate(page)]
        is_preview = signatory_import.status == ImportStatus.PREVIEW
        context = {
            **self.admin_site.each_context(request),
            "title": (
                "Check the import before confirming" if is_preview else str(signatory_import)
            ),
            "opts": self.model._meta,
            "letter": letter,
            "signatory_import": signatory_import,
            "is_preview": is_preview,
            "rows": rows,
            "page": page,
            "status_counts": _labelled(matching.counts(signatory_import.rows), RowStatus),
            "outcome_counts": _labelled(matching.counts(signatory_import.rows, "outcome"), Outcome),
        }
        return TemplateResponse(request, "admin/letters/import/preview.html", context)

    def _import_post(
        self, request: AuthenticatedHttpRequest, signatory_import: SignatoryImport
    ) -> HttpResponseRedirect:
        url = _preview_url(signatory_import)
        if signatory_import.status != ImportStatus.PREVIEW:
            messages.error(request, "This import is no longer awaiting confirmation.")
            return HttpResponseRedirect(url)
        rows: list[ImportRow] = signatory_import.rows
        refused = 0
        for index, row in enumerate(rows):
            choice = request.POST.get(f"row-{index}")
            if choice is not None and not matching.set_choice(row, choice):
                refused += 1
        if refused:
            messages.warning(request, f"{refused} choices were not offered and were ignored.")
        SignatoryImport.objects.filter(pk=signatory_import.pk).update(rows=rows)
        action = request.POST.get("action", "save")
        if action == "discard":
            SignatoryImport.objects.filter(pk=signatory_import.pk).update(
                status=ImportStatus.DISCARDED
            )
            messages.info(request, "Import discarded; nothing was written.")
            return HttpResponseRedirect(
                reverse("admin:letters_letter_change", args=[signatory_import.letter_id])
            )
        if action == "confirm":
            try:
                report = writing.confirm(signatory_import, user=request.user)
            except writing.ImportAlreadyDone as error:
                messages.error(request, str(error))
            except DatabaseError as error:
                messages.error(request, f"Nothing was imported: the database refused ({error}).")
            else:
                outcomes = report["outcomes"]
                messages.success(
                    request,
                    f"Imported: {outcomes.get('created', 0)} new records signed, "
                    f"{outcomes.get('signed', 0)} existing records signed, "
                    f"{outcomes.get('skipped', 0)} rows skipped.",
                )
            return HttpResponseRedirect(url)
        page = request.POST.get("goto") or request.POST.get("page", "")
        return HttpResponseRedirect(f"{url}?page={page}" if page.isdigit() else url)


def _source_for(url: str, date: str) -> Source:
    source = Source.objects.filter(url=url).first()
    if source is None:
        source = Source.objects.create(url=url, kind=SourceKind.LETTER, date=date or None)
    return source


def _preview_url(signatory_import: SignatoryImport) -> str:
    return reverse(
        "admin:letters_letter_import_preview",
        args=[signatory_import.letter_id, signatory_import.pk],
    )


def _display_row(index: int, row: ImportRow) -> DisplayRow:
    signer_url = ""
    if row.get("signer"):
        model = "organisation" if row["kind"] == SignerKind.ORGANISATION else "person"
        signer_url = reverse(f"admin:letters_{model}_change", args=[row["signer"][0]])
    return {
        **row,
        "field": f"row-{index}",
        "status_label": RowStatus(row["status"]).label if row["status"] else "",
        "outcome_label": Outcome(row["outcome"]).label if row.get("outcome") else "",
        "options": matching.choices_for(row),
        "signer_url": signer_url,
    }


def _labelled(
    totals: dict[str, int], choices: type[models.TextChoices]
) -> list[tuple[str, str, int]]:
    return [(value, label, totals[value]) for value, label in choices.choices if value in totals]


@admin.register(SignatoryImport)
class SignatoryImportAdmin(admin.ModelAdmin):
    """Past imports and their reports, read-only: imports are made from a letter's page."""

    list_display = ["__str__", "letter", "source", "status", "created_by", "created_at", "summary"]
    list_filter = ["status"]
    search_fields = ["file_name", "letter__title", "source__url"]
    list_select_related = ["letter", "source", "created_by"]
    fields = (
        "letter",
        "source",
        "file_name",
        "status",
        "created_by",
        "created_at",
        "confirmed_at",
        "summary",
        "rows_link",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[SignatoryImport]:
        # The rows can be large; the list and the summary need only the report.
        return super().get_queryset(request).defer("rows")

    def has_view_permission(self, request: HttpRequest, obj: SignatoryImport | None = None) -> bool:
        return request.user.has_perm(IMPORT_PERMISSION)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: SignatoryImport | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: SignatoryImport | None = None
    ) -> bool:
        return False

    @admin.display(description="Report")
    def summary(self, signatory_import: SignatoryImport) -> str:
        report = signatory_import.report or {}
        totals = report.get("outcomes") or report.get("counts") or {}
        return ", ".join(f"{name} {count}" for name, count in sorted(totals.items()))

    @admin.display(description="Rows")
    def rows_link(self, signatory_import: SignatoryImport) -> str:
        return format_html('<a href="{}">Row by row</a>', _preview_url(signatory_import))
