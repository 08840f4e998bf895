"""One sync run: fetch every source, make its items safe, decide per source what may be published
by itself and what waits for a maintainer, then publish (events, pushes) and do the bookkeeping
(reviews, held changes, validators, status) in one transaction.

What a sync publishes by itself, and what waits (README, "Keeping advice current"):
- A source's first successful sync sets its baseline: published, pushed to no one.
- A source's change is held for a maintainer when it would move more than HOLD_HEADLINES
  headline levels at once, when it lowers a government's level 4 to 1 for any destination, or
  when the feed's shape looks changed (more than HELD_SHARE of its items held, or far fewer
  entries than at its last success). The maintainers are asked once, with a summary; nothing
  of it is published until one confirms. The same change is never asked again.
- A source that imports nothing (every item held, no entry, a shape we no longer read) fails.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlite_utils import Database

from bot.core.model import Advisory, SourceInfo, Text
from bot.datafiles.files import read_levels
from bot.importers.common import FeedEntry, ImportError_
from bot.store.advisories import advisory_json, load_advisories
from bot.store.db import write_transaction
from bot.store.notices import add_notice
from bot.store.publish import PublishReport, add_synced_blocks, publish_advisories
from bot.store.sync_state import (
    TELL_AFTER,
    ListedItem,
    held_decision,
    held_key,
    list_items,
    listed_items,
    mark_fetched,
    record_failure,
    record_success,
    remember_previous,
    remember_validators,
    source_states,
)
from bot.sync.apply import Merge, merge_feeds, safe_entries
from bot.sync.fetch import RUN_DEADLINE, Fetched, Fetcher, FetchError, Stopped, allowed_for
from bot.sync.sources import SOURCES, Source

log = logging.getLogger(__name__)

# Real days bring a handful of level changes across all four governments; a run moving more
# than this many headlines at once is a broken or hostile feed until a maintainer says not.
HOLD_HEADLINES = 10
# A feed holding back more than this share of its items (and more than HELD_MIN) was rewritten.
HELD_SHARE = 0.10
HELD_MIN = 5
# A whole feed giving fewer than this share of the entries of its last success was cut short.
ENTRIES_KEPT = 0.8

MAX_ERROR = 400  # characters of an error kept and shown to the maintainers

POLICY = (
    "Automatic: a government's newer advice is published and pushed when a level moves (a"
    " re-issue or reworded text goes to history and the daily digest); a source's first sync"
    " sets its baseline and pushes nothing.\n"
    f"Waits for a maintainer (asked once in Telegram: Publish / Discard): a change moving more"
    f" than {HOLD_HEADLINES} headline levels at once, lowering a level 4 to 1, or from a feed"
    f" holding back over {HELD_SHARE:.0%} of its items or giving under {ENTRIES_KEPT:.0%} of its"
    " usual entries. Dates beyond tomorrow are refused.\n"
    "Undo a source's last change: vigie sync restore SOURCE."
)


@dataclass(slots=True)
class SourceRun:
    """What one source gave in this run."""

    source: str
    entries: list[FeedEntry] = field(default_factory=list)
    seen: int | None = None  # None: nothing new (304)
    held: list[str] = field(default_factory=list)
    error: str = ""
    tell_now: bool = False  # the error is one that will not fix itself: tell the maintainers
    fetched: list[Fetched] = field(default_factory=list)  # to remember once applied
    items_done: list[tuple[str, str]] = field(default_factory=list)  # (key, index date)
    index: list[tuple[str, str, str]] | None = None  # a fresh index: (key, code, date)
    parsed_items: int = 0  # items the feed gave (entries and held) this run
    hold: str = ""  # why this run's changes wait for a maintainer ("" : they do not)
    decision: str | None = None  # the maintainers' word on this exact change
    fingerprint: str = ""
    baseline: bool = False
    partial: bool = False  # the error is some countries' files: the others' changes land
    summary: dict[str, Any] = field(default_factory=dict)  # of a held change, for maintainers

    @property
    def applies(self) -> bool:
        """Whether this run's changes are published now."""
        return (not self.error or self.partial) and (not self.hold or self.decision == "confirm")

    @property
    def waiting(self) -> bool:
        """Whether this run's change waits for a maintainer."""
        return bool(self.hold) and self.decision not in ("confirm", "discard")


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
    held_runs: list[SourceRun] = field(default_factory=list)  # waiting for a maintainer
    stopped: bool = False  # the bot stopped: nothing of this run was applied

    @property
    def failed(self) -> list[SourceRun]:
        return [r for r in self.runs if r.error]

    def summary(self) -> str:
        """One line for the log."""
        if self.stopped:
            return "stopped before the end; nothing applied"
        ok = [r.source for r in self.runs if not r.error]
        parts = [f"{len(ok)}/{len(self.runs)} sources ok"]
        if self.changed:
            parts.append(f"{len(self.changed)} destination(s) changed, {self.events} event(s)")
        else:
            parts.append("nothing new")
        if self.invalid:
            parts.append(f"{len(self.invalid)} block(s) refused by the data rules")
        for run in self.held_runs:
            parts.append(f"{run.source} held for a maintainer: {run.hold}")
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
    stop: threading.Event | None = None,
    run_deadline: float = RUN_DEADLINE,
) -> SyncReport:
    """Fetch and apply every source (or `only` one). A failing source keeps its last good data;
    the others are applied all the same. When `stop` is set the run ends at the next chunk and
    nothing of it is applied."""
    chosen = [SOURCES[only]] if only else list(SOURCES.values())
    states = source_states(db)
    try:
        with Fetcher(
            db,
            contact=contact,
            backoff=backoff,
            transport=transport,
            stop=stop,
            run_deadline=run_deadline,
        ) as fetcher:
            runs = [_collect(db, fetcher, source, base_url) for source in chosen]
    except Stopped:
        return SyncReport([], stopped=True)
    report = SyncReport(runs)
    infos = read_levels(data_dir)
    published = load_advisories(db)
    for run in runs:
        state = states.get(run.source)
        run.baseline = state is None or state.last_success is None
        _judge(db, run, published, infos, now, state.entries if state else 0)
    accepted = {r.source: r.entries for r in runs if r.applies and r.entries}
    report.held_runs = [r for r in runs if r.waiting]
    merge = Merge()
    quiet: set[str] = set()

    def compute(current: dict[str, Advisory]) -> tuple[dict[str, Advisory], dict[str, Text]]:
        nonlocal merge
        merge = merge_feeds(current, accepted, infos, now.date())
        baseline = {r.source for r in runs if r.baseline}
        quiet.clear()
        for code in merge.changed:
            if all(b.split("/")[1] in baseline for b in merge.blocks if b.startswith(code + "/")):
                quiet.add(code)
        return merge.changed, merge.notes

    def bookkeeping(published_report: PublishReport) -> None:
        _bookkeeping(db, runs, merge, published, now, report)

    try:
        if accepted:
            compute(load_advisories(db))  # the quiet codes, before the publish reads them
        published_report = publish_advisories(
            db,
            compute,
            who="sync",
            now=now,
            quiet=frozenset(quiet),
            bookkeeping=bookkeeping,
        )
    except Exception as error:  # nothing was written: say so, keep the advice held
        log.warning("sync: could not save this run: %s: %s", type(error).__name__, error)
        message = f"the sync could not be saved ({type(error).__name__}: {error}); nothing applied"
        try:
            with write_transaction(db):
                for run in runs:
                    record_failure(db, run.source, now, message)
        except Exception:  # the database refuses every write: the log line is all we can do
            log.warning("sync: could not record the failure either")
        for run in runs:
            run.error = message
        return report
    report.events = published_report.events
    report.changed = [p.code for p in published_report.plans]
    report.reviews = len(merge.reviews)
    report.unpublished = sorted(merge.unpublished)
    report.invalid = merge.invalid
    return report


