"""gunicorn's threaded worker, taking a new connection only while one of its threads is free.

gunicorn's own gthread worker accepts every connection it can, whether or not a thread is
free to answer it (https://github.com/benoitc/gunicorn/issues/3433): the worker that wakes
first takes them all, queues them behind its threads, and the other workers sit idle. A
Python worker runs on one core at a time (the GIL), so on a two-core machine 16 keep-alive
connections landing on one worker served an uncached letter page at 65 requests a second,
and the same connections spread over three workers at 160 to 175 (wrk, 5 s runs, this
project's bench data): which of the two a run got was down to chance.

This worker stops listening while all of its threads are busy and listens again as soon as
one is free, so a connection waits in the shared listen queue for whichever worker can
answer it now, as gunicorn's sync workers do. Requests on connections it already holds
(keep-alive) are still its own to answer, queued behind its threads as before.

It relies on gunicorn's ThreadWorker methods below, so pyproject.toml pins gunicorn's major
version; tests/tracker/test_gunicorn_worker.py checks the behaviour against a real gunicorn.
"""

from typing import Any

from gunicorn.workers.gthread import ThreadWorker  # type: ignore[import-untyped]


class FairThreadWorker(ThreadWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Requests handed to the thread pool and not yet finished. Only the worker's main
        # thread (its event loop) changes it: enqueue_req and finish_request run there.
        self.requests_in_hand = 0

    def threads_free(self) -> bool:
        return self.requests_in_hand < self.cfg.threads

    def set_accept_enabled(self, enabled: bool) -> None:
        # The event loop asks to accept whenever it has room for more connections; this
        # worker also needs a free thread.
        super().set_accept_enabled(enabled and self.threads_free())

    def enqueue_req(self, conn: Any) -> None:
        self.requests_in_hand += 1
        super().enqueue_req(conn)
        if not self.threads_free():
            self.set_accept_enabled(False)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.requests_in_hand -= 1
        super().finish_request(conn, fs)
        self.set_accept_enabled(self.alive and self.nr_conns < self.worker_connections)
