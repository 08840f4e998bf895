"""The sync's fetcher against a hostile server on 127.0.0.1: peak memory (RSS) while a 1 GB gzip
answer (about 1 MB on the wire) and a 300 MB body are refused, and how long the real bot (`vigie
run`, its own process) takes to exit on SIGTERM while a feed drips a byte a second.

Targets: peak RSS under 100 MB above the process's start for both answers (today's main: 2 GB
for the bomb, 650 MB for the body); exit within 5 s of SIGTERM (systemd kills after 40 s; main
took over 120 s).

Run: .venv/bin/python benchmarks/bench_sync_limits.py
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GB = 1 << 30
BODY = 300 * (1 << 20)
US = "/_res/rss/TAsTWs.xml"
TOKEN = "987654:VIGIE-BENCH-TOKEN"


def _gzip_bomb(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    parts = [packer.compress(block) for _ in range(size >> 20)]
    return b"".join(parts) + packer.flush()


def _serve(port_out: Any, feed_requests: Any) -> None:
    bomb = _gzip_bomb(GB)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            try:
                if self.path == "/bomb":
                    self.send_response(200)
                    self.send_header("Content-Encoding", "gzip")
                    self.send_header("Content-Length", str(len(bomb)))
                    self.end_headers()
                    self.wfile.write(bomb)
                elif self.path == "/big":
                    self.send_response(200)  # no Content-Length: only reading tells the size
                    self.end_headers()
                    chunk = b"x" * (1 << 16)
                    for _ in range(BODY // len(chunk)):
                        self.wfile.write(chunk)
                elif self.path.startswith("/getUpdates") or "/bot" in self.path:
                    self.send_response(404)
                    self.end_headers()
                else:  # every feed: a byte a second
                    with feed_requests.get_lock():
                        feed_requests.value += 1
                    self.send_response(200)
                    self.end_headers()
                    for _ in range(600):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(1)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_out.send((len(bomb), httpd.server_address[1]))
    httpd.serve_forever()


def _peak_rss(url: str, out: Any) -> None:
    from bot.sync.fetch import Fetcher, FetchError

    with Fetcher() as fetcher:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        try:
            fetcher.get(url)
            outcome = "accepted (!)"
        except FetchError as error:
            outcome = f"refused: {error}"
        took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.send((before, after, took, outcome))


def measure_rss(url: str) -> tuple[int, int, float, str]:
    context = mp.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_peak_rss, args=(url, child))
    process.start()
    result: tuple[int, int, float, str] = parent.recv()
    process.join()
    return result


def _make_api(_: Any) -> Any:
    from tests.e2e.botapi_spec import load_spec
    from tests.e2e.fake_botapi import FakeBotApi

    spec = load_spec()
    assert spec is not None, "the Bot API spec fixture is missing"
    return FakeBotApi(spec, privacy_mode=False)


def time_to_stop(feeds: str, feed_requests: Any) -> float:
    """`vigie run` with its first sync stalled on a dripping feed: seconds from SIGTERM to exit."""
    from benchmarks.fake_process import FakeServerProcess
    from bot.config import PROJECT_ROOT
    from bot.store.db import open_db
    from bot.store.publish import publish

    server = FakeServerProcess(_make_api)
    folder = Path(tempfile.mkdtemp())
    try:
        db_path = folder / "vigie.db"
        publish(open_db(db_path), PROJECT_ROOT / "data", who="bench", now=dt.datetime.now(dt.UTC))
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": server.reset(None),
            "VIGIE_DB": str(db_path),
            "VIGIE_SYNC_EVERY": "60",
            "VIGIE_SYNC_BASE_URL": feeds,
        }
        vigie = str(Path(sys.executable).with_name("vigie"))
        bot = subprocess.Popen(
            [vigie, "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(75)  # the first sync starts a minute after start, then stalls on the drip
        if bot.poll() is not None or not feed_requests.value:
            raise SystemExit("vigie run did not reach its first sync: nothing measured")
        started = time.perf_counter()
        bot.send_signal(signal.SIGTERM)
        try:
            bot.wait(120)
        except subprocess.TimeoutExpired:
            bot.kill()
            return float("inf")
        return time.perf_counter() - started
    finally:
        server.close()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    context = mp.get_context("spawn")
    parent, child = context.Pipe()
    feed_requests = context.Value("i", 0)
    server = context.Process(target=_serve, args=(child, feed_requests), daemon=True)
    server.start()
    bomb_size, port = parent.recv()
    base = f"http://127.0.0.1:{port}"
    try:
        for name, path in (("1 GB gzip answer", "/bomb"), ("300 MB body", "/big")):
            before, peak, took, outcome = measure_rss(base + path)
            print(
                f"{name:18} peak RSS {peak / 1024:6.1f} MB (start {before / 1024:5.1f} MB,"
                f" +{(peak - before) / 1024:5.1f} MB) in {took:5.2f} s — {outcome}"
            )
        print(f"(the gzip answer is {bomb_size / 1e6:.2f} MB on the wire)")
        seconds = time_to_stop(base, feed_requests)
        print(f"vigie run: exit {seconds:.2f} s after SIGTERM during a stalled sync")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
