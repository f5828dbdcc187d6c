"""Capacity: a working day on one machine. The large dataset (DESIGN.md's scale) served by
gunicorn as gunicorn.conf.py configures it, driven from a second process by an open-loop client:
requests arrive at a set rate (Poisson arrivals), whether or not earlier ones have been
answered, in a mix taken from the service's day. The rate goes up step by step.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<database> \\
        .venv/bin/python bench/capacity.py [--rates 5,10,20,30,40] [--seconds 20] [--reuse]

For each step it prints p50/p95/p99 per kind of request and the errors; the last line is JSON:
{"held_rate": …, "people_at_once": …, "steps": [...]}. ``held_rate`` is the highest rate at
which every kind kept its p95 under 200 ms with no errors. ``people_at_once`` turns it into
people: someone using CoPlan asks for a page about every THINK_SECONDS (reading, typing),
so a machine that holds R requests a second serves about R × THINK_SECONDS people at once.

Latency is counted from when a request was due, not when a thread got to send it, so a
machine that falls behind is charged for the wait (no coordinated omission). Bounded: each
step runs ``--seconds`` and at most MAX_REQUESTS_A_STEP requests; 127.0.0.1 only. Without
BENCH_DATABASE_URL it runs on SQLite, whose single writer makes the figures much lower.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import (  # noqa: E402  (bench/pages.py: the same server set-up and client)
    ROOT,
    WORKERS,
    cookie_header,
    cookies_from,
    free_port,
    request,
    reset_postgres,
    sign_in,
    start_gunicorn,
    stop,
)

P95_TARGET_MS = 200
THINK_SECONDS = 30
MAX_REQUESTS_A_STEP = 5000
PARENTS, KEYWORKERS, MANAGERS = 40, 10, 3

# (kind, who, weight, what): a GET of a path, or a form found on a page and posted. The
# weights are a day's share: parents mostly read Today and their plan; keyworkers their
# caseload and records; managers look in now and then.
MIX = [
    ("today", "parent", 20, ("get", "/today")),
    ("plan", "parent", 10, ("get", "/plan")),
    ("tick_step", "parent", 3, ("post", "/plan", r"/plans/steps/\d+/tick")),
    ("find_time", "parent", 6, ("get", "/sessions/find")),
    ("book", "parent", 1, ("post", "/sessions/find", r"/sessions/book")),
    ("check_in", "parent", 3, ("post", "/checkin", r"/checkin")),
    ("sync_api", "parent", 2, ("api", "/api/v1/checkins")),
    ("journey", "parent", 5, ("get", "/journey")),
    ("caseload", "keyworker", 10, ("get", "/people/")),
    ("record", "keyworker", 8, ("get", "{record}")),
    ("note", "keyworker", 3, ("post", "{record}", r"/people/\d+/notes")),
    ("diary", "keyworker", 5, ("get", "/diary")),
    ("caseload_all", "manager", 1, ("get", "/people/")),
    ("reports", "manager", 1, ("get", "/reports/")),
    ("sign_in", "parent", 1, ("sign_in",)),
]


# --- Filling in a page's form, as a person would ----------------------------------------------

FORM = re.compile(rb"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ATTRIBUTE = re.compile(rb'([\w-]+)="([^"]*)"')
INPUT = re.compile(rb"<(input|textarea|select|button)\b([^>]*)>", re.I)


def attributes(text: bytes) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in ATTRIBUTE.findall(text)}


def filled_form(page: bytes, action_pattern: str) -> tuple[str, str] | None:
    """(action, encoded body) of the first form posting to ``action_pattern``: hidden fields
    as they are, the first answer of each choice, a few words in each text box."""
    for form_attributes, body in FORM.findall(page):
        form = attributes(form_attributes)
        action = form.get("action", "")
        if form.get("method", "get").lower() != "post" or not re.search(action_pattern, action):
            continue
        values: dict[str, str] = {}
        for tag, raw in INPUT.findall(body):
            field = attributes(raw)
            name, kind = field.get("name"), field.get("type", "text")
            if not name or name in values and kind in ("radio", "checkbox"):
                continue
            if tag.lower() == b"textarea" or kind in ("text", "search"):
                values[name] = "Benchmark: a few words."
            elif tag.lower() == b"button":
                if "value" in field:
                    values.setdefault(name, field["value"])
            elif kind in ("hidden", "radio", "checkbox") and "value" in field:
                values[name] = field["value"]
        return action, urllib.parse.urlencode(values)
    return None


# --- The client (its own process) ---------------------------------------------------------------


# Parents who sign in during the run, one after another (the large dataset has thousands;
# the ones driven are among the first few hundred).
SIGNING_IN = itertools.cycle(f"parent{n}@example.org" for n in range(1001, 3001))


class Person:
    def __init__(self, port: int, email: str):
        self.email = email
        self.jar = dict(pair.split("=", 1) for pair in sign_in(port, email).split("; "))
        self.lock = threading.Lock()  # one request at a time per person, as from one phone

    @property
    def cookie(self) -> str:
        return cookie_header(self.jar)

    def call(self, port: int, method: str, path: str, headers=None, body=None):
        """A request with this person's cookies, keeping any the answer sets, as a browser
        does (the first page with a form puts its token in the session cookie)."""
        status, answer_headers, data = request(
            port, method, path, {"Cookie": self.cookie, **(headers or {})}, body
        )
        cookies_from(answer_headers, self.jar)
        return status, answer_headers, data


ANSWERS = ("optimistic", "useful", "relaxed", "problems", "thinking", "close", "own_mind")
CONFIDENCE = ("work", "money", "childcare", "health", "skills", "support")


def checkin_entry() -> dict:
    """One check-in as a phone's outbox sends it (docs/api.md)."""
    return {
        "uuid": str(uuid.uuid4()),
        "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **dict.fromkeys(ANSWERS, 3),
        **{f"confidence_{area}": 5 for area in CONFIDENCE},
    }


