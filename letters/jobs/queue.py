"""Putting a task on the queue: after the data it reads is committed, without failing
the request that asks."""

import logging
from functools import partial
from typing import Any

from django.db import transaction
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend

logger = logging.getLogger(__name__)


def enqueue(task: Task[..., Any], *args: Any) -> None:
    """Queue `task(*args)` for a worker.

    The database backend stores the task in the caller's own transaction, so it is
    queued exactly when the caller's rows are committed (and not at all if they roll
    back); the immediate backend (tests) runs it at once in this thread. A queue outside
    the database (Redis) gets it only after the commit, or a worker could look for rows
    not yet visible to it. A queue that cannot be reached is logged and left to the
    sweep (letters/jobs/tasks.py), which finds whatever was never started.
    """
    if isinstance(task.get_backend(), DatabaseBackend | ImmediateBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(_enqueue_or_log, task, args))


def _enqueue_or_log(task: Task[..., Any], args: tuple[Any, ...]) -> None:
    try:
        task.enqueue(*args)
    except Exception:
        logger.exception("Could not queue %s%r; the sweep will pick it up.", task.name, args)
