"""Page benchmark: the large demo dataset served by gunicorn on 127.0.0.1, driven by a
bounded Python client in a second process, beside a bare Flask page served the same way.

    .venv/bin/python bench/pages.py [--requests 300] [--concurrency 4] [--reuse]

On PostgreSQL (its schema is dropped and rebuilt), set
BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<database>.

Prints p50/p95 latency and requests per second per page; the last line is JSON:
{"bare_rps": …, "pages": {"caseload": {"p50_ms": …, "p95_ms": …, "rps": …,
"share_of_bare": …}, …}}. The bare page is driven between the pages; bare_rps is the median of
those runs and each page's share is of the two runs beside it.
Targets: p95 under 100 ms, and the caseload at least 20% of the bare page's throughput.

On SQLite every transaction starts with BEGIN IMMEDIATE (see webapp/web/app.py), so each request
holds the database's write lock from its first query to its end and the workers queue behind
one another: PostgreSQL, the production database, is the figure that counts. On a shared
machine, read the load average printed with the results before comparing runs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "coplan-demo"
# Workers per server: gunicorn.conf.py's own rule (2 per core + 1), each with its threads.
WORKERS = int(os.environ.get("BENCH_WORKERS", (os.cpu_count() or 1) * 2 + 1))
WARM_UP_PER_WORKER = 10

# (name, who signs in, endpoint, how to find the url values). Pages whose endpoint the app
# does not have (an area not merged yet) are left out.
PAGES = [
    ("caseload", "keyworker@example.org", "caseload.index", None),
    # The same page when no one matches the search: what any signed-in staff page costs
    # (session, policy, navigation, the filter form, one query), with no rows to work out.
    ("caseload_0", "keyworker@example.org", "caseload.index", {"q": "no one is called this"}),
    # A manager's caseload: everyone in the locality (1,000 people), a page of 100 shown, but
    # every person's flags worked out, since the page sorts those needing attention first.
    ("caseload_all", "manager@example.org", "caseload.index", None),
    ("record", "keyworker@example.org", "caseload.record", "caseload_participant"),
    ("plan", "parent@example.org", "plans.my_plan", None),
    ("book", "parent@example.org", "sessions.find_time", None),
    ("checkin", "parent@example.org", "checkins.new", None),
    ("my_notes", "parent@example.org", "caseload.my_notes", None),
    ("reports", "manager@example.org", "reports.index", None),
]


# The pages the service record issue sets the p95 target for; the others are measured too.
TARGETED = {"caseload", "record", "plan", "book", "checkin"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(env: dict) -> list[tuple[str, str, str]]:
    """Build the schema and the large dataset (unless an earlier run's is kept), and work out
    the URLs to drive."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from flask import url_for
    from flask_migrate import upgrade
    from sqlalchemy import select

    from webapp import create_app
    from webapp.config import normalise_database_url
    from webapp.demo.large import seed_large, settle_after_bulk_load
    from webapp.models import ParticipantProfile, User
    from webapp.web.extensions import db

    # The URL is passed in, not read by the config class: that was imported before env was set.
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(env["DATABASE_URL"])})
    with app.app_context():
        upgrade()
        keyworker = db.session.scalar(select(User).where(User.email == "keyworker@example.org"))
        if keyworker is None:
            started = time.perf_counter()
            seed_large(db.session, echo=print)
            db.session.commit()
            settle_after_bulk_load(db.session)
            print(f"Seeded in {time.perf_counter() - started:.1f}s")
            keyworker = db.session.scalar(select(User).where(User.email == "keyworker@example.org"))
        else:
            print("Kept the large dataset an earlier run built (--reuse)")
        participant_id = db.session.scalar(
            select(ParticipantProfile.user_id)
            .where(ParticipantProfile.keyworker_id == keyworker.id)
            .order_by(ParticipantProfile.user_id)
            .limit(1)
        )
        pages = []
        with app.test_request_context():
            for name, who, endpoint, values in PAGES:
                if values == "caseload_participant":
                    kwargs = {"participant_id": participant_id}
                else:
                    kwargs = values or {}
                pages.append((name, who, url_for(endpoint, **kwargs)))
        db.engine.dispose()
    return pages