def one_request(port: int, person: Person, what: tuple, record: str) -> tuple[int, str]:
    """Do one request of the mix; (status, how it went: ok, refused or error)."""
    kind = what[0]
    if kind == "sign_in":
        # Someone else each time: sign-in is rate limited per person, as it should be.
        sign_in(port, next(SIGNING_IN))
        return 302, "ok"
    path = what[1].format(record=record)
    if kind == "get":
        status, _, _ = person.call(port, "GET", path)
        return status, "ok" if status == 200 else "error"
    if kind == "api":
        token = re.search(rb'"X-CSRFToken": "([^"]+)"', person.call(port, "GET", "/today")[2])
        body = json.dumps({"checkins": [checkin_entry()]})
        status, _, _ = person.call(
            port, "POST", path,
            {"Content-Type": "application/json", "X-CSRFToken": token.group(1).decode()}, body,
        )  # fmt: skip
        return status, "ok" if status in (200, 207) else "error"
    _, _, page = person.call(port, "GET", path)
    found = filled_form(page, what[2])
    if found is None:
        return 0, "refused"  # nothing of the kind to do (no step left to tick, no time free)
    action, body = found
    status, _, _ = person.call(
        port, "POST", action, {"Content-Type": "application/x-www-form-urlencoded"}, body
    )
    if status in (200, 302, 303):
        return status, "ok"
    return status, "refused" if status in (409, 422) else "error"


