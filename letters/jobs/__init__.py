"""Work that leaves the request, on Django's tasks API (the django-tasks backport).

- `queue.enqueue`: hand a task to the configured backend once the caller's data is
  committed, never failing the caller.
- `outbox`: every email, written to the database in the request and delivered by a
  worker with retries and back-off.
- `runner`: jobs with progress (`Job`), idempotent and resumed when a worker dies.
- `schedule`: the periodic work, queued once per period however many workers run.
- `tasks`: the django-tasks tasks of all this; each feature's own tasks live in its
  package's `tasks.py` (letters/curation/tasks.py, letters/signing/tasks.py).

Tasks are declared and queued through `django_tasks` only (the backends are named in
`queue.py`, `tasks.py` and the `worker` command), so that moving to Django 6's
`django.tasks` changes imports, not code.
"""
