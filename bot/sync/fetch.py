"""Fetching the official feeds politely: a User-Agent naming Vigie, timeouts, retries with
backoff on transient failures, and conditional requests (ETag, Last-Modified) per URL."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import httpx
from sqlite_utils import Database
from tenacity import (
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from bot.store.sync_state import http_validators

MAX_BYTES = 20_000_000  # no official feed comes near this; a bigger answer is not one


class FetchError(Exception):
    """The source could not be fetched; the message says what happened."""


class _Transient(Exception):
    """A status worth asking again for (429, 5xx)."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code} from {response.url}")
        self.response = response


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


class Fetcher:
    """One HTTP client for a sync run, reading validators from the database."""

    def __init__(
        self,
        db: Database,
        *,
        contact: str = "",
        timeout: float = 30.0,
        attempts: int = 3,
        backoff: float = 2.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._db = db
        self._attempts = attempts
        self._backoff = backoff
        self._client = httpx.Client(
            headers={"User-Agent": user_agent(contact), "Accept-Encoding": "gzip"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=True,
            transport=transport,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._client.close()

    def get(self, url: str) -> Fetched:
        """GET `url`, conditionally when we hold its validators; raise FetchError."""
        etag, last_modified = http_validators(self._db, url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        retrying = Retrying(
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=self._backoff, max=60),
            retry=retry_if_exception(lambda e: isinstance(e, _Transient | httpx.TransportError)),
            reraise=True,
        )
        try:
            response = retrying(self._get_once, url, headers)
        except _Transient as error:
            raise FetchError(str(error)) from None
        except httpx.TimeoutException:
            raise FetchError(f"timed out fetching {url}") from None
        except httpx.TransportError as error:
            raise FetchError(f"cannot reach {url}: {error or type(error).__name__}") from None
        if response.status_code == 304:
            return Fetched(url, None, etag, last_modified)
        if response.status_code != 200:
            raise FetchError(f"HTTP {response.status_code} from {url}")
        if len(response.content) > MAX_BYTES:
            raise FetchError(f"{url} answered {len(response.content)} bytes: not a feed")
        return Fetched(
            url,
            response.content,
            response.headers.get("ETag", ""),
            response.headers.get("Last-Modified", ""),
        )

    def _get_once(self, url: str, headers: dict[str, str]) -> httpx.Response:
        response = self._client.get(url, headers=headers)
        if response.status_code == 429 or response.status_code >= 500:
            raise _Transient(response)
        return response