def _judge(
    db: Database,
    run: SourceRun,
    published: dict[str, Advisory],
    infos: dict[str, SourceInfo],
    now: dt.datetime,
    last_entries: int,
) -> None:
    """Make `run`'s entries safe, fail it if it imports nothing, and say whether its change
    waits for a maintainer."""
    if (run.error and not run.partial) or not run.parsed_items:
        return  # failed already, or nothing new (304s)
    entries, unsafe = safe_entries(run.source, run.entries, now.date())
    run.entries, run.held = entries, run.held + unsafe
    if not entries and not run.partial:
        run.error = (
            f"imported nothing: {len(run.held)} of {run.parsed_items} items held"
            " (has the feed's format changed?)"
        )
        run.tell_now, run.partial = True, False
        return
    alone = merge_feeds(published, {run.source: entries}, infos, now.date())
    if not alone.changed:
        return
    run.fingerprint = alone.fingerprint(run.source)
    reasons = []
    moves = alone.headline_moves(published)
    if len(moves) > HOLD_HEADLINES and not run.baseline:
        reasons.append(f"it would move {len(moves)} headline levels at once")
    drops = alone.drops.get(run.source, [])
    if drops:
        reasons.append(f"it lowers level 4 to 1 for {' '.join(sorted(drops)[:8])}")
    held = len(run.held)
    if run.parsed_items and held > HELD_MIN and held > HELD_SHARE * run.parsed_items:
        reasons.append(f"{held} of {run.parsed_items} items held back (a changed format?)")
    whole = not SOURCES[run.source].indexed
    if whole and last_entries and len(entries) < ENTRIES_KEPT * last_entries:
        reasons.append(f"{len(entries)} entries where the last success gave {last_entries}")
    run.decision = held_decision(db, run.source, run.fingerprint)
    run.hold = "; ".join(reasons)
    if run.decision == "discard":  # the maintainers refused this very change: never again
        run.hold = run.hold or "refused by a maintainer"
    elif run.decision == "":  # asked already: it waits, whatever this run's counts say
        run.hold = run.hold or "held at an earlier run"
    run.summary = _summary(alone, published, moves)


