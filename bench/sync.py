"""How long the server takes to accept 1,000 check-ins queued on a phone, and proof that sending
them again adds nothing. Runs on a fresh SQLite database (or BENCH_DATABASE_URL).

    .venv/bin/python bench/sync.py
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lib.outbox_client import OutboxClient  # noqa: E402
from webapp.checkins.questions import CONFIDENCE_SCALES, SWEMWBS_ITEMS  # noqa: E402
from webapp.models import CheckIn  # noqa: E402

COUNT = 1000


def queued_checkins(count: int) -> list[dict]:
    """What a phone's outbox would hold after months offline: varied answers, a few notes."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=300)
    batch = []
    for n in range(count):
        entry = {
            "uuid": str(uuid.uuid4()),
            "recorded_at": (start + timedelta(hours=7 * n)).isoformat().replace("+00:00", "Z"),
            "note": "A note about the week." if n % 5 == 0 else "",
            "note_shared": n % 10 == 0,
            "contact_me": False,
        }
        entry |= {item.name: 1 + (n + i) % 5 for i, item in enumerate(SWEMWBS_ITEMS)}
        entry |= {scale.name: 1 + (n + i) % 10 for i, scale in enumerate(CONFIDENCE_SCALES)}
        batch.append(entry)
    return batch


def main() -> None:
    phone = OutboxClient("/api/v1/checkins", "checkins")
    batch = queued_checkins(COUNT)
    accept_s, counts = phone.send(batch)
    print(
        f"{phone.dialect}: accepted {counts.get('stored', 0)} check-ins in one batch "
        f"in {accept_s:.3f} s"
    )
    before = phone.rows(CheckIn)
    replay_s, replay_counts = phone.send(batch)
    replay_added = phone.rows(CheckIn) - before
    print(f"replay of the same {COUNT}: {replay_counts} in {replay_s:.3f} s, {replay_added} added")
    # As the outbox really sends them: batches of 100.
    chunked = queued_checkins(COUNT)
    started = time.perf_counter()
    for offset in range(0, COUNT, 100):
        phone.send(chunked[offset : offset + 100])
    chunked_s = time.perf_counter() - started
    print(f"another {COUNT} in batches of 100, as the outbox sends: {chunked_s:.3f} s")
    print(json.dumps({"accept_1000_s": round(accept_s, 3), "replay_added": replay_added}))


if __name__ == "__main__":
    main()
