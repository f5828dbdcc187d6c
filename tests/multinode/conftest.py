"""Two CoPlan app nodes (gunicorn) over one PostgreSQL and one Redis, with a small
round-robin proxy in front, as a load balancer would be. Runs only on PostgreSQL with Redis."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import redis
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/15"
SECRET = "multinode-shared-secret-key-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ready(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        connection = HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError(f"node on port {port} did not start")


class Node:
    def __init__(self, name: str, database_url: str, instance: Path):
        self.name = name
        self.port = free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": SECRET,
            "COPLAN_INSTANCE_PATH": str(instance),
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "4",
            "BIND": f"127.0.0.1:{self.port}",
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "webapp:create_app()"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until_ready(self.port)

    def flask(self, *args: str, env: dict | None = None) -> subprocess.Popen:
        """Start a `flask --app webapp …` command as this node would (with ``env`` added)."""
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "webapp", *args],
            cwd=ROOT,
            env={**self.env, **{key: str(value) for key, value in (env or {}).items()}},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


class RoundRobinProxy(ThreadingHTTPServer):
    """Sends each request to the next node in turn, like a load balancer with no stickiness."""

    daemon_threads = True
    request_queue_size = 256  # socketserver's default backlog of 5 resets a burst of clients

    def __init__(self, nodes: list[Node]):
        self.nodes = nodes
        self.turn = itertools.cycle(range(len(nodes)))
        self.lock = threading.Lock()
        self.served_by: list[str] = []
        super().__init__(("127.0.0.1", 0), ProxyHandler)

    def next_node(self) -> Node:
        with self.lock:
            node = self.nodes[next(self.turn)]
            self.served_by.append(node.name)
            return node


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        node = self.server.next_node()
        headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
        headers["X-Served-Via"] = node.name
        connection = HTTPConnection("127.0.0.1", node.port, timeout=60)
        try:
            connection.request(self.command, self.path, body=body or None, headers=headers)
            answer = connection.getresponse()
            payload = answer.read()
        except OSError:
            self.send_error(502, "node unreachable")
            return
        finally:
            connection.close()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(key, value)
        self.send_header("X-Node", node.name)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _forward


@pytest.fixture(scope="module")
def cluster(app, tmp_path_factory):
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        pytest.skip("the two-node tests need PostgreSQL (set TEST_DATABASE_URL)")
    try:
        with redis.Redis.from_url(REDIS_URL) as r:
            r.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("the two-node tests need Redis on 127.0.0.1:6379")
    database_url = url.render_as_string(hide_password=False)
    instance = tmp_path_factory.mktemp("nodes")
    nodes = [Node("A", database_url, instance), Node("B", database_url, instance)]
    try:
        for node in nodes:
            node.start()
        proxy = RoundRobinProxy(nodes)
        thread = threading.Thread(target=proxy.serve_forever, daemon=True)
        thread.start()
        yield {"nodes": nodes, "proxy": proxy, "url": f"http://127.0.0.1:{proxy.server_port}"}
        proxy.shutdown()
        proxy.server_close()
    finally:
        for node in nodes:
            node.stop()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    with (
        contextlib.suppress(redis.exceptions.ConnectionError),
        redis.Redis.from_url(REDIS_URL) as r,
    ):
        r.flushdb()


@pytest.fixture
def new_browser():
    """An HTTP client with its own cookies, like one phone; closed after the test."""
    import requests

    sessions = []

    def open_browser():
        sessions.append(requests.Session())
        return sessions[-1]

    yield open_browser
    for session in sessions:
        session.close()
