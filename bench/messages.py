"""How long the server takes to accept 1,000 messages a parent wrote offline, sent from the
phone's outbox in one batch and again as the outbox sends them (batches of 100), and proof that
sending them again adds nothing. Runs on a fresh SQLite database (or BENCH_DATABASE_URL).

    .venv/bin/python bench/messages.py
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
from webapp.models import Message  # noqa: E402

COUNT = 1000
TARGET_S = 2.0


def queued_messages(count: int) -> list[dict]:
    """What a phone's outbox would hold after a long time with no signal."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20)
    return [
        {
            "uuid": str(uuid.uuid4()),
            "recorded_at": (start + timedelta(minutes=20 * n)).isoformat().replace("+00:00", "Z"),
            "body": f"Message {n}: can we move Thursday's session? The school has an inset day.",
        }
        for n in range(count)
    ]


def main() -> None:
    phone = OutboxClient("/api/v1/messages", "messages")
    batch = queued_messages(COUNT)
    accept_s, counts = phone.send(batch)
    print(
        f"{phone.dialect}: accepted {counts.get('stored', 0)} messages in one batch "
        f"in {accept_s:.3f} s"
    )
    before = phone.rows(Message)
    replay_s, replay_counts = phone.send(batch)
    replay_added = phone.rows(Message) - before
    print(f"replay of the same {COUNT}: {replay_counts} in {replay_s:.3f} s, {replay_added} added")
    # As the outbox really sends them: batches of 100.
    chunked = queued_messages(COUNT)
    started = time.perf_counter()
    for offset in range(0, COUNT, 100):
        phone.send(chunked[offset : offset + 100])
    chunked_s = time.perf_counter() - started
    print(f"another {COUNT} in batches of 100, as the outbox sends: {chunked_s:.3f} s")
    print(
        json.dumps(
            {
                "accept_1000_s": round(accept_s, 3),
                "batches_of_100_s": round(chunked_s, 3),
                "replay_added": replay_added,
                "under_2_s": accept_s < TARGET_S and chunked_s < TARGET_S,
            }
        )
    )


if __name__ == "__main__":
    main()
