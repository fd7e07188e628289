"""Curation's background work: signature statuses in bulk, source link checks, and the
steps of an import (the preview's reading and matching, matching a long list again after
a curator's corrections, the confirmation's writing).

All are jobs (letters/jobs/runner.py): followed in the admin, resumed from their last
checkpoint if a worker dies, and safe to retry.
"""

import time
from datetime import datetime

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from letters.jobs.runner import JobRun, job_task, start
from letters.models import ImportStatus, Job, SignatoryImport, Source

from . import import_rows, link_checks, writing
from .matching import ProgressCallback
from .status_actions import apply_status, changed_message

STATUS_CHUNK = 500


@job_task
def set_signature_status(run: JobRun) -> str:
    """A status action on more signatures than a request should change: 500 at a time,
    each chunk committed with its checkpoint, so a resumed run skips what is done."""
    ids: list[int] = run.params["ids"]
    status: str = run.params["status"]
    changed: int = run.state.get("changed", 0)
    run.set_total(len(ids))
    user = run.job.created_by
    for start_at in range(run.done, len(ids), STATUS_CHUNK):
        chunk = ids[start_at : start_at + STATUS_CHUNK]
        with transaction.atomic():
            changed += apply_status(chunk, status, user, **run.params["extra"])
            run.checkpoint(done=start_at + len(chunk), state={"changed": changed})
    return changed_message(changed, status)


@job_task
def check_source_links(run: JobRun) -> str:
    """Check the sources (all, the dead ones, or those chosen), one at a time, each
    result committed with the job's progress; a resumed run checks only the rest."""
    params = run.params
    since = datetime.fromisoformat(params["since"])
    pending = link_checks.still_to_check(
        since, only_dead=params.get("only_dead", False), ids=params.get("ids")
    )
    remaining = list(pending)
    if params.get("limit") is not None:
        remaining = remaining[: max(params["limit"] - run.done, 0)]
    if run.job.total is None:
        run.set_total(len(remaining))
    dead: int = run.state.get("dead", 0)
    done = run.done
    for source, status, error in link_checks.check_in_turn(
        remaining, params.get("timeout", 10.0), params.get("delay", 1.0)
    ):
        with transaction.atomic():
            Source.objects.filter(pk=source.pk).update(
                link_checked_at=timezone.now(), link_status=status, link_error=error
            )
            done += 1
            dead += link_checks.is_dead(status)
            run.checkpoint(done=done, state={"dead": dead})
    return f"Checked {done} source link(s); {dead} dead."


def link_check_params(
    *,
    only_dead: bool = False,
    limit: int | None = None,
    timeout: float = 10.0,
    delay: float = 1.0,
    ids: list[int] | None = None,
) -> dict[str, object]:
    return {
        "since": timezone.now().isoformat(),
        "only_dead": only_dead,
        "limit": limit,
        "timeout": timeout,
        "delay": delay,
        "ids": ids,
    }


@task()
def check_all_source_links() -> int:
    """The weekly check of every source (letters/jobs/schedule.py): one job at a time,
    so a check still running when the next week starts is not started twice."""
    job: Job = start(
        check_source_links,
        "Check every source link",
        params=link_check_params(),
        key="check-source-links",
    )
    return job.pk


# How often an import job records its progress (a write each time).
PROGRESS_EVERY_SECONDS = 1.0


def import_progress_key(job: Job) -> str:
    """Where the confirmation's progress is kept while its transaction is open: the job's
    own row would show it only at the commit, and locking it meanwhile would hold up the
    sweep. The cache is shared by every web server and worker (a directory, or Redis)."""
    return f"import-job-progress:{job.pk}"


