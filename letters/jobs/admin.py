"""The admin of background work: jobs with their progress and errors, outgoing emails
and their failures, each safe to retry; and when each periodic task last ran.

Records are written by the work itself, never edited here: the pages are read-only, and
"Retry" (an action on the list, a button on a failed record) is the only change.
"""

from typing import Any, Generic, TypeVar

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from letters.models import EmailStatus, Job, JobStatus, OutboundEmail, PeriodicTask

from . import outbox, runner
from .schedule import periodic_tasks

M = TypeVar("M", bound=Model)


class RetryAdmin(admin.ModelAdmin, Generic[M]):
    """Read-only records with a safe "Retry" for failed ones: a list action and a button
    on the record's page, both through `retry_one`, which does nothing unless the record
    has failed (so a retry clicked twice runs once)."""

    failed_status: str
    noun: str

    def retry_one(self, record: M) -> bool:
        raise NotImplementedError

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        # The change permission allows retrying (the action); records themselves are
        # only ever viewed.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        own = [
            path(
                "<int:object_id>/retry/",
                self.admin_site.admin_view(require_POST(self.retry_view)),
                name=f"{opts.app_label}_{opts.model_name}_retry",
            )
        ]
        return own + super().get_urls()

    def retry_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        record = get_object_or_404(self.get_queryset(request), pk=object_id)
        if self.retry_one(record):
            messages.success(request, f"The {self.noun} is queued again.")
        else:
            messages.warning(request, f"Nothing to retry: the {self.noun} has not failed.")
        opts = self.model._meta
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        return HttpResponseRedirect(change_url)

    @admin.action(description="Retry the selected failed ones", permissions=["change"])
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[M]) -> None:
        retried = sum(self.retry_one(record) for record in queryset)
        skipped = queryset.count() - retried
        message = f"{retried} queued again."
        if skipped:
            message += f" {skipped} had not failed (or can no longer be sent) and were left."
        self.message_user(request, message, messages.SUCCESS if retried else messages.WARNING)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: M | None = None,
    ) -> HttpResponse:
        context["can_retry"] = (
            obj is not None
            and getattr(obj, "status", None) == self.failed_status
            and self.has_change_permission(request)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Job)
class JobAdmin(RetryAdmin[Job]):
    failed_status = JobStatus.FAILED
    noun = "job"
    change_form_template = "admin/letters/job/change_form.html"

    list_display = ["name", "status", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["status", "task_path"]
    list_select_related = ["created_by"]
    search_fields = ["name", "message"]
    date_hierarchy = "created_at"
    actions = ["retry_selected"]
    fields = (
        "name",
        "progress_report",
        "error_report",
        "input_name",
        "created_by",
        "created_at",
        "started_at",
        "heartbeat_at",
        "finished_at",
        "attempts",
        "task_path",
    )
    readonly_fields = fields

    def retry_one(self, record: Job) -> bool:
        return runner.retry(record)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Job]:
        # The uploaded file and the parameters (thousands of ids) are for the worker.
        return super().get_queryset(request).defer("input_data", "params")

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:object_id>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="letters_job_progress",
            )
        ]
        return own + super().get_urls()

    def progress_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The job's progress alone, for a page that polls it (htmx: hx-get, every 2s)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(self.get_queryset(request), pk=object_id)
        return TemplateResponse(request, "admin/letters/job/progress.html", {"job": job})

    @admin.display(description="Progress")
    def progress(self, job: Job) -> str:
        if job.total is None:
            return f"{job.done:,}" if job.done else "—"
        return f"{job.done:,} of {job.total:,} ({job.percent}%)"

    @admin.display(description="Status")
    def progress_report(self, job: Job) -> str:
        return render_to_string("admin/letters/job/progress.html", {"job": job})

    @admin.display(description="Error")
    def error_report(self, job: Job) -> str:
        return format_html("<pre>{}</pre>", job.error) if job.error else "—"


@admin.register(OutboundEmail)
class OutboundEmailAdmin(RetryAdmin[OutboundEmail]):
    """The body is never shown: until sent it holds the recipient's confirmation link."""

    failed_status = EmailStatus.FAILED
    noun = "email"
    change_form_template = "admin/letters/outboundemail/change_form.html"

    list_display = [
        "created_at",
        "kind",
        "to",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "short_error",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    actions = ["retry_selected"]
    fields = (
        "kind",
        "to",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "expires_at",
    )
    readonly_fields = fields

    def retry_one(self, record: OutboundEmail) -> bool:
        return outbox.retry(record)

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutboundEmail]:
        return super().get_queryset(request).defer("body")

    @admin.display(description="Last error")
    def short_error(self, email: OutboundEmail) -> str:
        return Truncator(email.last_error).chars(80) or "—"


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(admin.ModelAdmin):
    """When the workers' scheduler last queued each periodic task: a date that stops
    moving means no worker is running."""

    list_display = ["name", "every", "last_slot", "last_enqueued_at"]
    readonly_fields = ["name", "last_slot", "last_enqueued_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PeriodicTask | None = None) -> bool:
        return False

    @admin.display(description="Every")
    def every(self, entry: PeriodicTask) -> str:
        schedule = {periodic.name: periodic.every for periodic in periodic_tasks()}
        return str(schedule.get(entry.name, "no longer scheduled"))
