"""Gunicorn's settings for every way we run the production server (make serve, make bench,
deployments started from this folder). Gunicorn reads this file from the working directory.

Two processes per core, four threads each: a cached public page is mostly waiting (one
database read, the socket), so threads help, but each process takes the keep-alive
connections it happens to accept, and with one process per core a run could leave one core
idle (2 x 8 measured 850-2,800 req/s on /healthz from one run to the next; 4 x 4 held
2,200-2,400). See docs/performance.md.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Off by default: a recycled worker starts cold (its own page memory empty, connections to
# open), which at 2,000 requests/s would happen every few seconds. Set it if a leak appears.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" for stdout; off by default
