"""Gunicorn's settings for every way we run the production server (make serve, make bench,
deployments started from this folder). Gunicorn reads this file from the working directory.

Two processes per core, four threads each: a cached public page is mostly waiting (one
database read, the socket), so threads help; but each process serves the keep-alive
connections it happens to accept, so with one process per core a busy core and an idle one
can sit side by side. More processes spread the connections. See docs/performance.md.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Off by default: a recycled worker starts cold (its own page memory empty, connections to
# open), and under load that would happen every few seconds. Set it if a leak appears.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" for stdout; off by default
