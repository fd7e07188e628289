"""Jobs: long work done by a worker, followed in the admin, safe to run twice.

A feature writes its work as a function of a `JobRun` and makes it a task with
`job_task`; a view starts it with `start`:

    @job_task
    def set_signature_status(run: JobRun) -> str:
        for chunk in ...:
            with transaction.atomic():
                ...                                   # the work of one chunk
                run.checkpoint(done=..., state={...}) # committed with it
        return "3,000 signatures marked rejected."    # the job's message

    job = start(set_signature_status, "Mark 3,000 signatures rejected",
                params={...}, user=request.user)

What makes a job safe:
- One run at a time. A run claims the job (queued → running) with a conditional
  UPDATE; a second copy of the task, or a retry clicked twice, finds nothing to claim.
- Resumed, not redone. A run saves its progress with `checkpoint` in the same
  transaction as the work it stands for, so a run killed half-way leaves either both or
  neither. The sweep (`recover_stalled`) requeues a running job whose heartbeat is older
  than JOB_STALLED_MINUTES; the next run starts from the last checkpoint (`run.state`).
  A run that lost its claim meanwhile (taken for dead while only slow) is stopped at its
  next checkpoint, before it writes anything more.
- Errors are shown, not retried blindly: an exception marks the job failed with its
  traceback; a curator's retry (`retry`) resumes it from its last checkpoint.
"""

import logging
import traceback
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks.base import Task

from letters.models import ACTIVE_JOB_STATUSES, Job, JobStatus

from .queue import enqueue

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

logger = logging.getLogger(__name__)

# A job interrupted this many times (its worker killed, the machine restarted) is
# failed rather than resumed again: something in it kills workers.
MAX_RUNS = 5

JobFunction = Callable[["JobRun"], str]


class JobLost(Exception):
    """This run's claim on the job was taken over: it must stop writing."""


class JobRun:
    """A claimed job, as the function doing its work sees it."""

    def __init__(self, job: Job) -> None:
        self.job = job

    @property
    def params(self) -> dict[str, Any]:
        return self.job.params

    @property
    def state(self) -> dict[str, Any]:
        """What the last checkpoint saved: where a resumed run carries on."""
        return self.job.state

    @property
    def done(self) -> int:
        return self.job.done

    def input_bytes(self) -> bytes:
        """The file uploaded with the job (stored in the database, so any worker on any
        machine can read it)."""
        data = Job.objects.filter(pk=self.job.pk).values_list("input_data", flat=True).get()
        return bytes(data or b"")

    def set_total(self, total: int) -> None:
        self._save(total=total)
        self.job.total = total

    def checkpoint(
        self, *, done: int, state: dict[str, Any] | None = None, result_url: str = ""
    ) -> None:
        """Record progress (and what a resumed run needs). Call it inside the transaction
        of the work it stands for, so that both are committed or neither."""
        fields: dict[str, Any] = {"done": done}
        if state is not None:
            fields["state"] = state
            self.job.state = state
        if result_url:
            fields["result_url"] = result_url
            self.job.result_url = result_url
        self._save(**fields)
        self.job.done = done

    def _save(self, **fields: Any) -> None:
        claimed = Job.objects.filter(
            pk=self.job.pk, status=JobStatus.RUNNING, attempts=self.job.attempts
        ).update(heartbeat_at=timezone.now(), **fields)
        if not claimed:
            raise JobLost(f"Job {self.job.pk} was taken over by another run.")


def job_task(function: JobFunction) -> Task[[int], None]:
    """Make `function(run) -> message` the task that runs jobs by id."""

    @wraps(function)
    def run_job(job_id: int) -> None:
        execute(job_id, function)

    # The task keeps the function's name and module, so the worker finds it by path.
    return task()(run_job)


