"""A local HTTP server on 127.0.0.1 serving the real captures of 2026-10-07 at the official
paths, with ETags and Last-Modified, answering 304 to conditional requests."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import hashlib
import json
import re
import shutil
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.datafiles.convert import known_codes
from bot.i18n import country_name
from bot.importers.names import resolve_name
from tests.conftest import shared_file

US = "/_res/rss/TAsTWs.xml"
AU = "/destinations-export"
CA_INDEX = "/travel-voyage/index-updated.json"
UK_INDEX = "/api/content/foreign-travel-advice"
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def ca_path(code: str) -> str:
    return f"/travel-voyage/cta-cap-{code.lower()}.json"


def uk_path(slug: str) -> str:
    return f"{UK_INDEX}/{slug}"


@dataclass
class Seen:
    """One request the server answered."""

    path: str
    headers: dict[str, str]
    status: int


@dataclass
class FeedServer:
    """The official endpoints, on loopback: `files` maps a path to the bytes served."""

    files: dict[str, bytes] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    url: str = ""
    failures: dict[str, list[int]] = field(default_factory=dict)  # path -> statuses to answer first
    # path -> a handler answering instead (a hostile server: redirects, drips, bombs)
    custom: dict[str, Callable[[BaseHTTPRequestHandler], None]] = field(default_factory=dict)

    def etag(self, path: str) -> str:
        return '"' + hashlib.sha256(self.files[path]).hexdigest()[:16] + '"'

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path in server.custom:
                server.seen.append(Seen(self.path, {}, 0))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server.custom[self.path](self)  # the client may give up, as it should
                return
            body = server.files.get(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            queued = server.failures.get(self.path)
            if queued:
                status = queued.pop(0)
            elif body is None:
                status = 404
            elif headers.get("if-none-match") == server.etag(self.path):
                status = 304
            else:
                status = 200
            server.seen.append(Seen(self.path, headers, status))
            self.send_response(status)
            if body is not None and status in (200, 304):
                self.send_header("ETag", server.etag(self.path))
                self.send_header("Last-Modified", "Wed, 07 Oct 2026 21:02:01 GMT")
            payload = body if status == 200 and body is not None else b""
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="session")
def _server() -> Iterator[FeedServer]:
    server = FeedServer(files=official_files())
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def feed_server(_server: FeedServer) -> FeedServer:
    """The four sources' captures served at their official paths (fresh for each test)."""
    _server.files = dict(_official_files())
    _server.seen.clear()
    _server.failures.clear()
    _server.custom.clear()
    return _server


