"""gunicorn's settings for this site. gunicorn reads this file from the directory it starts
in, so `make serve`, the benchmarks and a plain `gunicorn tracker.wsgi` all run alike;
options given on the command line (--workers, --threads) override it.

Threaded workers: a request waiting for the database holds one thread, not a whole worker.
SQLite lets one writer in at a time, and a long write (an import, a bulk action) holds the
lock for seconds; with sync workers every worker could end up waiting behind it, and the
health check with them. With threads, health checks and public pages, which never take
the write lock, are answered while writers wait (tests/tracker/test_write_lock.py). The
limit: a worker whose threads are all waiting still accepts connections and queues them,
so this holds while fewer writers wait than a worker has threads.
"""

worker_class = "gthread"
threads = 4
