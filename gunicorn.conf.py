"""gunicorn's settings for this site. gunicorn reads this file from the directory it starts
in, so `make serve`, the benchmarks and a plain `gunicorn tracker.wsgi` all run alike;
options given on the command line (--workers, --threads) override it.

Threaded workers: a request waiting for the database holds one thread, not a whole worker.
SQLite lets one writer in at a time, and a long write (an import, a bulk action) holds the
lock for seconds; with sync workers every worker could end up waiting behind it, and the
health check with them. With threads, health checks and public pages, which never take
the write lock, are answered while writers wait (tests/tracker/test_write_lock.py).

The worker is gunicorn's threaded worker, except that it takes a new connection only while
one of its threads is free (tracker/gunicorn_worker.py): otherwise one worker could take
every connection, queue them behind its busy threads, and leave the others idle. The
limit: a request on a keep-alive connection that a worker already holds still waits for
that worker's threads.
"""

worker_class = "tracker.gunicorn_worker.FairThreadWorker"
threads = 4
