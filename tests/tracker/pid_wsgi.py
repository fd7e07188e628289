"""A WSGI application for tests/tracker/test_gunicorn_worker.py: it answers with the id of
the worker process that served the request, after holding the thread for a while on
/slow (a request that keeps its thread busy, as a slow page or a writer waiting for a lock
would)."""

import os
import time

SLOW_SECONDS = 1.0


def application(environ, start_response):
    if environ["PATH_INFO"] == "/slow":
        time.sleep(SLOW_SECONDS)
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