@pytest.fixture(scope="session")
def _synced_once(
    _server: FeedServer, published_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The published database after one sync of the captures, at NOW."""
    from bot.store.db import open_db
    from bot.sync import run_sync
    from tests.conftest import DATA

    path = tmp_path_factory.mktemp("synced") / "vigie.db"
    shutil.copy(published_db, path)
    _server.files = dict(_official_files())
    _server.failures.clear()
    _server.custom.clear()  # a hostile handler left by an earlier test
    db = open_db(path)
    report = run_sync(db, DATA, now=NOW, base_url=_server.url, backoff=0)
    assert not report.failed, report.summary()
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def synced_path(_synced_once: Path, tmp_path: Path) -> Path:
    """A copy of the database after a first sync of every source (copy: tests write to it)."""
    path = tmp_path / "vigie.db"
    shutil.copy(_synced_once, path)
    return path


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


@functools.cache
def _official_files() -> tuple[tuple[str, bytes], ...]:
    return tuple(official_files().items())


def us_feed(sample: bytes, full: bytes) -> bytes:
    """The 2026 sample (22 items: a feed that short is refused as truncated) completed with the
    2025 feed's items for the countries the sample lacks, as a whole feed of today would be."""

    def items(feed: str) -> dict[str, str]:
        found = re.findall(r"<item>.*?</item>", feed, flags=re.S)
        return {re.search(r"<title>(.*?) - ", i, flags=re.S).group(1).strip(): i for i in found}  # type: ignore[union-attr]

    text = sample.decode()
    have = items(text)
    extra = "".join(i for name, i in items(full.decode()).items() if name not in have)
    end = text.rindex("</channel>")
    return (text[:end] + extra + text[end:]).encode()


def official_files() -> dict[str, bytes]:
    """US sample, Smartraveller export, Canada and GOV.UK per-country captures, and the indexes
    built from them. Indexes list every country (as the real ones do: a short index is refused);
    countries without a capture are served a capture of another country renamed."""
    root = "feeds/2026-10-07"
    files = {
        US: us_feed(
            shared_file(f"{root}/us/TAsTWs-sample.xml").read_bytes(),
            shared_file("feeds/us-state-dept_2025-10-07.xml").read_bytes(),
        ),
        AU: shared_file("feeds/au-smartraveller-shape.json").read_bytes(),
    }
    ca_real = {
        p.stem.removeprefix("cta-cap-").upper(): json.loads(p.read_bytes())
        for p in sorted(shared_file(f"{root}/ca").glob("cta-cap-*.json"))
    }
    uk_real = {
        p.stem: json.loads(p.read_bytes()) for p in sorted(shared_file(f"{root}/uk").glob("*.json"))
    }
    named = {
        code: country_name(code, "en")
        for code in sorted(known_codes())
        if resolve_name(country_name(code, "en")) == (code,)
    }
    ca_index = {}
    for code, name in named.items():
        page = ca_real.get(code) or renamed_ca(ca_real["TH"], code, name)
        files[ca_path(code)] = _json(page)
        ca_index[code] = ca_index_entry(page)
    files[CA_INDEX] = _json({"metadata": {"generated": {"date": "2026-10-07"}}, "data": ca_index})
    uk_by_code = {resolve_name(p["details"]["country"]["name"])[0]: p for p in uk_real.values()}
    children = []
    for code, name in named.items():
        page = uk_by_code.get(code) or renamed_uk(uk_real["france"], name)
        slug = page["details"]["country"]["slug"]
        files[uk_path(slug)] = _json(page)
        children.append(uk_index_child(page))
    files[UK_INDEX] = _json(
        {
            "base_path": "/foreign-travel-advice",
            "document_type": "travel_advice_index",
            "schema_name": "travel_advice_index",
            "title": "Foreign travel advice",
            "links": {"children": children},
        }
    )
    return files


def slug(name: str) -> str:
    """GOV.UK / Canada style: ASCII, lower case, hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def renamed_ca(page: dict[str, Any], code: str, name: str) -> dict[str, Any]:
    page = copy.deepcopy(page)
    page["data"]["country-iso"] = code
    page["data"]["eng"]["name"] = name
    page["data"]["eng"]["url-slug"] = slug(name)
    return page


def renamed_uk(page: dict[str, Any], name: str) -> dict[str, Any]:
    page = copy.deepcopy(page)
    page["details"]["country"] = {"name": name, "slug": slug(name), "synonyms": []}
    page["base_path"] = f"/foreign-travel-advice/{slug(name)}"
    page["title"] = name
    return page


def ca_index_entry(page: dict[str, Any]) -> dict[str, Any]:
    """Canada's index-updated.json entry for a country file: its state and publication date."""
    data = page["data"]
    published = dt.datetime.strptime(
        " ".join(data["eng"]["friendly-date"].split()[:4]), "%B %d, %Y %H:%M"
    )
    return {
        "country-iso": data["country-iso"],
        "advisory-state": data["advisory-state"],
        "date-published": {"date": published.strftime("%Y-%m-%d %H:%M:%S")},
        "eng": {"name": data["eng"]["name"], "url-slug": data["eng"]["url-slug"]},
    }


def uk_index_child(page: dict[str, Any]) -> dict[str, Any]:
    """The GOV.UK index's child entry for a country page."""
    return {
        "base_path": page["base_path"],
        "api_path": "/api/content" + page["base_path"],
        "document_type": "travel_advice",
        "public_updated_at": page["public_updated_at"],
        "title": page["title"],
        "details": {"country": page["details"]["country"]},
    }


CA_LABELS = {
    0: "Take normal security precautions",
    1: "Exercise a high degree of caution",
    2: "Avoid non-essential travel",
    3: "Avoid all travel",
}


def change_canada(server: FeedServer, code: str, *, state: int, when: str) -> None:
    """Canada republishes `code` at `state` on `when` ("November 20, 2026 10:00 EST"): the file
    and its index entry change."""
    page = json.loads(server.files[ca_path(code)])
    page["data"]["advisory-state"] = state
    page["data"]["eng"]["advisory-text"] = CA_LABELS[state]
    page["data"]["eng"]["friendly-date"] = when
    server.files[ca_path(code)] = _json(page)
    index = json.loads(server.files[CA_INDEX])
    index["data"][code] = ca_index_entry(page)
    server.files[CA_INDEX] = _json(index)


US_LABELS = {
    1: "Exercise Normal Precautions",
    2: "Exercise Increased Caution",
    3: "Reconsider Travel",
    4: "Do Not Travel",
}


def change_us(server: FeedServer, name: str, *, level: int, date: str) -> None:
    """The US feed republishes `name`'s item at `level` on `date` ("Fri, 20 Nov 2026")."""
    text = server.files[US].decode()
    start = text.index(f"<title>{name} - Level")
    end = text.index("</item>", start)
    item = re.sub(
        r"Level [1-4]: [A-Za-z ]+?(?=<)", f"Level {level}: {US_LABELS[level]}", text[start:end]
    )
    item = re.sub(r"<pubDate>[^<]*</pubDate>", f"<pubDate>{date}</pubDate>", item)
    server.files[US] = (text[:start] + item + text[end:]).encode()


@pytest.fixture
def db_path(published_db: Path, tmp_path: Path) -> Path:
    """A copy of the database with every destination of data/ published."""
    path = tmp_path / "vigie.db"
    shutil.copy(published_db, path)
    return path
