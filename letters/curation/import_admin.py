"""Admin views to import a published signatory list into a letter: upload, preview, confirm.

The work is done by the rest of letters/curation/ (reading, rows, matching, writing), in
functions of the import's id that background jobs run (letters/curation/tasks.py): the
views keep the file and queue its reading, show the job's progress, then show the rows a
page at a time (Django refuses forms of over 1,000 fields), filtered by status, with the
curator's corrections and choice per row and a choice for every row of a status at once,
queue the confirmation and offer to publish.
"""

import hashlib
from typing import Any, cast

from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from letters.jobs import runner
from letters.lib.countries import country_name
from letters.lib.http import AuthenticatedHttpRequest, HtmxHttpRequest
from letters.models import (
    ACTIVE_JOB_STATUSES,
    ImportStatus,
    Job,
    JobStatus,
    Letter,
    SignatoryImport,
    SignatoryImportRow,
    SignerKind,
    Source,
    SourceKind,
    Visibility,
)

from . import import_rows, matching, tasks, writing
from .forms import SignatoryUploadForm
from .publishing import publish
from .rows import TO_CHECK, ImportRow, Outcome, RowStatus, edit_row
from .status_actions import fingerprint

ROWS_PER_PAGE = 200
# A corrected row is matched again with the whole list (duplicates within it): inside
# the request up to this many rows (a few seconds at most), by a job beyond.
INLINE_MATCH_ROWS = 5000
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
# An import in these states has a job's outcome to show rather than rows: being read,
# or not readable.
WAITING_FOR_A_JOB = (ImportStatus.READING, ImportStatus.FAILED)
# A corrected name or country is at most this long (the checks then say what is wrong).
EDIT_MAX_LENGTH = 1000


