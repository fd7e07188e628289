"""Run a worker: the queued tasks, and beside them the schedule of periodic work.

The queue's own worker does the tasks: django-tasks-db's `db_worker` on the database
queue, RQ's worker (`rqworker`, with django-tasks-rq's job class) when REDIS_URL is set.
A thread beside it queues the periodic tasks when they are due (letters/jobs/schedule.py);
run as many workers as you like, on as many machines: each period is queued once.

`make run` starts one beside the development server (reloaded when the code changes, as
the server is), `make serve` one beside gunicorn, `make worker` one on its own.
"""

import logging
import os
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, task_backends
from django_tasks_db import DatabaseBackend

from letters.jobs.schedule import enqueue_due

logger = logging.getLogger(__name__)

# How often the scheduler looks for a period that has started: a minute's work starts
# within this many seconds of the minute.
SCHEDULER_SECONDS = 15.0


def run_scheduler(stop: threading.Event, every: float = SCHEDULER_SECONDS) -> None:
    while not stop.is_set():
        try:
            enqueue_due()
        except Exception:
            # A database or queue that is down for a moment must not end the schedule.
            logger.exception("The scheduler could not queue the periodic tasks")
        finally:
            close_old_connections()
        stop.wait(every)


class Command(BaseCommand):
    help = "Run the queued background tasks, and queue the periodic ones when due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--burst",
            action="store_true",
            help="Run the tasks queued now, then exit (no schedule).",
        )
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="schedule",
            help="Only run tasks; leave the periodic ones to other workers.",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Database queue: seconds between two looks for new tasks (default 1).",
        )

    def handle(
        self, *args: Any, burst: bool, schedule: bool, interval: float, **options: Any
    ) -> None:
        on_database = isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)
        # In development the database worker restarts when the code changes; its first
        # process only watches the files, and the schedule runs in the one it starts.
        reload = settings.DEBUG and on_database and not burst
        watching_only = reload and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if schedule and not burst and not watching_only:
            stop = threading.Event()
            threading.Thread(
                target=run_scheduler, args=(stop,), name="scheduler", daemon=True
            ).start()
        verbosity = options["verbosity"]
        if on_database:
            call_command(
                "db_worker",
                queue_name=DEFAULT_TASK_QUEUE_NAME,
                interval=interval,
                batch=burst,
                reload=reload,
                startup_delay=False,
                verbosity=verbosity,
            )
        else:
            call_command(
                "rqworker",
                DEFAULT_TASK_QUEUE_NAME,
                job_class="django_tasks_rq.Job",
                burst=burst,
                verbosity=verbosity,
            )
