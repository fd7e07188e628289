"""Curation's background work: signature statuses in bulk, and source link checks.

Both are jobs (letters/jobs/runner.py): followed in the admin, resumed from their last
checkpoint if a worker dies, and safe to retry.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from letters.jobs.runner import JobRun, job_task, start
from letters.models import Job, Source

from . import link_checks
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