def _throttled(report: ProgressCallback) -> ProgressCallback:
    last = 0.0

    def throttled(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done >= total or now - last >= PROGRESS_EVERY_SECONDS:
            last = now
            report(done, total)

    return throttled


def _to_job(run: JobRun) -> ProgressCallback:
    def report(done: int, total: int) -> None:
        if run.job.total != total:
            run.set_total(total)
        run.checkpoint(done=done)

    return _throttled(report)


def _to_cache(run: JobRun) -> ProgressCallback:
    def report(done: int, total: int) -> None:
        cache.set(import_progress_key(run.job), (done, total), timeout=24 * 60 * 60)

    return _throttled(report)


@job_task
def preview_signatory_import(run: JobRun) -> str:
    """Read, check and match an uploaded list for the curator's preview. Nothing is
    written but the import's rows, at the end: a run stopped half-way is redone."""
    signatory_import = writing.preview_import(run.params["import_id"], progress=_to_job(run))
    if signatory_import.status == ImportStatus.FAILED:
        return f"The file could not be read: {signatory_import.error}"
    rows = import_rows.of(signatory_import).count()
    run.checkpoint(done=rows, result_url=import_url(signatory_import))
    return f"{rows:,} rows read and matched, waiting for a curator's confirmation."


@job_task
def confirm_signatory_import(run: JobRun) -> str:
    """Write the chosen rows, all or nothing (`writing.confirm_import`, one transaction).
    A run stopped half-way wrote nothing and is redone; a run stopped after its commit
    finds the import confirmed and only reports it."""
    import_id = run.params["import_id"]
    try:
        report = writing.confirm_import(import_id, user=run.job.created_by, progress=_to_cache(run))
    except writing.ImportAlreadyDone:
        signatory_import = SignatoryImport.objects.defer("upload").get(pk=import_id)
        if signatory_import.status != ImportStatus.CONFIRMED:
            raise
        report = signatory_import.report
    signatory_import = SignatoryImport.objects.only("pk", "letter_id").get(pk=import_id)
    written = sum(report.get("outcomes", {}).values())
    run.set_total(written)
    run.checkpoint(done=written, result_url=import_url(signatory_import))
    return imported_message(report.get("outcomes", {}))


@job_task
def rematch_signatory_import(run: JobRun) -> str:
    """Match a previewed list's rows again after a curator's corrections, when the list
    is too long to match inside a request. Each chunk of rows is saved as it is matched;
    the rows are shown again only once the job has succeeded, and a run stopped half-way
    is redone from the first row."""
    signatory_import = (
        SignatoryImport.objects.select_related("letter")
        .defer("upload")
        .get(pk=run.params["import_id"])
    )
    if signatory_import.status != ImportStatus.PREVIEW:
        return f"Nothing to match again: the import is {signatory_import.get_status_display()}."
    writing.match_rows(signatory_import, progress=_to_job(run))
    counts = import_rows.counts(signatory_import)
    SignatoryImport.objects.filter(pk=signatory_import.pk).update(
        report={**signatory_import.report, "counts": counts}
    )
    rows = sum(counts.values())
    run.checkpoint(done=rows, result_url=import_url(signatory_import))
    return f"{rows:,} rows matched again after a curator's corrections."


def imported_message(outcomes: dict[str, int]) -> str:
    return (
        f"Imported: {outcomes.get('created', 0):,} new records signed, "
        f"{outcomes.get('signed', 0):,} existing records signed, "
        f"{outcomes.get('skipped', 0):,} rows skipped."
    )


def start_preview(signatory_import: SignatoryImport, user: User, key: str) -> Job:
    """Queue the reading of a kept upload; `key` (the same file, letter, source and
    options from the same curator) makes a double submission return the first job."""
    return start(
        preview_signatory_import,
        f"Read and match {signatory_import.file_name or 'a pasted list'} for the preview",
        params={"import_id": signatory_import.pk},
        user=user,
        key=key,
    )


def start_rematch(signatory_import: SignatoryImport, user: User) -> Job:
    """Queue the matching of a long list again after a curator's corrections."""
    return start(
        rematch_signatory_import,
        f"Match {signatory_import.file_name or 'a pasted list'} again after corrections "
        f"(import #{signatory_import.pk})",
        params={"import_id": signatory_import.pk},
        user=user,
        key=f"signatory-import-rematch:{signatory_import.pk}",
    )


def start_confirmation(signatory_import: SignatoryImport, user: User) -> Job:
    """Queue the confirmation; clicked twice, it is one job."""
    return start(
        confirm_signatory_import,
        f"Import {signatory_import.file_name or 'a pasted list'} (import #{signatory_import.pk})",
        params={"import_id": signatory_import.pk},
        user=user,
        key=f"signatory-import-confirm:{signatory_import.pk}",
    )


def import_url(signatory_import: SignatoryImport) -> str:
    return reverse(
        "admin:letters_letter_import_preview",
        args=[signatory_import.letter_id, signatory_import.pk],
    )


def latest_import_job(signatory_import: SignatoryImport) -> Job | None:
    """The last preview or confirmation job of the import, if any."""
    paths = [
        preview_signatory_import.module_path,
        rematch_signatory_import.module_path,
        confirm_signatory_import.module_path,
    ]
    return (
        Job.objects.filter(task_path__in=paths, params__import_id=signatory_import.pk)
        .defer("input_data")
        .order_by("-created_at", "-pk")
        .first()
    )
