"""gunicorn settings for CoPlan: `gunicorn -c gunicorn.conf.py "webapp:create_app()"`.

Every worker is stateless: sessions live in signed cookies, rate-limit counters in Redis, and
the database is the system of record, so more workers and more machines can be added."""

import logging
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 2000  # recycle workers now and then, so slow leaks never build up
max_requests_jitter = 200
# Request lines are logged by the app as JSON; gunicorn's own access log would repeat them.
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    # The workers gunicorn will really start: `-w` on the command line overrides `workers` above.
    count = server.cfg.workers
    if count > 1 and not os.environ.get("REDIS_URL"):
        logging.getLogger("gunicorn.error").warning(
            "REDIS_URL is not set: each of the %s workers keeps its own sign-in rate limits, "
            "so the limits are looser than configured. Set REDIS_URL to share them.",
            count,
        )
