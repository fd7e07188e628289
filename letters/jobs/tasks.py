"""The tasks of the job machinery itself: delivering an email, the sweep, pruning."""

from typing import TypedDict

from django.core.management import call_command
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task, task_backends
from django_tasks_db import DatabaseBackend

from . import outbox, runner


@task()
def deliver_email(email_id: int, attempt: int) -> None:
    outbox.deliver(email_id, attempt)


class SweepReport(TypedDict):
    jobs_resumed: int
    emails_queued: int


@task()
def sweep() -> SweepReport:
    """Every minute: resume the jobs a dead worker left, queue the emails due again."""
    return {"jobs_resumed": runner.recover_stalled(), "emails_queued": outbox.queue_due()}


@task()
def prune_task_results() -> None:
    """Daily, on the database backend: forget the queue's records of finished tasks
    after two weeks (jobs and emails keep their own records)."""
    if isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        call_command("prune_db_task_results", "--min-age-days", "14", verbosity=0)
