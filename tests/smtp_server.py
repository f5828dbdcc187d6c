"""A real SMTP server on 127.0.0.1 (aiosmtpd) that the app's mail settings point at."""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager
from email import message_from_bytes

from aiosmtpd.controller import Controller


class Collector:
    """Accepts every message, or refuses the first ``refusals`` of them with a 554."""

    def __init__(self, refusals: int = 0, on_message=None):
        self.messages = []
        self.refusals = refusals
        self.lock = threading.Lock()
        # Called while the sender waits for the answer: something else happening meanwhile.
        self.on_message = on_message

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            if self.refusals:
                self.refusals -= 1
                return "554 5.7.1 Message refused"
            self.messages.append(message_from_bytes(envelope.content))
        if self.on_message is not None:
            self.on_message()
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_smtp(app, collector: Collector):
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield collector
    finally:
        app.config.update(saved)
        controller.stop()