def _summary(merge: Merge, published: dict[str, Advisory], moves: list[str]) -> dict[str, Any]:
    """What a held change would do, for the maintainers' message."""
    examples = []
    for code in sorted(moves)[:5]:
        examples.append(f"{code} {published[code].level}→{merge.changed[code].level}")
    return {"destinations": len(merge.changed), "headlines": len(moves), "examples": examples}


def _bookkeeping(
    db: Database,
    runs: list[SourceRun],
    merge: Merge,
    published: dict[str, Advisory],
    now: dt.datetime,
    report: SyncReport,
) -> None:
    """Everything a run remembers, in the publish's transaction."""
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
        if run.applies and run.source in merge.new_blocks:
            _remember_previous(db, run, merge, published, now)
        if run.waiting and run.decision is None:
            add_notice(
                db,
                key=held_key(run.source, run.fingerprint),
                kind="held",
                params={
                    "source": run.source,
                    "fingerprint": run.fingerprint,
                    "why": run.hold,
                    **run.summary,
                },
                at=now,
            )
        _record(db, run, now, report)


def _remember_previous(
    db: Database, run: SourceRun, merge: Merge, published: dict[str, Advisory], now: dt.datetime
) -> None:
    blocks = {}
    for code in merge.new_blocks[run.source]:
        before = published.get(code)
        old = before.source(run.source) if before else None
        blocks[code] = advisory_json(Advisory(code=code, sources=(old,) if old else ()))
    remember_previous(
        db, run.source, fingerprint=merge.fingerprint(run.source), blocks=blocks, at=now
    )


