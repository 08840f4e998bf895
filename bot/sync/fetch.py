"""The one fetcher of official feeds (the sync and `vigie import`): polite (a User-Agent naming
Vigie, conditional requests with the ETag and Last-Modified of the last response applied,
retries with backoff on 429, 5xx and network errors) and bounded against a hostile or broken
server: at most MAX_BYTES received and MAX_BYTES unpacked (read as a stream, so a gzip bomb never
reaches memory), a total deadline per request and per run, redirects only to the source's own
hosts and path family, error texts that never quote what the server sent, and a stop that ends
a run at the next chunk (the bot is shutting down)."""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urljoin, urlsplit

import httpx
from sqlite_utils import Database

from bot.store.sync_state import http_validators

MAX_BYTES = 20_000_000  # no official feed comes near this; a bigger answer is not one
REQUEST_DEADLINE = 60.0  # seconds for one request, first byte to last, redirects included
RUN_DEADLINE = 15 * 60.0  # seconds for every request of one sync run
STALL = 20.0  # seconds without a byte before a read gives up
MAX_REDIRECTS = 3


class FetchError(Exception):
    """The source could not be fetched; the message says what happened (never the body)."""


class Stopped(FetchError):
    """The bot is stopping: the run ends here, nothing half-read is used."""


class _Transient(FetchError):
    """Worth asking again for (429, 5xx, a dropped connection)."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response: its body, or None when the server says nothing changed (304)."""

    url: str
    body: bytes | None
    etag: str = ""
    last_modified: str = ""

    @property
    def unchanged(self) -> bool:
        return self.body is None


def user_agent(contact: str) -> str:
    """Who we are, for the sources' logs."""
    reach = contact or "operator contact not configured (VIGIE_SYNC_CONTACT)"
    try:
        release = version("vigie")
    except PackageNotFoundError:
        release = "dev"
    return f"Vigie/{release} (travel advisory bot for travellers; +{reach})"