def run_step(port: int, people: dict, record: str, rate: float, seconds: float) -> dict:
    """Arrivals at ``rate`` a second for ``seconds``; figures per kind."""
    rng = random.Random(int(rate * 1000))
    kinds = [(k, who, w, what) for k, who, w, what in MIX if people.get(who)]
    weights = [w for _, _, w, _ in kinds]
    results: dict[str, list] = {k: [] for k, *_ in kinds}
    outcomes = {k: {"ok": 0, "refused": 0, "error": 0} for k, *_ in kinds}
    errors: dict[str, set] = {}  # what the errors were, by kind: statuses or exceptions
    lock = threading.Lock()

    def job(due: float, kind: str, person: Person, what: tuple) -> None:
        with person.lock:
            try:
                status, outcome = one_request(port, person, what, record)
            except Exception as error:  # a dropped connection or a timeout is an error too
                status, outcome = type(error).__name__, "error"
        elapsed = time.perf_counter() - due
        with lock:
            results[kind].append(elapsed)
            outcomes[kind][outcome] += 1
            if outcome == "error":
                errors.setdefault(kind, set()).add(str(status))

    started = time.perf_counter()
    due = started
    with ThreadPoolExecutor(max_workers=128) as pool:
        sent = 0
        while sent < MAX_REQUESTS_A_STEP:
            due += rng.expovariate(rate)
            if due - started > seconds:
                break
            kind, who, _, what = rng.choices(kinds, weights)[0]
            person = rng.choice(people[who])
            time.sleep(max(0.0, due - time.perf_counter()))
            pool.submit(job, due, kind, person, what)
            sent += 1
    wall = time.perf_counter() - started
    figures = {}
    for kind, latencies in results.items():
        if not latencies:
            continue
        latencies.sort()

        def at(q: float, values=latencies) -> float:
            return round(values[min(len(values) - 1, int(len(values) * q))] * 1000, 1)

        figures[kind] = {"n": len(latencies), "p50_ms": at(0.5), "p95_ms": at(0.95),
                         "p99_ms": at(0.99), **outcomes[kind],
                         "errors_were": sorted(errors.get(kind, ()))}  # fmt: skip
    answered = sum(f["n"] for f in figures.values())
    held = answered == sent and all(
        f["p95_ms"] < P95_TARGET_MS and f["error"] == 0 for f in figures.values()
    )
    return {"rate": rate, "sent": sent, "achieved_rps": round(sent / wall, 1), "held": held,
            "kinds": figures}  # fmt: skip


def client_main(spec: str) -> None:
    job = json.loads(spec)
    port = job["port"]
    people = {
        "parent": [Person(port, e) for e in job["parents"]],
        "keyworker": [Person(port, e) for e in job["keyworkers"]],
        "manager": [Person(port, e) for e in job["managers"]],
    }
    steps = []
    for rate in job["rates"]:
        step = run_step(port, people, job["record"], rate, job["seconds"])
        steps.append(step)
        print(json.dumps(step), file=sys.stderr, flush=True)
        if job["stop_early"] and not step["held"] and len(steps) > 1 and not steps[-2]["held"]:
            break  # two steps in a row missed: the machine is past what it carries
    print(json.dumps(steps))


# --- Orchestration ------------------------------------------------------------------------------


