"""A real HTTP server on 127.0.0.1 that speaks GOV.UK Notify's send-SMS API, for the text
message tests: it checks the client's signed token as Notify does, keeps what it was sent, and
can be told to refuse, throttle or not answer in time. Nothing stands in for the Notify client
library or its HTTP requests."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"coplan_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


@dataclass
class Text:
    phone_number: str
    message: str
    reference: str | None
    template_id: str
    id: str = ""


@dataclass
class LocalNotify:
    """Answers like Notify: 201 with the new notification, or the error it was told to give."""

    sent: list[Text] = field(default_factory=list)
    # Each post takes the next answer from here; when empty, it succeeds.
    answers: list[int | str] = field(default_factory=list)
    delay: float = 0.0

    def __post_init__(self):
        self.lock = threading.Lock()
        notify = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, answer = notify.answer(self.path, self.headers, body)
                payload = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped waiting (a timeout test)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def settings(self) -> dict:
        return {
            "SMS_PROVIDER": "notify",
            "NOTIFY_API_KEY": API_KEY,
            "NOTIFY_SMS_TEMPLATE_ID": TEMPLATE_ID,
            "NOTIFY_BASE_URL": self.base_url,
            "SMS_TIMEOUT_SECONDS": 1.0,
        }

    def answer(self, path: str, headers, body: bytes) -> tuple[int, dict]:
        if path != "/v2/notifications/sms":
            return 404, error(404, "BadRequestError", "Not found")
        try:
            token = headers.get("Authorization", "").removeprefix("Bearer ")
            claims = jwt.decode(token, SECRET, algorithms=["HS256"])
        except jwt.PyJWTError:
            return 403, error(403, "AuthError", "Invalid token")
        if claims.get("iss") != SERVICE_ID or abs(time.time() - claims.get("iat", 0)) > 30:
            return 403, error(403, "AuthError", "Invalid token: service id or time")
        with self.lock:
            planned = self.answers.pop(0) if self.answers else 201
        if planned == "timeout":
            time.sleep(2)
            return 201, {}
        if planned == 429:
            return 429, error(429, "RateLimitError", "Exceeded rate limit for key type LIVE")
        if planned != 201:
            return planned, error(planned, "BadRequestError", "Refused by the test")
        request = json.loads(body)
        text = Text(
            phone_number=request["phone_number"],
            message=request.get("personalisation", {}).get("message", ""),
            reference=request.get("reference"),
            template_id=request["template_id"],
        )
        notification_id = str(uuid.uuid4())
        text.id = notification_id
        with self.lock:
            self.sent.append(text)
        return 201, {
            "id": notification_id,
            "reference": text.reference,
            "content": {"body": text.message, "from_number": "CoPlan"},
            "uri": f"{self.base_url}/v2/notifications/{notification_id}",
            "template": {"id": text.template_id, "version": 1, "uri": ""},
        }

    @staticmethod
    def receipt(text: Text, status: str = "delivered") -> dict:
        """The delivery receipt Notify would post to the service's callback for this text."""
        return {
            "id": text.id,
            "reference": text.reference,
            "to": text.phone_number,
            "status": status,
            "created_at": "2027-01-11T18:00:00.000000Z",
            "completed_at": "2027-01-11T18:00:05.000000Z",
            "sent_at": "2027-01-11T18:00:01.000000Z",
            "notification_type": "sms",
            "template_id": text.template_id,
            "template_version": 1,
        }

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@contextlib.contextmanager
def running_notify(app):
    """A LocalNotify the app sends its texts to, for as long as the block runs."""
    service = LocalNotify()
    saved = {key: app.config.get(key) for key in service.settings()}
    app.config.update(service.settings())
    try:
        yield service
    finally:
        app.config.update(saved)
        service.stop()


def error(status: int, kind: str, message: str) -> dict:
    return {"status_code": status, "errors": [{"error": kind, "message": message}]}
