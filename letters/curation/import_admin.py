"""Admin views to import a published signatory list into a letter: upload, preview, confirm.

The work is done by the rest of letters/curation/ (reading, rows, matching, writing), in
functions of the import's id that a background job can run as these views do; the views
collect the file, show the rows a page at a time (Django refuses forms of over 1,000
fields), filtered by status, with the curator's corrections and choice per row and a
choice for every row of a status at once, then confirm and offer to publish.
"""

from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from letters.lib.countries import country_name
from letters.lib.http import AuthenticatedHttpRequest
from letters.models import (
    ImportStatus,
    Letter,
    SignatoryImport,
    SignerKind,
    Source,
    SourceKind,
    Visibility,
)

from . import matching, writing
from .forms import SignatoryUploadForm
from .publishing import publish
from .rows import TO_CHECK, ImportRow, Outcome, RowStatus, edit_row

ROWS_PER_PAGE = 200
IMPORT_PERMISSION = "letters.add_signature"
# The statuses a choice can be made for all at once, with the choices offered.
BULK_CHOICES: dict[str, list[tuple[str, str]]] = {
    RowStatus.SAME_NAME: [("first", "use the record offered"), ("new", "new"), ("skip", "skip")],
    RowStatus.CLOSE: [("first", "use the closest record"), ("new", "new"), ("skip", "skip")],
    RowStatus.ORGANISATION: [
        ("first", "sign as the organisation"),
        ("new", "new person"),
        ("skip", "skip"),
    ],
    RowStatus.DUPLICATE: [("skip", "skip"), ("new", "new record each")],
    RowStatus.NEW: [("new", "new"), ("skip", "skip")],
    RowStatus.EXACT: [("first", "use the record"), ("skip", "skip")],
    RowStatus.ALIAS: [("first", "use the record"), ("skip", "skip")],
}
# A corrected name or country is at most this long (the checks then say what is wrong).
EDIT_MAX_LENGTH = 1000


