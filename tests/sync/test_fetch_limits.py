"""A hostile or broken server on 127.0.0.1 against the one fetcher: sizes capped as the bytes
arrive (gzip bombs included), a deadline per request and per run, redirects only to the source's
own host and path family, error texts that never quote the body, a stop that ends the run."""

from __future__ import annotations

import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.store.advisories import load_advisories
from bot.store.db import open_db
from bot.store.sync_state import source_states
from bot.sync import run_sync
from bot.sync.fetch import Fetcher, FetchError, allowed_for
from tests.conftest import DATA

from .conftest import NOW, US, FeedServer


def _send(handler: BaseHTTPRequestHandler, body: bytes, **headers: str) -> None:
    handler.send_response(200)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


def _us_error(db_path: Path, server: FeedServer) -> str:
    report = run_sync(
        open_db(db_path), DATA, now=NOW, only="us-state", base_url=server.url, backoff=0
    )
    [run] = report.runs
    return run.error


def test_a_gzip_bomb_is_refused_before_it_is_unpacked(
    db_path: Path, feed_server: FeedServer
) -> None:
    bomb = gzip.compress(b"<" * 60_000_000, compresslevel=9)  # 60 MB in about 60 KB
    feed_server.custom[US] = lambda h: _send(
        h, bomb, Content_Encoding="gzip", Content_Length=str(len(bomb))
    )
    before = load_advisories(open_db(db_path))
    error = _us_error(db_path, feed_server)
    assert "unpacks to more than 20000000 bytes" in error
    assert load_advisories(open_db(db_path)) == before


def test_a_body_over_the_cap_is_refused_as_it_streams(feed_server: FeedServer) -> None:
    def endless(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)  # no Content-Length: the size is known only by reading
        handler.end_headers()
        for _ in range(200):
            handler.wfile.write(b"x" * 65536)

    feed_server.custom["/big"] = endless
    with (
        Fetcher(max_bytes=1_000_000) as fetcher,
        pytest.raises(FetchError, match="more than 1000000 bytes"),
    ):
        fetcher.get(feed_server.url + "/big")


def test_a_server_dripping_a_byte_a_second_times_out_once_and_is_not_retried(
    feed_server: FeedServer,
) -> None:
    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()
        for _ in range(100):
            handler.wfile.write(b"<")
            handler.wfile.flush()
            time.sleep(0.2)

    feed_server.custom["/drip"] = drip
    started = time.monotonic()
    with (
        Fetcher(request_deadline=1.5, backoff=0) as fetcher,
        pytest.raises(FetchError, match="took longer"),
    ):
        fetcher.get(feed_server.url + "/drip")
    assert time.monotonic() - started < 6
    assert len(feed_server.requests_to("/drip")) == 1


def test_the_whole_run_has_a_deadline(db_path: Path, feed_server: FeedServer) -> None:
    def stall(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()
        time.sleep(5)

    feed_server.custom[US] = stall
    started = time.monotonic()
    report = run_sync(
        open_db(db_path),
        DATA,
        now=NOW,
        only="us-state",
        base_url=feed_server.url,
        backoff=0,
        run_deadline=1.0,
    )
    assert time.monotonic() - started < 4
    [run] = report.failed
    assert "timed out" in run.error or "ran out of time" in run.error


def test_a_stop_ends_a_stalled_sync_at_once_and_applies_nothing(
    db_path: Path, feed_server: FeedServer
) -> None:
    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()
        for _ in range(60):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.1)

    feed_server.custom[US] = drip
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    report = run_sync(
        open_db(db_path), DATA, now=NOW, base_url=feed_server.url, backoff=0, stop=stop
    )
    assert time.monotonic() - started < 2
    assert report.stopped and report.changed == []
    assert source_states(open_db(db_path)) == {}  # nothing recorded: the next run starts afresh


@pytest.mark.parametrize("target", ["other-host", "other-path"])
def test_redirects_leave_neither_the_host_nor_the_feeds_path(
    db_path: Path, feed_server: FeedServer, target: str
) -> None:
    host_port = feed_server.url.split("//")[1]
    poisoned = feed_server.files[US].replace(
        b"Level 4: Do Not Travel", b"Level 1: Exercise Normal Precautions"
    )
    feed_server.files["/evil/TAsTWs.xml"] = poisoned
    location = (
        f"http://localhost:{host_port.split(':')[1]}{US}"
        if target == "other-host"
        else f"{feed_server.url}/evil/TAsTWs.xml"
    )

    def redirect(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    feed_server.custom[US] = redirect
    error = _us_error(db_path, feed_server)
    assert "outside the source's own site: refused" in error
    assert feed_server.requests_to("/evil/TAsTWs.xml") == []
    afghanistan = load_advisories(open_db(db_path))["AF"].source("us-state")
    assert afghanistan is not None and afghanistan.level == 4


def test_a_redirect_within_the_feeds_path_is_followed(feed_server: FeedServer) -> None:
    feed_server.files["/_res/rss/moved.xml"] = b"<rss/>"

    def redirect(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(301)
        handler.send_header("Location", "/_res/rss/moved.xml")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    feed_server.custom[US] = redirect
    with Fetcher() as fetcher:
        url = feed_server.url + US
        assert fetcher.get(url, allowed_for(url, (), ("/_res/rss/",))).body == b"<rss/>"


def test_error_texts_never_quote_what_the_server_sent(
    db_path: Path, feed_server: FeedServer
) -> None:
    feed_server.files[US] = b"<html><body>Send your password to evil.example"  # cut short
    error = _us_error(db_path, feed_server)
    assert "password" not in error and "evil" not in error
    assert "an HTML page of 46 bytes" in error
    status = CliRunner().invoke(
        main, ["--db", str(db_path), "--data-dir", str(DATA), "sync", "status"]
    )
    assert "password" not in status.output


def test_vigie_import_fetches_through_the_same_bounded_fetcher(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    bomb = gzip.compress(b"<" * 60_000_000, compresslevel=9)
    feed_server.custom[US] = lambda h: _send(h, bomb, Content_Encoding="gzip")
    result = CliRunner().invoke(
        main,
        ["--data-dir", str(tmp_path), "import", "us-state", "--url", feed_server.url + US],
    )
    assert result.exit_code != 0
    assert "nothing imported" in result.output and "unpacks to more than" in result.output
