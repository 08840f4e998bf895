"""One sync run: fetch every source, apply what is newer, publish (events, pushes), remember
what was fetched, and queue what the maintainers must hear."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlite_utils import Database

from bot.core.model import Advisory, Text
from bot.datafiles.files import read_levels
from bot.importers.common import FeedEntry, ImportError_
from bot.store.db import write_transaction
from bot.store.notices import add_notice
from bot.store.publish import add_synced_blocks, publish_advisories
from bot.store.sync_state import (
    TELL_AFTER,
    list_items,
    listed_items,
    mark_fetched,
    record_failure,
    record_success,
    remember_validators,
)
from bot.sync.apply import Merge, merge_feeds
from bot.sync.fetch import Fetched, Fetcher, FetchError
from bot.sync.sources import SOURCES, Source

log = logging.getLogger(__name__)


@dataclass(slots=True)
class SourceRun:
    """What one source gave in this run."""

    source: str
    entries: list[FeedEntry] = field(default_factory=list)
    seen: int | None = None  # None: nothing new (304)
    held: list[str] = field(default_factory=list)
    error: str = ""
    fetched: list[Fetched] = field(default_factory=list)  # to remember once applied
    items_done: list[tuple[str, str]] = field(default_factory=list)  # (key, index date)


@dataclass(slots=True)
class SyncReport:
    """What a sync run did."""

    runs: list[SourceRun]
    events: int = 0
    changed: list[str] = field(default_factory=list)
    reviews: int = 0
    told_failing: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)  # feed codes with no destination here
    invalid: list[str] = field(default_factory=list)  # blocks refused by the data rules

    @property
    def failed(self) -> list[SourceRun]:
        return [r for r in self.runs if r.error]

    def summary(self) -> str:
        """One line for the log."""
        ok = [r.source for r in self.runs if not r.error]
        parts = [f"{len(ok)}/{len(self.runs)} sources ok"]
        if self.changed:
            parts.append(f"{len(self.changed)} destination(s) changed, {self.events} event(s)")
        else:
            parts.append("nothing new")
        if self.invalid:
            parts.append(f"{len(self.invalid)} block(s) refused by the data rules")
        for run in self.failed:
            parts.append(f"{run.source} failed: {run.error}")
        return "; ".join(parts)


def run_sync(
    db: Database,
    data_dir: Path,
    *,
    now: dt.datetime,
    only: str | None = None,
    base_url: str = "",
    contact: str = "",
    backoff: float = 2.0,
    transport: httpx.BaseTransport | None = None,
) -> SyncReport:
    """Fetch and apply every source (or `only` one). A failing source keeps its last good data;
    the others are applied all the same."""
    chosen = [SOURCES[only]] if only else list(SOURCES.values())
    with Fetcher(db, contact=contact, backoff=backoff, transport=transport) as fetcher:
        runs = [_collect(db, fetcher, source, base_url) for source in chosen]
    report = SyncReport(runs)
    entries = {r.source: r.entries for r in runs if r.entries}
    merge = Merge()
    if entries:
        infos = read_levels(data_dir)

        def compute(published: dict[str, Advisory]) -> tuple[dict[str, Advisory], dict[str, Text]]:
            nonlocal merge
            merge = merge_feeds(published, entries, infos, now.date())
            return merge.changed, merge.notes

        published = publish_advisories(db, compute, who="sync", now=now)
        report.events = published.events
        report.changed = [p.code for p in published.plans]
        report.reviews = len(merge.reviews)
        report.unpublished = sorted(merge.unpublished)
        report.invalid = merge.invalid
    with write_transaction(db):
        add_synced_blocks(db, merge.blocks)
        for review in merge.reviews:
            add_notice(
                db,
                key=review.key,
                kind="review",
                params={
                    "code": review.code,
                    "source": review.source,
                    "level": review.level,
                    "curated": review.curated,
                    "date": review.date.isoformat(),
                },
                at=now,
            )
        for run in runs:
            _record(db, run, now, report)
    return report


def _record(db: Database, run: SourceRun, now: dt.datetime, report: SyncReport) -> None:
    for fetched in run.fetched:
        remember_validators(
            db, fetched.url, etag=fetched.etag, last_modified=fetched.last_modified, at=now
        )
    for key, listed in run.items_done:
        mark_fetched(db, run.source, key, listed)
    if not run.error:
        record_success(db, run.source, now, entries=run.seen, held=run.held)
        return
    since = record_failure(db, run.source, now, run.error)
    if now - since >= TELL_AFTER:
        params = {"source": run.source, "since": since.isoformat(), "error": run.error}
        if add_notice(
            db,
            key=f"failing:{run.source}:{since.isoformat()}",
            kind="failing",
            params=params,
            at=now,
        ):
            report.told_failing.append(run.source)


def _collect(db: Database, fetcher: Fetcher, source: Source, base_url: str) -> SourceRun:
    """Fetch and parse one source; errors are recorded in the run, never raised."""
    run = SourceRun(source.id)
    try:
        if source.indexed:
            _collect_indexed(db, fetcher, source, base_url, run)
        else:
            fetched = fetcher.get(source.url(base_url))
            if not fetched.unchanged:
                assert fetched.body is not None
                parsed = source.module.parse_feed(fetched.body)
                run.entries, run.held, run.seen = parsed.entries, parsed.held, len(parsed.entries)
                run.fetched.append(fetched)
    except (FetchError, ImportError_) as error:
        run.error = str(error)
    except Exception as error:  # a parser's bug must not stop the other sources
        log.warning("sync: %s parser failed: %r", source.id, error)
        run.error = f"{type(error).__name__}: {error}"
    if run.error and not source.indexed:
        run.entries, run.fetched = [], []  # a refused feed changes nothing
    return run


def _collect_indexed(
    db: Database, fetcher: Fetcher, source: Source, base_url: str, run: SourceRun
) -> None:
    """The index, then the per-country files it dates as changed (or never fetched)."""
    index = fetcher.get(source.url(base_url))
    if not index.unchanged:
        assert index.body is not None
        items = source.module.parse_index(index.body)
        with write_transaction(db):
            list_items(
                db,
                source.id,
                [(i.key, i.code, i.updated.isoformat() if i.updated else "") for i in items],
            )
        run.fetched.append(index)
    listed = listed_items(db, source.id)
    run.seen = len(listed)
    failures = []
    for item in listed:
        if not item.due:
            continue
        try:
            fetched = fetcher.get(source.country_url(item.key, base_url))
            if not fetched.unchanged:
                assert fetched.body is not None
                run.entries.append(source.module.parse_country(fetched.body))
                run.fetched.append(fetched)
            run.items_done.append((item.key, item.listed))
        except (FetchError, ImportError_) as error:
            failures.append(f"{item.key}: {error}")
        except Exception as error:  # a parser's bug on one country must not stop the others
            failures.append(f"{item.key}: {type(error).__name__}: {error}")
    if failures:
        run.error = f"{len(failures)} of {len(listed)} countries failed: " + "; ".join(failures[:3])