def start(
    job_runner: Task[[int], None],
    name: str,
    *,
    params: dict[str, Any] | None = None,
    user: "AbstractBaseUser | AnonymousUser | None" = None,
    key: str = "",
    upload: UploadedFile | None = None,
) -> Job:
    """Create a job and queue it for a worker; with a `key`, a job already queued or
    running under it is returned instead (a double click starts nothing twice). An
    `upload` is stored in the job's row: the worker may be on another machine."""
    key = key[:200]
    if key:
        existing = Job.objects.filter(key=key, status__in=ACTIVE_JOB_STATUSES).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            job = _create(job_runner, name, params, user, key, upload)
    except IntegrityError:
        # Another request with the same key won the race.
        return Job.objects.get(key=key, status__in=ACTIVE_JOB_STATUSES)
    enqueue(job_runner, job.pk)
    return job


def run_here(
    job_runner: Task[[int], None],
    name: str,
    *,
    params: dict[str, Any] | None = None,
    user: "AbstractBaseUser | AnonymousUser | None" = None,
) -> Job:
    """Create a job and run it now, in this process (a management command in the
    foreground); it is recorded like any other, and returned finished."""
    job = _create(job_runner, name, params, user, "", None)
    job_runner.call(job.pk)
    job.refresh_from_db()
    return job


def _create(
    job_runner: Task[[int], None],
    name: str,
    params: dict[str, Any] | None,
    user: "AbstractBaseUser | AnonymousUser | None",
    key: str,
    upload: UploadedFile | None,
) -> Job:
    job = Job(
        name=name[:200],
        task_path=job_runner.module_path,
        key=key,
        params=params or {},
        created_by=user if isinstance(user, User) else None,
        # The last sign of life: a job queued this long ago and never started was lost.
        heartbeat_at=timezone.now(),
    )
    if upload is not None:
        job.input_name = (upload.name or "")[:300]
        job.input_data = b"".join(upload.chunks())
    job.save(force_insert=True)
    return job


def execute(job_id: int, function: JobFunction) -> None:
    """Claim the job, run `function`, record the outcome. Does nothing if the job is not
    waiting to run (done, failed, or already being run)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        error="",
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    try:
        message = function(JobRun(job))
    except JobLost:
        logger.warning("Job %s (%s): another run took over; this one stops.", job.pk, job)
        return
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job)
        _finish(job, JobStatus.FAILED, error=traceback.format_exc())
        return
    _finish(job, JobStatus.SUCCEEDED, message=message)


def _finish(job: Job, status: str, *, message: str = "", error: str = "") -> None:
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts).update(
        status=status,
        message=message[:500],
        error=error,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )


def retry(job: Job) -> bool:
    """Queue a failed job again, to carry on from its last checkpoint. False (nothing
    done) unless it had failed, so a retry clicked twice runs it once."""
    if not Job.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
        status=JobStatus.QUEUED, finished_at=None, heartbeat_at=timezone.now()
    ):
        return False
    enqueue(_task_of(job), job.pk)
    return True


def recover_stalled() -> int:
    """Requeue what a dead worker left: running jobs whose heartbeat stopped, and queued
    jobs whose task never started (a queue that lost it, or was down when asked).
    Returns how many were requeued."""
    now = timezone.now()
    stalled_before = now - timedelta(minutes=settings.JOB_STALLED_MINUTES)
    stalled = Job.objects.filter(status__in=ACTIVE_JOB_STATUSES, heartbeat_at__lt=stalled_before)
    requeued = 0
    for job in stalled:
        if job.attempts >= MAX_RUNS:
            Job.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
                status=JobStatus.FAILED,
                error=f"Stopped {job.attempts} times before finishing; not resumed again.",
                finished_at=now,
            )
            continue
        # Conditional on what we read: a job that moved on meanwhile is left alone.
        if Job.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
            status=JobStatus.QUEUED, heartbeat_at=now
        ):
            logger.warning("Job %s (%s) stalled; queued again to resume.", job.pk, job)
            enqueue(_task_of(job), job.pk)
            requeued += 1
    return requeued


def _task_of(job: Job) -> Task[[int], None]:
    found = import_string(job.task_path)
    if not isinstance(found, Task):
        raise TypeError(f"{job.task_path} is not a task")
    return found
