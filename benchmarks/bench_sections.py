"""What holding every government's own texts costs: the time of a full sync that brings GOV.UK's
and Canada's pages (every part, English and French) for every destination, and how much the
database grows. The pages are made from the real captures (tests/sync/official_corpus.py) and
served on 127.0.0.1 at the official paths; US and Australia come from their captures.

    .venv/bin/python benchmarks/bench_sections.py
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import PROJECT_ROOT
from bot.store.advisories import load_advisories
from bot.store.db import open_db
from bot.store.publish import publish
from bot.sync import run_sync
from tests.sync.conftest import FeedServer, _handler, official_files
from tests.sync.official_corpus import ca_corpus, serve, uk_corpus

DATA = PROJECT_ROOT / "data"
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def _size(path: Path) -> int:
    """The database's size on disk once its WAL is folded in."""
    db = open_db(path)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path.stat().st_size


def main() -> None:
    pages = uk_corpus()
    canada = ca_corpus()
    files = {**official_files(), **serve(pages, canada)}
    server = FeedServer(files=files)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    folder = Path(tempfile.mkdtemp(prefix="vigie-bench-sections-"))
    try:
        path = folder / "vigie.db"
        db = open_db(path)
        publish(db, DATA, who="bench", now=NOW)
        db.close()
        before = _size(path)
        db = open_db(path)
        started = time.perf_counter()
        report = run_sync(db, DATA, now=NOW, base_url=server.url, backoff=0)
        first = time.perf_counter() - started
        started = time.perf_counter()
        run_sync(db, DATA, now=NOW + dt.timedelta(hours=3), base_url=server.url, backoff=0)
        second = time.perf_counter() - started
        advisories = load_advisories(db)
        db.close()
        after = _size(path)
        sections = sum(len(s.sections) for a in advisories.values() for s in a.sources)
        characters = sum(
            len(x.text) for a in advisories.values() for s in a.sources for x in s.sections
        )
        numbers = sum(1 for a in advisories.values() if any(s.emergency for s in a.sources))
        offices = sum(len(s.offices) for a in advisories.values() for s in a.sources)
        failed = ", ".join(r.source for r in report.failed) or "none"
        print(f"pages served: {len(pages)} GOV.UK, {len(canada)} Canada (English and French)")
        print(f"full sync (4 sources, every page new): {first:.1f} s; failed sources: {failed}")
        print(f"second sync (nothing new, conditional requests): {second:.1f} s")
        print(
            f"held: {sections} official sections ({characters / 1e6:.1f} M characters),"
            f" numbers for {numbers} of {len(advisories)} destinations, {offices} offices"
        )
        growth = after - before
        per_destination = growth / max(1, len(advisories)) / 1e3
        print(
            f"database: {before / 1e6:.1f} MB before, {after / 1e6:.1f} MB after"
            f" (+{growth / 1e6:.1f} MB, {per_destination:.0f} kB per destination)"
        )
    finally:
        httpd.shutdown()
        httpd.server_close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