class DisplayRow(ImportRow):
    """A row as the preview page shows it: with its index, its form fields and labels."""

    index: int
    status_label: str
    outcome_label: str
    country_label: str
    options: list[tuple[str, str]]
    signer_url: str
    to_check: bool


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
            path(
                "<int:letter_id>/publish/",
                wrap(require_POST(self.publish_letter_view)),
                name="letters_letter_publish",
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
                signatory_import = writing.create_import(
                    letter,
                    source,
                    data["data"],
                    options=form.import_options(),
                    file_name=data["file_name"],
                    user=request.user,
                )
                # Run here for now; a background job can run the same function by id.
                signatory_import = writing.preview_import(signatory_import.pk)
                if signatory_import.status == ImportStatus.FAILED:
                    form.add_error(None, f"Nothing was imported: {signatory_import.error}")
                    transaction.set_rollback(True)
            if form.is_valid():
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
        rows: list[ImportRow] = signatory_import.rows
        status = request.GET.get("status", "")
        if status not in RowStatus.values:
            status = ""
        shown = [(i, row) for i, row in enumerate(rows) if not status or row["status"] == status]
        page = Paginator(shown, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        is_preview = signatory_import.status == ImportStatus.PREVIEW
        status_counts = matching.counts(rows)
        context = {
            **self.admin_site.each_context(request),
            "title": (
                "Check the import before confirming" if is_preview else str(signatory_import)
            ),
            "opts": self.model._meta,
            "letter": letter,
            "signatory_import": signatory_import,
            "is_preview": is_preview,
            "rows": [_display_row(index, row) for index, row in page],
            "page": page,
            "page_links": _page_links(page),
            "status": status,
            "status_counts": _labelled(status_counts, RowStatus),
            "outcome_counts": _labelled(matching.counts(rows, "outcome"), Outcome),
            "bulk_choices": [
                (value, label, status_counts[value], BULK_CHOICES[value])
                for value, label in RowStatus.choices
                if value in BULK_CHOICES and status_counts.get(value)
            ],
            "undecided": len(matching.undecided(rows)) if is_preview else 0,
            "kinds": SignerKind.choices,
            "notices": (signatory_import.report or {}).get("notices", []),
            "can_publish": (
                signatory_import.status == ImportStatus.CONFIRMED
                and letter.visibility == Visibility.DRAFT
                and request.user.has_perm("letters.change_letter")
            ),
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
        action = request.POST.get("action", "save")
        _apply_page(request, signatory_import, rows)
        if action == "bulk":
            _apply_bulk(request, rows)
        SignatoryImport.objects.filter(pk=signatory_import.pk).update(
            rows=rows, report={**signatory_import.report, "counts": matching.counts(rows)}
        )
        if action == "discard":
            SignatoryImport.objects.filter(pk=signatory_import.pk).update(
                status=ImportStatus.DISCARDED
            )
            messages.info(request, "Import discarded; nothing was written.")
            return HttpResponseRedirect(
                reverse("admin:letters_letter_change", args=[signatory_import.letter_id])
            )
        if action == "confirm":
            return _confirm(request, signatory_import, url)
        query = QueryDict(mutable=True)
        status = request.POST.get("status", "")
        if status in RowStatus.values:
            query["status"] = status
        page = request.POST.get("goto") or request.POST.get("page", "")
        if page.isdigit() and action != "bulk":
            query["page"] = page
        return HttpResponseRedirect(f"{url}?{query.urlencode()}" if query else url)

    def publish_letter_view(
        self, request: AuthenticatedHttpRequest, letter_id: int
    ) -> HttpResponse:
        """The last step of the short path (letter, source, list, publish), from the
        import's report: the same gate as the letter form and the bulk action."""
        if not request.user.has_perm("letters.change_letter"):
            raise PermissionDenied
        letter = get_object_or_404(Letter, pk=letter_id)
        result = publish(Letter.objects.filter(pk=letter.pk))
        if result.published:
            messages.success(request, f"Published “{letter}”.")
        for problems in result.refused.values():
            messages.error(request, f"Not published: {' '.join(problems)}")
        return HttpResponseRedirect(reverse("admin:letters_letter_change", args=[letter.pk]))


def _apply_page(
    request: HttpRequest, signatory_import: SignatoryImport, rows: list[ImportRow]
) -> None:
    """The page's corrections (name, kind, country) and choices, then matching again if
    anything was corrected."""
    posted = [int(i) for i in request.POST.getlist("rows") if i.isdigit() and int(i) < len(rows)]
    edited = set()
    for index in posted:
        fields: dict[str, Any] = {
            field: request.POST.get(f"{field}-{index}", "")[:EDIT_MAX_LENGTH]
            for field in ("name", "kind", "country")
            if f"{field}-{index}" in request.POST
        }
        if edit_row(rows[index], **fields):
            edited.add(index)
    if edited:
        writing.match_rows(signatory_import.letter, rows)
        messages.info(request, f"{len(edited)} corrected rows were checked and matched again.")
    refused = 0
    for index in posted:
        choice = request.POST.get(f"row-{index}")
        if index in edited or choice is None or choice == rows[index]["choice"]:
            continue
        refused += not matching.set_choice(rows[index], choice)
    if refused:
        messages.warning(request, f"{refused} choices were not offered and were ignored.")


def _apply_bulk(request: HttpRequest, rows: list[ImportRow]) -> None:
    status, choice = request.POST.get("bulk_status", ""), request.POST.get("bulk_choice", "")
    offered = {value for value, _ in BULK_CHOICES.get(status, [])}
    if choice not in offered:
        label = RowStatus(status).label.lower() if status in RowStatus.values else "these"
        messages.error(request, f"That choice is not offered for {label} rows.")
        return
    changed = matching.choose_for_status(rows, status, cast(matching.BulkChoice, choice))
    label = RowStatus(status).label.lower()
    messages.success(request, f"{changed} rows “{label}”: {dict(BULK_CHOICES[status])[choice]}.")


def _confirm(
    request: AuthenticatedHttpRequest, signatory_import: SignatoryImport, url: str
) -> HttpResponseRedirect:
    try:
        # Run here for now; a background job can run the same function by id.
        report = writing.confirm_import(signatory_import.pk, user=request.user)
    except writing.ImportNotReady as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(url + "?status=" + _first_undecided_status(signatory_import))
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


def _first_undecided_status(signatory_import: SignatoryImport) -> str:
    rows = matching.undecided(SignatoryImport.objects.get(pk=signatory_import.pk).rows)
    return rows[0]["status"] if rows else ""


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


def _page_links(page: Page) -> list[int | str]:
    """The page numbers to link, elided ("…") so that they fit the screen."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


def _display_row(index: int, row: ImportRow) -> DisplayRow:
    signer_url = ""
    if row.get("signer"):
        model = "organisation" if row["kind"] == SignerKind.ORGANISATION else "person"
        if row["choice"].startswith("organisation:"):
            model = "organisation"
        signer_url = reverse(f"admin:letters_{model}_change", args=[row["signer"][0]])
    return {
        **row,
        "index": index,
        "status_label": RowStatus(row["status"]).label if row["status"] else "",
        "outcome_label": Outcome(row["outcome"]).label if row.get("outcome") else "",
        "country_label": country_name(row["country"]),
        "options": matching.choices_for(row),
        "signer_url": signer_url,
        "to_check": row["status"] in TO_CHECK,
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
        "error",
        "created_by",
        "created_at",
        "confirmed_at",
        "summary",
        "rows_link",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[SignatoryImport]:
        # The rows and the upload can be large; the list and the summary need the report.
        return super().get_queryset(request).defer("rows", "upload")

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
