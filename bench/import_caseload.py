"""How long a manager waits to check and import a 500-person caseload spreadsheet, through the
real pages (upload, dry run, import). Runs on a fresh SQLite database (or BENCH_DATABASE_URL).

    .venv/bin/python bench/import_caseload.py
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bs4 import BeautifulSoup  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.auth.operations import create_user  # noqa: E402
from webapp.config import TestConfig, normalise_database_url  # noqa: E402
from webapp.models import Locality, Role, User  # noqa: E402
from webapp.web.extensions import db  # noqa: E402

PEOPLE = 500
KEYWORKERS = 20
PASSWORD = "bench password please"


def caseload_csv(tag: str) -> bytes:
    """A spreadsheet as a service would export it: mobiles for most, emails for some."""
    lines = ["name,email,mobile,keyworker email,stage,start date,status"]
    for n in range(PEOPLE):
        email = f"parent{n}-{tag}@example.org" if n % 3 == 0 else ""
        mobile = f"077009{n:05d}" if n % 3 else ""
        status = "paused" if n % 10 == 0 else "active"
        keyworker = f"kw{n % KEYWORKERS}-{tag}@service.org"
        lines.append(
            f"Parent {n} Example,{email},{mobile},{keyworker},{1 + n % 5},"
            f"{1 + n % 28:02d}/10/2026,{status}"
        )
    return ("\n".join(lines) + "\n").encode("cp1252")


def main() -> None:
    workdir = tempfile.mkdtemp(prefix="coplan-bench-")
    os.environ["COPLAN_INSTANCE_PATH"] = workdir
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir}/bench.db"
    config = type(
        "BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": normalise_database_url(url)}
    )
    app = create_app(config)
    tag = uuid.uuid4().hex[:8]
    with app.app_context():
        upgrade()
        locality = Locality(name=f"Bench {tag}")
        db.session.add(locality)
        db.session.flush()
        manager = create_user(
            db.session,
            role=Role.MANAGER,
            name="Bench Manager",
            email=f"manager-{tag}@service.org",
            password=PASSWORD,
            locality_id=locality.id,
        )
        for n in range(KEYWORKERS):
            create_user(
                db.session,
                role=Role.KEYWORKER,
                name=f"Keyworker {n}",
                email=f"kw{n}-{tag}@service.org",
                locality_id=locality.id,
            )
        db.session.commit()
        locality_id, manager_email = locality.id, manager.email

    client = app.test_client()
    page = BeautifulSoup(client.get("/sign-in").get_data(as_text=True), "html.parser")
    csrf = page.select_one("input[name=csrf_token]")["value"]
    signed_in = client.post(
        "/sign-in", data={"identifier": manager_email, "password": PASSWORD, "csrf_token": csrf}
    )
    assert signed_in.status_code == 302, "could not sign in"
    raw = caseload_csv(tag)
    page = BeautifulSoup(client.get("/caseload/import/").get_data(as_text=True), "html.parser")
    csrf = json.loads(page.body["hx-headers"])["X-CSRFToken"]

    started = time.perf_counter()
    checked = client.post(
        "/caseload/import/",
        data={"csrf_token": csrf, "locality_id": locality_id, "file": (io.BytesIO(raw), "c.csv")},
    )
    dry_run_s = time.perf_counter() - started
    assert checked.status_code == 200, checked.status_code
    form = BeautifulSoup(checked.get_data(as_text=True), "html.parser").select_one(
        "form[action$='/confirm']"
    )
    assert form is not None, "the dry run found problems"
    fields = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}

    started = time.perf_counter()
    done = client.post("/caseload/import/confirm", data=fields)
    import_s = time.perf_counter() - started
    assert done.status_code == 200, done.get_data(as_text=True)[:500]
    with app.app_context():
        added = db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.PARTICIPANT, User.locality_id == locality_id)
        )
    dialect = url.split(":")[0]
    print(f"{dialect}: dry run of {PEOPLE} lines ({len(raw):,} bytes) in {dry_run_s:.3f} s")
    print(f"{dialect}: import of {added} people with their invitations in {import_s:.3f} s")
    total = dry_run_s + import_s
    print(f"both together {total:.3f} s (target: under 5 s)")
    print(
        json.dumps(
            {
                "people": added,
                "dry_run_s": round(dry_run_s, 3),
                "import_s": round(import_s, 3),
                "total_s": round(total, 3),
                "under_5_s": total < 5,
            }
        )
    )


if __name__ == "__main__":
    main()
