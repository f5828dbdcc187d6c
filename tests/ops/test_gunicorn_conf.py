"""gunicorn.conf.py warns about unshared rate limits only when several workers really start."""

from __future__ import annotations

import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def starting(workers: int) -> None:
    """Start-up as gunicorn runs it, with `workers` the number it will really start (`-w`)."""
    settings = runpy.run_path(str(CONF))
    settings["on_starting"](SimpleNamespace(cfg=SimpleNamespace(workers=workers)))


@pytest.mark.parametrize(("workers", "warned"), [(1, False), (3, True)])
def test_the_redis_warning_counts_the_workers_gunicorn_starts(monkeypatch, caplog, workers, warned):
    monkeypatch.delenv("REDIS_URL", raising=False)
    # The config file's own default would be 5 on this machine's cores: `-w` must win.
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    with caplog.at_level(logging.WARNING, logger="gunicorn.error"):
        starting(workers)
    messages = [record.getMessage() for record in caplog.records]
    assert bool(messages) is warned
    if warned:
        assert f"each of the {workers} workers" in messages[0]
