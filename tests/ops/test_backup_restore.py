"""The backup and restore scripts in docs/operations.md really work (PostgreSQL only)."""

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]


def test_backup_then_restore_into_a_new_database(app, make, tmp_path):
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql" or not shutil.which("pg_dump"):
        pytest.skip("backups are of PostgreSQL")
    locality = make.locality()
    make.participant(locality=locality, name="Restored Person")
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = subprocess.run(
        [ROOT / "bin/backup.sh", plain, tmp_path], check=True, capture_output=True, text=True
    ).stdout.strip()
    target = f"coplan_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {target}"))
    try:
        target_url = url.set(drivername="postgresql", database=target)
        result = subprocess.run(
            [ROOT / "bin/restore.sh", dump, target_url.render_as_string(hide_password=False)],
            check=True,
            capture_output=True,
            text=True,
        )
        assert "Schema at migration" in result.stdout
        restored = create_engine(url.set(database=target))
        with restored.connect() as connection:
            names = connection.execute(text("SELECT name FROM users")).scalars().all()
        restored.dispose()
        assert "Restored Person" in names
        # Restoring over a database that has data is refused.
        again = subprocess.run(
            [ROOT / "bin/restore.sh", dump, target_url.render_as_string(hide_password=False)],
            capture_output=True,
            text=True,
        )
        assert again.returncode != 0 and "not empty" in again.stderr
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)"))
        admin.dispose()


def test_a_backup_is_readable_only_by_its_owner(tmp_path):
    """bin/backup.sh with a stand-in pg_dump: the dump it leaves is mode 600."""
    import os
    import stat

    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "pg_dump").write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do case "$a" in --file=*) echo dump > "${a#--file=}";; esac; done\n'
    )
    (fake / "pg_dump").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"}
    os.umask(0o022)
    out = tmp_path / "backups"
    dump = subprocess.run(
        [ROOT / "bin/backup.sh", "postgresql://x/y", out],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.strip()
    assert stat.S_IMODE(Path(dump).stat().st_mode) == 0o600
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
