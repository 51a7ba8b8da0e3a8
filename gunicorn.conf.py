"""Gunicorn's settings for every way we run the production server (make serve, make bench,
deployments started from this folder). Gunicorn reads this file from the working directory.

Threads, not processes: a cached public page is mostly waiting (one database read, the
socket), and on the 2-core benchmark machine 2 processes x 8 threads served the search pages
with a p95 of 80-85 ms where 5 x 4 gave 120-155 ms (docs/performance.md).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Recycle a worker now and then, so a slow leak in any library cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" for stdout; off by default