def _record(db: Database, run: SourceRun, now: dt.datetime, report: SyncReport) -> None:
    if not run.waiting:  # a held change is fetched again until a maintainer settles it
        for fetched in run.fetched:
            remember_validators(
                db, fetched.url, etag=fetched.etag, last_modified=fetched.last_modified, at=now
            )
        if run.index is not None:
            list_items(db, run.source, run.index)
        for key, listed in run.items_done:
            mark_fetched(db, run.source, key, listed)
    run.error = run.error[:MAX_ERROR]  # a parser may quote a value of the feed
    if not run.error:
        entries = None if run.waiting else run.seen  # a held feed's count is no yardstick
        record_success(db, run.source, now, entries=entries, held=run.held)
        return
    since = record_failure(db, run.source, now, run.error)
    if run.tell_now or now - since >= TELL_AFTER:
        params = {"source": run.source, "since": since.isoformat(), "error": run.error}
        if add_notice(
            db,
            key=f"failing:{run.source}:{since.isoformat()}",
            kind="failing",
            params=params,
            at=now,
        ):
            report.told_failing.append(run.source)


def _allowed(source: Source, url: str, base_url: str) -> Any:
    """Redirects stay on the source's own hosts (or the mirror's) and path family."""
    return allowed_for(url, () if base_url else source.hosts, source.paths)


def _collect(db: Database, fetcher: Fetcher, source: Source, base_url: str) -> SourceRun:
    """Fetch and parse one source; errors are recorded in the run, never raised (but a stop)."""
    run = SourceRun(source.id)
    try:
        if source.indexed:
            _collect_indexed(db, fetcher, source, base_url, run)
        else:
            url = source.url(base_url)
            fetched = fetcher.get(url, _allowed(source, url, base_url))
            if not fetched.unchanged:
                assert fetched.body is not None
                parsed = source.module.parse_feed(fetched.body)
                run.entries, run.held, run.seen = parsed.entries, parsed.held, len(parsed.entries)
                run.parsed_items = len(parsed.entries) + len(parsed.held)
                run.fetched.append(fetched)
    except Stopped:
        raise
    except (FetchError, ImportError_) as error:
        run.error = str(error)
        run.tell_now = isinstance(error, ImportError_)
    except Exception as error:  # a parser's bug must not stop the other sources
        log.warning("sync: %s parser failed: %s", source.id, type(error).__name__)
        run.error = f"the parser failed ({type(error).__name__})"
        run.tell_now = True
    if run.error and not source.indexed:
        run.entries, run.fetched = [], []  # a refused feed changes nothing
    return run


def _collect_indexed(
    db: Database, fetcher: Fetcher, source: Source, base_url: str, run: SourceRun
) -> None:
    """The index, then the per-country files it dates as changed (or never fetched). A broken
    country file fails alone: the others' changes land, the source is reported failing."""
    url = source.url(base_url)
    index = fetcher.get(url, _allowed(source, url, base_url))
    known = {item.key: item for item in listed_items(db, source.id)}
    if index.unchanged:
        listed = list(known.values())
    else:
        assert index.body is not None
        items = source.module.parse_index(index.body)
        run.index = [(i.key, i.code, i.updated.isoformat() if i.updated else "") for i in items]
        run.fetched.append(index)
        listed = [
            ListedItem(key, code, date, known[key].fetched if key in known else "")
            for key, code, date in run.index
        ]
    run.seen = len(listed)
    failures = []
    for item in listed:
        if not item.due:
            continue
        try:
            file_url = source.country_url(item.key, base_url)
            fetched = fetcher.get(file_url, _allowed(source, file_url, base_url))
            if not fetched.unchanged:
                assert fetched.body is not None
                run.entries.append(source.module.parse_country(fetched.body))
                run.fetched.append(fetched)
                run.parsed_items += 1
            run.items_done.append((item.key, item.listed))
        except Stopped:
            raise
        except (FetchError, ImportError_) as error:
            failures.append(f"{item.key}: {error}")
        except Exception as error:  # a parser's bug on one country must not stop the others
            failures.append(f"{item.key}: the parser failed ({type(error).__name__})")
    if failures:
        run.error = f"{len(failures)} of {len(listed)} countries failed: " + "; ".join(failures[:3])
        run.partial = True