class AdminRequest(AuthenticatedHttpRequest, HtmxHttpRequest):
    """An admin request, with what HtmxMiddleware adds."""


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
            return HttpResponseRedirect(_start_preview(request, letter, form))
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
        self, request: AdminRequest, letter_id: int, import_id: int
    ) -> HttpResponse:
        """The import's page: while its job runs, the job's progress (the page polls it,
        or the curator reloads it); then the rows to check and confirm, or the report."""
        letter = self._importable_letter(request, letter_id)
        signatory_import = get_object_or_404(
            # The rows (and the upload) wait until needed: not while a job runs, nor for polls.
            SignatoryImport.objects.select_related("source", "created_by").defer("upload"),
            pk=import_id,
            letter=letter,
        )
        job = tasks.latest_import_job(signatory_import)
        if request.method == "POST" and request.POST.get("action") == "retry":
            return _retry(request, signatory_import, job)
        if (
            (job is not None and job.is_active)
            or signatory_import.status in WAITING_FOR_A_JOB
            or _rematch_failed(job)
        ):
            return self._import_progress(request, signatory_import, job)
        if request.htmx:
            # The job a page was polling has finished: show its outcome, whole.
            return HttpResponseClientRefresh()
        if request.method == "POST":
            return self._import_post(request, signatory_import)
        status = request.GET.get("status", "")
        if status not in RowStatus.values:
            status = ""
        shown = import_rows.of(signatory_import)
        row_count = shown.count()
        if status:
            shown = shown.filter(status=status)
        page = Paginator(shown, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        is_preview = signatory_import.status == ImportStatus.PREVIEW
        status_counts = import_rows.counts(signatory_import)
        context = {
            **self.admin_site.each_context(request),
            "title": (
                "Check the import before confirming" if is_preview else str(signatory_import)
            ),
            "opts": self.model._meta,
            "letter": letter,
            "signatory_import": signatory_import,
            "is_preview": is_preview,
            "rows": [_display_row(record.number, record.data) for record in page],
            "page": page,
            "row_count": row_count,
            "page_links": _page_links(page),
            "status": status,
            "status_counts": _labelled(status_counts, RowStatus),
            "outcome_counts": _labelled(import_rows.counts(signatory_import, "outcome"), Outcome),
            "bulk_choices": [
                (value, label, status_counts[value], BULK_CHOICES[value])
                for value, label in RowStatus.choices
                if value in BULK_CHOICES and status_counts.get(value)
            ],
            "undecided": import_rows.undecided(signatory_import).count() if is_preview else 0,
            "kinds": SignerKind.choices,
            "notices": (signatory_import.report or {}).get("notices", []),
            "last_job": job,
            "last_job_error": readable_error(job) if job and job.status == JobStatus.FAILED else "",
            "can_publish": (
                signatory_import.status == ImportStatus.CONFIRMED
                and letter.visibility == Visibility.DRAFT
                and request.user.has_perm("letters.change_letter")
            ),
        }
        return TemplateResponse(request, "admin/letters/import/preview.html", context)

    def _import_progress(
        self, request: AdminRequest, signatory_import: SignatoryImport, job: Job | None
    ) -> TemplateResponse:
        rematching = job is not None and job.task_path == tasks.rematch_signatory_import.module_path
        confirming = signatory_import.status == ImportStatus.PREVIEW and not rematching
        done, total = (job.done, job.total) if job is not None else (0, None)
        if confirming and job is not None and job.is_active:
            done, total = cache.get(tasks.import_progress_key(job)) or (done, None)
        failed = job is not None and job.status == JobStatus.FAILED
        context = {
            **self.admin_site.each_context(request),
            "title": (
                "Importing the list"
                if confirming
                else "Matching the corrected list again"
                if rematching
                else "Reading the list"
            ),
            "opts": self.model._meta,
            "letter": signatory_import.letter,
            "signatory_import": signatory_import,
            "job": job,
            "confirming": confirming,
            "rematching": rematching,
            "done": done,
            "total": total,
            "percent": min(100, 100 * done // total) if total else None,
            "job_error": readable_error(job) if job is not None and failed else "",
            "url": _preview_url(signatory_import),
        }
        template = "admin/letters/import/progress.html"
        return TemplateResponse(
            request, template + "#progress" if request.htmx else template, context
        )

    def _import_post(
        self, request: AuthenticatedHttpRequest, signatory_import: SignatoryImport
    ) -> HttpResponseRedirect:
        url = _preview_url(signatory_import)
        if signatory_import.status != ImportStatus.PREVIEW:
            messages.error(request, "This import is no longer awaiting confirmation.")
            return HttpResponseRedirect(url)
        action = request.POST.get("action", "save")
        if _apply_page(request, signatory_import):
            # The corrected list is being matched again by a job, whose progress the
            # page shows: nothing else is done with rows not matched yet.
            return HttpResponseRedirect(url)
        if action == "bulk":
            _apply_bulk(request, signatory_import)
        SignatoryImport.objects.filter(pk=signatory_import.pk).update(
            report={**signatory_import.report, "counts": import_rows.counts(signatory_import)}
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
            return _confirm(request, signatory_import)
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


def _apply_page(request: AuthenticatedHttpRequest, signatory_import: SignatoryImport) -> bool:
    """The page's corrections (name, kind, country) and choices, then matching again if
    anything was corrected: here, or by a job for a list longer than INLINE_MATCH_ROWS
    (True when such a job was queued). Rows are named by their number in the list."""
    posted = {int(i) for i in request.POST.getlist("rows") if i.isdigit()}
    records = {record.number: record for record in _rows_numbered(signatory_import, posted)}
    edited = set()
    for number, record in records.items():
        fields: dict[str, Any] = {
            field: request.POST.get(f"{field}-{number}", "")[:EDIT_MAX_LENGTH]
            for field in ("name", "kind", "country")
            if f"{field}-{number}" in request.POST
        }
        if edit_row(record.data, **fields):
            edited.add(number)
    rematch = bool(edited) and import_rows.of(signatory_import).count() > INLINE_MATCH_ROWS
    if edited and not rematch:
        import_rows.save(records.values())
        writing.match_rows(signatory_import)
        messages.info(request, f"{len(edited)} corrected rows were checked and matched again.")
        records = {r.number: r for r in _rows_numbered(signatory_import, set(records))}
    refused = 0
    chosen = []
    for number, record in records.items():
        choice = request.POST.get(f"row-{number}")
        if number in edited or choice is None or choice == record.data["choice"]:
            continue
        if matching.set_choice(record.data, choice):
            chosen.append(record)
        else:
            refused += 1
    import_rows.save(records.values() if rematch else chosen)
    if refused:
        messages.warning(request, f"{refused} choices were not offered and were ignored.")
    if rematch:
        tasks.start_rematch(signatory_import, request.user)
        messages.info(
            request,
            f"{len(edited)} corrected rows were checked; the whole list is being matched "
            "again, which takes a while for a list this long.",
        )
    return rematch


def _rows_numbered(
    signatory_import: SignatoryImport, numbers: set[int]
) -> list[SignatoryImportRow]:
    # A page posts at most ROWS_PER_PAGE rows; anything past that is not a page's.
    return list(import_rows.of(signatory_import).filter(number__in=sorted(numbers)[:1000]))


def _apply_bulk(request: HttpRequest, signatory_import: SignatoryImport) -> None:
    status, choice = request.POST.get("bulk_status", ""), request.POST.get("bulk_choice", "")
    offered = {value for value, _ in BULK_CHOICES.get(status, [])}
    if choice not in offered:
        label = RowStatus(status).label.lower() if status in RowStatus.values else "these"
        messages.error(request, f"That choice is not offered for {label} rows.")
        return
    changed = 0
    of_status = import_rows.of(signatory_import).filter(status=status)
    for chunk in import_rows.chunks(of_status):
        rows = [record.data for record in chunk]
        changed += matching.choose_for_status(rows, status, cast(matching.BulkChoice, choice))
        import_rows.save(chunk)
    label = RowStatus(status).label.lower()
    messages.success(request, f"{changed} rows “{label}”: {dict(BULK_CHOICES[status])[choice]}.")


def _confirm(
    request: AuthenticatedHttpRequest, signatory_import: SignatoryImport
) -> HttpResponseRedirect:
    """Start the confirmation's job, unless rows still wait for a choice (checked here
    too, so that the curator is taken to them at once)."""
    url = _preview_url(signatory_import)
    if waiting := writing.waiting_message(signatory_import):
        messages.error(request, waiting)
        first = import_rows.undecided(signatory_import).values_list("status", flat=True)[:1]
        return HttpResponseRedirect(f"{url}?status={first[0]}")
    tasks.start_confirmation(signatory_import, request.user)
    return HttpResponseRedirect(url)


def _start_preview(
    request: AuthenticatedHttpRequest, letter: Letter, form: SignatoryUploadForm
) -> str:
    """Keep the upload (in the database: the worker may be on another machine) and queue
    its reading; the address of the page that follows it. A double submission finds the
    first one's job by its key and creates nothing."""
    data = form.cleaned_data
    options = form.import_options()
    key = "signatory-import:" + fingerprint(
        letter.pk,
        request.user.pk,
        hashlib.sha256(data["data"]).hexdigest(),
        data["source"].pk if data["source"] else data["source_url"],
        data["file_name"],
        options,
    )
    running = Job.objects.filter(key=key, status__in=ACTIVE_JOB_STATUSES).first()
    if running is not None:
        return _import_url(letter.pk, running.params["import_id"])
    with transaction.atomic():
        source = data["source"] or _source_for(data["source_url"], data["first_listed"])
        signatory_import = writing.create_import(
            letter,
            source,
            data["data"],
            options=options,
            file_name=data["file_name"],
            user=request.user,
        )
        job = tasks.start_preview(signatory_import, request.user, key)
        if job.params["import_id"] != signatory_import.pk:
            # Another submission of the same list won the race: follow its job.
            transaction.set_rollback(True)
    return _import_url(letter.pk, job.params["import_id"])


def _retry(
    request: AuthenticatedHttpRequest, signatory_import: SignatoryImport, job: Job | None
) -> HttpResponseRedirect:
    """Run a failed job again (once, however often it is clicked); an import whose
    reading never started gets its job."""
    if job is not None and runner.retry(job):
        messages.info(request, "Started again.")
    elif job is None and signatory_import.status == ImportStatus.READING:
        tasks.start_preview(signatory_import, request.user, f"import-{signatory_import.pk}")
    else:
        messages.warning(request, "Nothing to retry: the job has not failed.")
    return HttpResponseRedirect(_preview_url(signatory_import))


def _rematch_failed(job: Job | None) -> bool:
    """Rows left half matched again are not shown, nor confirmed, until a retry succeeds."""
    return (
        job is not None
        and job.status == JobStatus.FAILED
        and job.task_path == tasks.rematch_signatory_import.module_path
    )


def readable_error(job: Job) -> str:
    """A failed job's error without its traceback: the exception's own message."""
    last = next((line for line in reversed(job.error.splitlines()) if line.strip()), "")
    kind, _, message = last.partition(": ")
    is_exception_name = kind.replace(".", "").replace("_", "").isalnum()
    return message if message and is_exception_name else last


def _source_for(url: str, date: str) -> Source:
    source = Source.objects.filter(url=url).first()
    if source is None:
        source = Source.objects.create(url=url, kind=SourceKind.LETTER, date=date or None)
    return source


def _preview_url(signatory_import: SignatoryImport) -> str:
    return _import_url(signatory_import.letter_id, signatory_import.pk)


def _import_url(letter_id: int, import_id: int) -> str:
    return reverse("admin:letters_letter_import_preview", args=[letter_id, import_id])


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
        # The upload can be large; the list and the summary need the report.
        return super().get_queryset(request).defer("upload")

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
