"""One JSON line per request on stdout, with a request id that is also sent back to the
browser and shown on error pages, so a person's "it broke" can be found in the logs.

Only ids and technical facts are logged: never names, notes or answers."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, request
from flask_login import current_user
from sqlalchemy import inspect

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_logger = logging.getLogger("coplan.requests")


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if fields:
            line.update(fields)
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(line)


def init_app(app: Flask) -> None:
    if not app.testing:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonLineFormatter())
        request_logger.handlers[:] = [handler]
        request_logger.setLevel(logging.INFO)
        request_logger.propagate = False
    app.before_request(_start)
    app.after_request(_finish)
    app.jinja_env.globals["request_id"] = lambda: getattr(g, "request_id", "")


def _start() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response):
    request_id = getattr(g, "request_id", None)
    if request_id is None:
        return response
    response.headers[REQUEST_ID_HEADER] = request_id
    # The id from the identity map, not the attribute: a page that committed has expired the
    # user, and reading .id would load them again only to write this line.
    user = current_user._get_current_object()
    identity = inspect(user).identity if user.is_authenticated else None
    user_id = identity[0] if identity else None
    request_logger.info(
        "request",
        extra={
            "fields": {
                "request_id": request_id,
                "method": request.method,
                "route": request.url_rule.rule if request.url_rule else None,
                "endpoint": request.endpoint,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1),
                "user_id": user_id,
            }
        },
    )
    return response