def prepare(env: dict) -> dict:
    """The large dataset (built unless kept), and who the client signs in as."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade
    from sqlalchemy import select

    from webapp import create_app
    from webapp.config import normalise_database_url
    from webapp.demo.large import seed_large, settle_after_bulk_load
    from webapp.models import ParticipantProfile, User
    from webapp.plans import operations as plan_operations
    from webapp.web.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(env["DATABASE_URL"])})
    with app.app_context():
        upgrade()
        keyworker = db.session.scalar(select(User).where(User.email == "keyworker@example.org"))
        if keyworker is None:
            started = time.perf_counter()
            seed_large(db.session, echo=print)
            db.session.commit()
            settle_after_bulk_load(db.session)
            print(f"Seeded in {time.perf_counter() - started:.1f}s", flush=True)
            keyworker = db.session.scalar(select(User).where(User.email == "keyworker@example.org"))
        record = db.session.scalar(
            select(ParticipantProfile.user_id)
            .where(ParticipantProfile.keyworker_id == keyworker.id)
            .order_by(ParticipantProfile.user_id)
        )
        # The driven parents each have a goal with steps, so that ticking one has something
        # to tick (the large dataset has no plans of its own).
        parents = demo_emails("parent", PARENTS)
        for parent in db.session.scalars(select(User).where(User.email.in_(parents))):
            plan = plan_operations.plan_for(db.session, parent)
            if not plan.goals:
                goal = plan_operations.add_goal(
                    db.session, plan=plan, actor=parent, title="Find work", area="work", why=""
                )
                for text in ("Update my CV", "Look at jobs near school", "Ask about childcare"):
                    plan_operations.add_step(db.session, goal=goal, actor=parent, text=text)
        db.session.commit()
        db.engine.dispose()
    return {
        "parents": parents,
        "keyworkers": demo_emails("keyworker", KEYWORKERS),
        "managers": demo_emails("manager", MANAGERS),
        "record": f"/people/{record}",
    }


def demo_emails(role: str, count: int) -> list[str]:
    """The large dataset's sign-ins: parent@example.org, parent2@example.org, ..."""
    return [f"{role}@example.org"] + [f"{role}{n}@example.org" for n in range(2, count + 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", default="5,10,20,30,40,60", help="requests a second, by step")
    parser.add_argument("--seconds", type=float, default=20, help="length of each step")
    parser.add_argument("--reuse", action="store_true", help="keep an earlier run's dataset")
    parser.add_argument(
        "--all-steps", action="store_true", help="run every rate, even past two missed steps"
    )
    parser.add_argument("--client", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        client_main(args.client)
        return
    rates = [float(r) for r in args.rates.split(",")]
    with tempfile.TemporaryDirectory(prefix="coplan-capacity-") as workdir:
        database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir}/bench.db"
        if database_url.startswith("postgres") and not args.reuse:
            reset_postgres(database_url)
        env = {**os.environ, "COPLAN_INSTANCE_PATH": workdir, "DATABASE_URL": database_url,
               "RATELIMIT_ENABLED": "false"}  # fmt: skip
        env.pop("COPLAN_ENV", None)
        print(f"Database: {database_url.split('@')[-1]}", flush=True)
        who = prepare(env)
        port = free_port()
        server = start_gunicorn("webapp:create_app()", port, env, ROOT)
        try:
            job = {"port": port, "rates": rates, "seconds": args.seconds,
                   "stop_early": not args.all_steps, **who}  # fmt: skip
            completed = subprocess.run(
                [sys.executable, __file__, "--client", json.dumps(job)],
                stdout=subprocess.PIPE,
                text=True,
                timeout=len(rates) * (args.seconds + 120) + 300,
                check=False,
            )
        finally:
            stop(server)
    if completed.returncode != 0:
        sys.exit("The client stopped; its output is above.")
    steps = json.loads(completed.stdout.strip().splitlines()[-1])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\ngunicorn with {WORKERS} workers; load average after the run: {load}")
    for step in steps:
        verdict = "held" if step["held"] else "MISSED"
        print(f"\n{step['rate']:g} req/s asked, {step['achieved_rps']} sent a second: {verdict}")
        print(f"  {'kind':<13} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'refused':>8} "
              f"{'errors':>7}")  # fmt: skip
        for kind, f in step["kinds"].items():
            print(f"  {kind:<13} {f['n']:>5} {f['p50_ms']:>8} {f['p95_ms']:>8} {f['p99_ms']:>8} "
                  f"{f['refused']:>8} {f['error']:>7} {' '.join(f['errors_were'])}")  # fmt: skip
    held = [s["rate"] for s in steps if s["held"]]
    held_rate = max(held) if held else 0
    print(
        f"\nHeld: {held_rate:g} requests a second with every kind's p95 under "
        f"{P95_TARGET_MS} ms and no errors, about {held_rate * THINK_SECONDS:.0f} people at "
        f"once (one request each every {THINK_SECONDS} s)."
    )
    print(json.dumps({"held_rate": held_rate, "people_at_once": round(held_rate * THINK_SECONDS),
                      "think_seconds": THINK_SECONDS, "steps": steps}))  # fmt: skip


if __name__ == "__main__":
    main()