def start_gunicorn(target: str, port: int, env: dict, cwd: Path) -> subprocess.Popen:
    """Serve ``target`` with the project's gunicorn settings (both apps alike)."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        target,
    ]
    process = subprocess.Popen(command, cwd=cwd, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn for {target} stopped") from None
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"gunicorn for {target} did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- The client (runs in its own process) ------------------------------------------------------


def request(port: int, method: str, path: str, headers=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, response.getheaders(), data
    finally:
        connection.close()


def cookies_from(headers, jar: dict) -> None:
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            jar[key] = val


def cookie_header(jar: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def sign_in(port: int, email: str) -> str:
    jar: dict = {}
    status, headers, body = request(port, "GET", "/sign-in")
    cookies_from(headers, jar)
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body) or re.search(
        rb'"X-CSRFToken": "([^"]+)"', body
    )
    form = urllib.parse.urlencode(
        {"csrf_token": token.group(1).decode(), "identifier": email, "password": PASSWORD}
    )
    status, headers, _ = request(
        port,
        "POST",
        "/sign-in",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie_header(jar),
        },
        body=form,
    )
    cookies_from(headers, jar)
    if status != 302:
        raise RuntimeError(f"sign-in as {email} answered {status}")
    return cookie_header(jar)


def drive(port: int, path: str, cookie: str | None, total: int, concurrency: int) -> dict:
    """``total`` requests from ``concurrency`` threads; latency percentiles and throughput."""
    headers = {"Cookie": cookie} if cookie else {}
    latencies: list[float] = []
    failures = []
    lock = threading.Lock()

    def run(count: int) -> None:
        remaining = [count]

        def worker():
            while True:
                with lock:
                    if remaining[0] == 0:
                        return
                    remaining[0] -= 1
                started = time.perf_counter()
                status, _, _ = request(port, "GET", path, headers)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if status != 200:
                        failures.append(status)

        threads = [threading.Thread(target=worker) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    # Warm up every worker as the timed run will use them (templates compiled, statements
    # prepared, connections open), so the first page driven is not charged for it.
    run(WARM_UP_PER_WORKER * WORKERS)
    latencies.clear()
    started = time.perf_counter()
    run(total)
    wall = time.perf_counter() - started
    latencies.sort()
    if failures:
        raise RuntimeError(f"{path}: {len(failures)} answers were not 200, e.g. {failures[0]}")
    return {
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
        "rps": round(total / wall, 1),
    }


def client_main(spec: str) -> None:
    job = json.loads(spec)

    def bare() -> dict:
        return drive(job["bare_port"], "/", None, job["requests"], job["concurrency"])

    # The bare page is driven before every page and after the last, and each page is compared
    # with the two bare runs beside it: this machine's speed drifts within a run, and the
    # bare page, which costs least, drifts most.
    results = {"bare_runs": [bare()]}
    for name, who, path in job["pages"]:
        cookie = sign_in(job["port"], who)
        results[name] = drive(job["port"], path, cookie, job["requests"], job["concurrency"])
        results["bare_runs"].append(bare())
        beside = [run["rps"] for run in results["bare_runs"][-2:]]
        results[name]["bare_rps_beside"] = round(statistics.mean(beside), 1)
    print(json.dumps(results))


# --- Orchestration ------------------------------------------------------------------------------


def run_client(job: dict) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--client", json.dumps(job)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr[-2000:])
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per page")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="on PostgreSQL, keep the large dataset an earlier run built instead of rebuilding it",
    )
    parser.add_argument("--client", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        client_main(args.client)
        return

    with tempfile.TemporaryDirectory(prefix="coplan-bench-") as workdir:
        database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir}/bench.db"
        if database_url.startswith("postgres") and not args.reuse:
            reset_postgres(database_url)
        env = {
            **os.environ,
            "COPLAN_INSTANCE_PATH": workdir,
            "DATABASE_URL": database_url,
        }
        env.pop("COPLAN_ENV", None)
        print(f"Database: {database_url.split('@')[-1]}")
        pages = prepare_database(env)
        app_port, bare_port = free_port(), free_port()
        app_server = start_gunicorn("webapp:create_app()", app_port, env, ROOT)
        try:
            bare_server = start_gunicorn("bare_app:app", bare_port, env, ROOT / "bench")
            try:
                results = run_client(
                    {
                        "port": app_port,
                        "bare_port": bare_port,
                        "pages": pages,
                        "requests": args.requests,
                        "concurrency": args.concurrency,
                    }
                )
            finally:
                stop(bare_server)
        finally:
            stop(app_server)

    bare_runs = results.pop("bare_runs")
    bare = {
        key: round(statistics.median(run[key] for run in bare_runs), 1)
        for key in ("p50_ms", "p95_ms", "rps")
    }
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nLoad average after the run (machine has {os.cpu_count()} cores): {load}")
    print(
        f"{args.requests} requests a page, {args.concurrency} at a time, "
        f"gunicorn (gunicorn.conf.py) with {WORKERS} workers"
    )
    spread = [run["rps"] for run in bare_runs]
    print(
        f"The bare page, driven {len(bare_runs)} times between the pages: "
        f"{min(spread)} to {max(spread)} req/s (median {bare['rps']}). "
        "Each page's share is of the two bare runs beside it."
    )
    print(f"{'page':<10} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'of bare':>8}")
    print(f"{'bare':<10} {bare['p50_ms']:>8} {bare['p95_ms']:>8} {bare['rps']:>8} {'100%':>8}")
    for figures in results.values():
        figures["share_of_bare"] = round(figures["rps"] / figures.pop("bare_rps_beside"), 3)
    for name, figures in results.items():
        share = f"{100 * figures['share_of_bare']:.0f}%"
        print(
            f"{name:<10} {figures['p50_ms']:>8} {figures['p95_ms']:>8} {figures['rps']:>8} "
            f"{share:>8}"
        )
    caseload = results.get("caseload")
    if caseload:
        targeted = {name: f for name, f in results.items() if name in TARGETED}
        ok_latency = all(f["p95_ms"] < 100 for f in targeted.values())
        ok_share = caseload["share_of_bare"] >= 0.2
        slow = ", ".join(f"{n} {f['p95_ms']} ms" for n, f in results.items() if f["p95_ms"] >= 100)
        print(
            f"Targets: p95 under 100 ms for {', '.join(targeted)} "
            f"{'met' if ok_latency else 'MISSED'}; "
            f"caseload at least 20% of bare {'met' if ok_share else 'MISSED'}"
        )
        if slow:
            print(f"p95 of 100 ms or more: {slow}")
    print(json.dumps({"bare_rps": bare["rps"], "pages": results}))


def reset_postgres(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import create_engine, text

    from webapp.config import normalise_database_url

    engine = create_engine(normalise_database_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


if __name__ == "__main__":
    main()