@dataclass(frozen=True, slots=True)
class Allowed:
    """Where a request and its redirects may go: these hosts ("host" or "host:port"), under
    these path prefixes (none: any path on those hosts)."""

    hosts: frozenset[str]
    paths: tuple[str, ...] = ()

    def admits(self, url: str, scheme: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme != scheme or parts.username or parts.password:
            return False
        if parts.netloc.lower() not in self.hosts and (parts.hostname or "") not in self.hosts:
            return False
        return not self.paths or any(parts.path.startswith(p) for p in self.paths)


def allowed_for(url: str, hosts: Iterable[str] = (), paths: tuple[str, ...] = ()) -> Allowed:
    """What a request for `url` may follow: its own host and `hosts`, under `paths`."""
    return Allowed(frozenset({urlsplit(url).netloc.lower(), *hosts}), paths)


class Fetcher:
    """One HTTP client for a run, reading validators from the database when given one."""

    def __init__(
        self,
        db: Database | None = None,
        *,
        contact: str = "",
        attempts: int = 3,
        backoff: float = 2.0,
        max_bytes: int = MAX_BYTES,
        request_deadline: float = REQUEST_DEADLINE,
        run_deadline: float = RUN_DEADLINE,
        stall: float = STALL,
        stop: threading.Event | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._db = db
        self._attempts = attempts
        self._backoff = backoff
        self._max = max_bytes
        self._request_deadline = request_deadline
        self._run_ends = time.monotonic() + run_deadline
        self._stall = stall
        self._stop = stop or threading.Event()
        self._client = httpx.Client(
            headers={"User-Agent": user_agent(contact), "Accept-Encoding": "gzip"},
            follow_redirects=False,
            transport=transport,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._client.close()

    def get(self, url: str, allowed: Allowed | None = None) -> Fetched:
        """GET `url` (conditionally when we hold its validators), following redirects only where
        `allowed` says (default: the same host); raise FetchError."""
        allowed = allowed or allowed_for(url)
        etag, last_modified = http_validators(self._db, url) if self._db else ("", "")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for attempt in range(1, self._attempts + 1):
            try:
                return self._get_once(url, headers, allowed, etag, last_modified)
            except _Transient:
                if attempt == self._attempts:
                    raise
                delay = self._backoff * 2 ** (attempt - 1)
                if time.monotonic() + delay > self._run_ends:
                    raise
                if self._stop.wait(delay):
                    raise Stopped("the sync was stopped") from None
        raise AssertionError("unreachable")

    def _get_once(
        self, url: str, headers: dict[str, str], allowed: Allowed, etag: str, last_modified: str
    ) -> Fetched:
        ends = min(time.monotonic() + self._request_deadline, self._run_ends)
        scheme = urlsplit(url).scheme
        target = url
        for _ in range(MAX_REDIRECTS + 1):
            self._check(ends, url)
            try:
                with self._client.stream(
                    "GET", target, headers=headers, timeout=self._timeout(ends)
                ) as response:
                    status = response.status_code
                    if status in (301, 302, 303, 307, 308):
                        location = urljoin(target, response.headers.get("Location", ""))
                        if not allowed.admits(location, scheme):
                            raise FetchError(
                                f"{url} redirected to {_where(location)}, outside the source's"
                                " own site: refused"
                            )
                        target = location
                        continue
                    if status == 304:
                        return Fetched(url, None, etag, last_modified)
                    if status == 429 or status >= 500:
                        raise _Transient(f"HTTP {status} from {url}")
                    if status != 200:
                        raise FetchError(f"HTTP {status} from {url}")
                    body = self._read(response, ends, url)
                    return Fetched(
                        url,
                        body,
                        response.headers.get("ETag", ""),
                        response.headers.get("Last-Modified", ""),
                    )
            except httpx.TimeoutException:
                raise _Transient(f"timed out fetching {url}") from None
            except httpx.TransportError as error:
                raise _Transient(f"cannot reach {url}: {type(error).__name__}") from None
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects: refused")

    def _timeout(self, ends: float) -> httpx.Timeout:
        left = max(0.1, ends - time.monotonic())
        return httpx.Timeout(min(self._stall, left), connect=min(10.0, left))

    def _check(self, ends: float, url: str) -> None:
        if self._stop.is_set():
            raise Stopped("the sync was stopped")
        if time.monotonic() > ends:
            if ends >= self._run_ends:
                raise FetchError(f"the sync ran out of time before {url} was read")
            raise FetchError(f"{url} took longer than {self._request_deadline:.0f} s: refused")

    def _read(self, response: httpx.Response, ends: float, url: str) -> bytes:
        """The body, unpacked as it arrives, refused as soon as either size passes the cap."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self._max:
            raise FetchError(f"{url} announced {int(declared)} bytes: not a feed")
        encoding = response.headers.get("Content-Encoding", "").strip().lower()
        if encoding in ("gzip", "x-gzip"):
            unpack: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            unpack = zlib.decompressobj()
        elif encoding in ("", "identity"):
            unpack = None
        else:
            raise FetchError(f"{url} answered in an encoding we do not read ({encoding[:20]!r})")
        received = 0
        body = bytearray()
        try:
            for chunk in response.iter_raw():
                self._check(ends, url)
                received += len(chunk)
                if received > self._max:
                    raise FetchError(f"{url} sent more than {self._max} bytes: not a feed")
                if unpack is None:
                    body += chunk
                    continue
                while chunk:
                    body += unpack.decompress(chunk, self._max - len(body) + 1)
                    if len(body) > self._max:
                        raise FetchError(
                            f"{url} unpacks to more than {self._max} bytes: not a feed"
                        )
                    chunk = unpack.unconsumed_tail
            if unpack is not None:
                body += unpack.flush()
        except zlib.error:
            raise FetchError(f"{url} sent a broken {encoding} stream") from None
        return bytes(body)


def _where(url: str) -> str:
    """A redirect's destination for a message: its scheme and host only (the rest is the
    server's to write)."""
    parts = urlsplit(url)
    return f"{parts.scheme[:10]}://{parts.netloc[:80]}/…"
