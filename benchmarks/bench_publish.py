"""Time to publish every destination of data/ into a fresh database (target: under 1 s).

Run: .venv/bin/python benchmarks/bench_publish.py
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import PROJECT_ROOT
from bot.datafiles.files import read_all
from bot.store.db import open_db
from bot.store.publish import publish

RUNS = 5


class LockTimer:
    """How long the write lock is held: from BEGIN IMMEDIATE to COMMIT, as SQLite sees them."""

    def __init__(self) -> None:
        self.began = 0.0
        self.held: list[float] = []

    def __call__(self, statement: str) -> None:
        if statement.startswith("BEGIN IMMEDIATE"):
            self.began = time.perf_counter()
        elif statement.startswith("COMMIT") and self.began:
            self.held.append(time.perf_counter() - self.began)
            self.began = 0.0


def main() -> None:
    data_dir = PROJECT_ROOT / "data"
    now = dt.datetime.now(dt.UTC)
    count = len(read_all(data_dir, now.date()))
    fresh, again = [], []
    lock = LockTimer()
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            db = open_db(Path(tmp) / "bench.db")
            db.conn.set_trace_callback(lock)
            start = time.perf_counter()
            report = publish(db, data_dir, who="bench", now=now)
            fresh.append(time.perf_counter() - start)
            assert len(report.plans) == count
            start = time.perf_counter()
            publish(db, data_dir, who="bench", now=now)
            again.append(time.perf_counter() - start)
            db.close()
    print(f"destinations: {count}")
    print(
        f"publish into a fresh database: median {statistics.median(fresh):.3f} s,"
        f" max {max(fresh):.3f} s over {RUNS} runs (target < 1 s)"
    )
    print(f"publish again, nothing changed: median {statistics.median(again):.3f} s")
    fresh_locks = lock.held[0::2]
    print(
        f"write lock held by a fresh publish: median {statistics.median(fresh_locks):.3f} s"
        " (files are read, validated and compared before it is taken)"
    )


if __name__ == "__main__":
    main()
