"""The project's own settings, with a URLconf that adds the bench's Django hello view."""

import os
from pathlib import Path

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# bench/run.py collects static files into its own temporary directory, leaving the
# project's staticfiles/ to `make serve`.
if bench_static_root := os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(bench_static_root)
