"""The `vigie` command: thin click wrappers over plain functions."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import click

from bot.config import ConfigError, Settings, load_settings
from bot.core.model import Advisory, SourceInfo
from bot.importers import synced_sources
from bot.importers.common import FeedParse


def _settings(ctx: click.Context) -> Settings:
    settings: Settings = ctx.obj
    return settings


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class _Vigie(click.Group):
    """The `vigie` group: a database or file system problem ends any command with one line
    saying what to do and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from bot.store.db import DatabaseProblem, explain

        try:
            return super().invoke(ctx)
        except (sqlite3.Error, DatabaseProblem) as error:
            settings = ctx.obj if isinstance(ctx.obj, Settings) else None
            where = settings.db_path if settings else "the database"
            raise click.ClickException(explain(error, where) or str(error)) from error
        except OSError as error:
            raise click.ClickException(_os_problem(error)) from error


def _os_problem(error: OSError) -> str:
    """One line for a file the command could not read or write."""
    what = f" {error.filename}" if error.filename else ""
    return f"cannot use{what}: {error.strerror or error}"


@click.group(cls=_Vigie)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the advisory files (default: VIGIE_DATA_DIR or the project's data/).",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite database (default: VIGIE_DB or data/vigie.db).",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None, db: Path | None) -> None:
    """Vigie: travel advisories for travellers, on Telegram and in a terminal."""
    try:
        settings = load_settings()
    except ConfigError as error:
        raise click.ClickException(str(error)) from error
    if data_dir is not None:
        settings = Settings(**{**_fields(settings), "data_dir": data_dir})
        if db is None and not _env_has_db():
            settings = Settings(**{**_fields(settings), "db_path": data_dir / "vigie.db"})
    if db is not None:
        settings = Settings(**{**_fields(settings), "db_path": db})
    ctx.obj = settings


def _fields(settings: Settings) -> dict[str, Any]:
    return {name: getattr(settings, name) for name in settings.__slots__}


def _env_has_db() -> bool:
    import os

    return bool(os.environ.get("VIGIE_DB"))


# --- data -------------------------------------------------------------------------------------


@main.group()
def data() -> None:
    """Check, diff, publish and export the advisory data files."""


@data.command("check")
@click.pass_context
def data_check(ctx: click.Context) -> None:
    """Validate every data file; errors name the file and the line. Warns (exit 0) about curated
    text not reviewed for 90 days, and about over-long sections (published, but shown cut)."""
    from bot.datafiles.files import DataError, read_all, review_warnings, size_warnings

    settings = _settings(ctx)
    try:
        advisories = read_all(settings.data_dir, _today())
    except DataError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(error.problems)} problem(s) found") from error
    warnings = size_warnings(settings.data_dir) + review_warnings(
        settings.data_dir, advisories, _today()
    )
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{len(advisories)} destinations OK, {len(warnings)} warning(s)")


@data.command("diff")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per destination.")
@click.pass_context
def data_diff(ctx: click.Context, as_json: bool) -> None:
    """Show what a publish would change, per destination, each change major or minor."""
    from bot.datafiles.files import DataError
    from bot.store.db import open_db
    from bot.store.publish import plan_changes

    settings = _settings(ctx)
    db = open_db(settings.db_path)
    try:
        plans, problems = plan_changes(db, settings.data_dir, _today())
    except DataError as error:
        problems, plans = error.problems, []
    refused = [str(p) for p in problems]
    for plan in plans:
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "country": plan.code,
                        "changes": [
                            {"kind": c.kind, "major": c.major, "summary": c.summary}
                            for c in plan.changes
                        ],
                    },
                    ensure_ascii=False,
                )
            )
            continue
        click.echo(f"{plan.code}:")
        for change in plan.changes:
            click.echo(f"  {'MAJOR' if change.major else 'minor'}  {change.summary}")
    if refused:
        for line in refused:
            click.echo(line, err=True)
        raise click.ClickException("a publish would be refused; fix the problems above")
    if not plans and not as_json:
        click.echo("Nothing to publish: the database matches the files.")


@data.command("publish")
@click.option("--who", default=None, help="Who is publishing (default: the system user).")
@click.option("--allow-remove", is_flag=True, help="Remove destinations whose file was deleted.")
@click.option("--if-stale", is_flag=True, help="Do nothing when the files have not changed.")
@click.pass_context
def data_publish(ctx: click.Context, who: str | None, allow_remove: bool, if_stale: bool) -> None:
    """Import every data file into the database in one transaction (all or nothing)."""
    from bot.datafiles.files import DataError
    from bot.store.db import open_db
    from bot.store.publish import publish

    settings = _settings(ctx)
    db = open_db(settings.db_path)
    try:
        report = publish(
            db,
            settings.data_dir,
            who=who or getpass.getuser(),
            now=dt.datetime.now(dt.UTC),
            allow_remove=allow_remove,
            if_stale=if_stale,
        )
    except DataError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException("nothing was published") from error
    if report.skipped:
        click.echo("Database is up to date with the data files.")
        return
    changed = len(report.plans)
    click.echo(
        f"Published {changed} changed destination(s), {report.events} change event(s)"
        f" (publish #{report.publish_id})."
    )


@data.command("history")
@click.argument("code")
@click.pass_context
def data_history(ctx: click.Context, code: str) -> None:
    """The change history of one destination, newest first."""
    from bot.store.db import open_db
    from bot.store.publish import history_of

    rows = history_of(open_db(_settings(ctx).db_path, create=False), code.upper())
    if not rows:
        click.echo(f"No history for {code.upper()}.")
    for row in rows:
        flag = "MAJOR" if row["major"] else "minor"
        click.echo(f"{row['at']}  {row['who']}  {flag}  {row['summary']}")
        if row["note_en"]:
            click.echo(f"    note: {row['note_en']}")


@data.command("export")
@click.pass_context
def data_export(ctx: click.Context) -> None:
    """Write the database back to the data files (lossless)."""
    from bot.store.db import open_db
    from bot.store.publish import export

    settings = _settings(ctx)
    paths = export(open_db(settings.db_path, create=False), settings.data_dir)
    click.echo(f"Wrote {len(paths)} destination file(s) to {settings.data_dir}.")


@data.command("unmatched")
@click.option("--limit", default=50, show_default=True)
@click.pass_context
def data_unmatched(ctx: click.Context, limit: int) -> None:
    """The most frequent messages not understood in the last 90 days: "no intent" (nothing),
    "no place" (a question without a place), "no question" (a place, but not what was asked);
    masked, and no user ids are stored."""
    from bot.store.db import open_db
    from bot.store.unmatched import most_unmatched, purge_unmatched

    db = open_db(_settings(ctx).db_path, create=False)
    purge_unmatched(db, dt.datetime.now(dt.UTC))
    rows = most_unmatched(db, limit)
    if not rows:
        click.echo("Every message so far was understood.")
    for row in rows:
        click.echo(f"{row.count:5d}  {row.lang}  no {row.kind:6s}  {row.text}")


@data.command("coverage")
@click.option("--json", "as_json", is_flag=True, help="The report as one JSON object.")
@click.pass_context
def data_coverage(ctx: click.Context, as_json: bool) -> None:
    """Per destination and topic: curated text, official text (which governments, how many days
    old) or nothing; where the emergency numbers come from; then the curated files to review
    first. Reads the published database, or data/ when there is none yet (no subscribers)."""
    from bot.core.coverage import coverage_report, format_report
    from bot.datafiles.files import DataError, read_all

    settings = _settings(ctx)
    subscribers: dict[str, int] = {}
    if settings.db_path.exists():
        from bot.store.advisories import load_advisories
        from bot.store.coverage import active_subscribers
        from bot.store.db import open_db

        db = open_db(settings.db_path)
        advisories = load_advisories(db)
        subscribers = active_subscribers(db)
        db.close()
        origin = str(settings.db_path)
    else:
        try:
            advisories = {a.code: a for a in read_all(settings.data_dir, None)}
        except DataError as error:
            raise click.ClickException(
                f"{len(error.problems)} problem(s) in the data files"
            ) from error
        origin = f"{settings.data_dir} (no database yet: subscribers unknown)"
    report = coverage_report(advisories, subscribers, _today())
    if as_json:
        click.echo(json.dumps({"from": origin, **report.as_json()}, ensure_ascii=False))
    else:
        click.echo(f"From {origin}, on {_today().isoformat()}.")
        click.echo(format_report(report))


# --- understand, chat, run ----------------------------------------------------------------------


@main.command("understand")
@click.argument("text", nargs=-1)
@click.pass_context
def understand_cmd(ctx: click.Context, text: tuple[str, ...]) -> None:
    """Print what Vigie understands of each message (each TEXT argument is one message; quote
    it), as one JSON object per line. With no TEXT, read one message per line from stdin."""
    from bot.core.places import build_place_index
    from bot.core.understand import understand
    from bot.knowledge import region_names
    from bot.store.advisories import load_advisories
    from bot.store.db import open_db

    settings = _settings(ctx)
    advisories = load_advisories(open_db(settings.db_path)) if settings.db_path.exists() else {}
    index = build_place_index(region_names(advisories))
    messages = list(text) if text else (line.rstrip("\n") for line in sys.stdin)
    for message in messages:
        click.echo(json.dumps(understand(message, index).as_json(), ensure_ascii=False))


@main.command("chat")
@click.option(
    "--lang", type=click.Choice(["en", "fr"]), default=None, help="Answer in this language."
)
@click.pass_context
def chat(ctx: click.Context, lang: str | None) -> None:
    """Talk to Vigie in the terminal (offline, same answers as on Telegram)."""
    _run_console(_settings(ctx), lang)


def _run_console(settings: Settings, lang: str | None) -> None:
    from bot.console import Console, run_console
    from bot.knowledge import KnowledgeCache
    from bot.store.db import open_db

    db = open_db(settings.db_path, create=False)
    if db.execute("SELECT count(*) FROM destinations").fetchone()[0] == 0:
        raise click.ClickException(
            "the database is empty: run `vigie data publish` (or `make run`)"
        )
    console = Console(db, KnowledgeCache(db, settings.data_dir), lang=lang)
    run_console(console, sys.stdin, sys.stdout, interactive=sys.stdin.isatty())


@main.command("run")
@click.option("--webhook-url", default=None, help="Public HTTPS URL Telegram should post to.")
@click.option("--listen", default="127.0.0.1", show_default=True, help="Webhook listen address.")
@click.option("--port", default=8443, show_default=True, help="Webhook listen port.")
@click.pass_context
def run(ctx: click.Context, webhook_url: str | None, listen: str, port: int) -> None:
    """Run the Telegram bot (TELEGRAM_BOT_TOKEN), or the offline console when there is no token."""
    settings = _settings(ctx)
    if not settings.token:
        from bot.store.db import missing_database

        if not settings.db_path.is_file():
            raise missing_database(settings.db_path)
        click.echo(
            "No TELEGRAM_BOT_TOKEN: starting the offline console.\n"
            "To run on Telegram, create a bot with @BotFather, then:"
            " TELEGRAM_BOT_TOKEN=123:ABC make run  (or put it in .env)\n",
            err=True,
        )
        _run_console(settings, None)
        return
    from bot.telegram.app import run_bot

    run_bot(settings, webhook_url=webhook_url, listen=listen, port=port)


# --- push -------------------------------------------------------------------------------------


@main.group()
def push() -> None:
    """The outbox of subscription pushes."""


@push.command("status")
@click.option("--limit", default=20, show_default=True, help="How many recent events.")
@click.pass_context
def push_status(ctx: click.Context, limit: int) -> None:
    """Each event's held / queued / sent / paused / cancelled / failed delivery counts, and
    what the running bot's push sender is doing (its heartbeat)."""
    from bot.push.sender import read_heartbeat
    from bot.store.db import open_db
    from bot.store.outbox import DeliveryStatus, failure_reasons, status_counts

    db = open_db(_settings(ctx).db_path, create=False)
    rows = status_counts(db)[:limit]
    if not rows:
        click.echo("No change event yet.")
    click.echo(
        f"{'event':>6} {'code':4} {'kind':6} {'created':19} "
        "  held queued sending   sent paused cancel failed"
    )
    widths = (6, 6, 7, 6, 6, 6, 6)  # the columns' widths, in DeliveryStatus order
    for r in rows:
        counts = " ".join(
            f"{r.counts[s]:>{w}}" for s, w in zip(DeliveryStatus, widths, strict=True)
        )
        click.echo(f"{r.event:>6} {r.code:4} {r.kind:6} {r.created_at[:19]:19} {counts}")
    for reason, count in failure_reasons(db).items():
        click.echo(f"failed: {count} × {reason}")
    beat = read_heartbeat(db)
    click.echo(beat.describe(time.time()) if beat else "sender: has not run on this database")


@push.command("retry")
@click.pass_context
def push_retry(ctx: click.Context) -> None:
    """Queue every failed delivery again (the running bot sends them)."""
    from bot.store.db import open_db
    from bot.store.outbox import retry_failed

    count = retry_failed(open_db(_settings(ctx).db_path, create=False))
    click.echo(f"Re-queued {count} failed deliveries.")


# --- sync -------------------------------------------------------------------------------------


@main.group("sync", invoke_without_command=True)
@click.option(
    "--source",
    type=click.Choice(list(synced_sources())),
    help="Only this source (default: all).",
)
@click.pass_context
def sync(ctx: click.Context, source: str | None) -> None:
    """Fetch the official sources now and publish what is newer (pushes included)."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.store.db import open_db
    from bot.sync import run_sync

    settings = _settings(ctx)
    report = run_sync(
        open_db(settings.db_path),
        settings.data_dir,
        now=dt.datetime.now(dt.UTC),
        only=source,
        base_url=settings.sync_base_url,
        contact=settings.sync_contact,
    )
    for run in report.runs:
        seen = "nothing new" if run.seen is None else f"{run.seen} entries"
        click.echo(f"{run.source}: {'FAILED ' + run.error if run.error else seen}")
        for line in run.held:
            click.echo(f"  held for review: {line}")
    for run in report.held_runs:
        click.echo(f"{run.source}: WAITING FOR A MAINTAINER ({run.hold}); nothing of it published")
    for line in report.invalid:
        click.echo(f"  refused by the data rules: {line}")
    if report.unpublished:
        click.echo(f"  not published here (skipped): {' '.join(report.unpublished)}")
    click.echo(
        f"{len(report.changed)} destination(s) changed, {report.events} change event(s),"
        f" {report.reviews} curated level(s) to review."
    )
    if report.failed:
        raise click.ClickException(
            f"{len(report.failed)} source(s) failed; their last good data is kept"
        )


@sync.command("status")
@click.pass_context
def sync_status(ctx: click.Context) -> None:
    """Per source: the last success, the entries seen, the last error, failing since, and the
    changes waiting for a maintainer."""
    from bot.store.db import open_db
    from bot.store.sync_state import open_held, source_states
    from bot.sync import SOURCES
    from bot.sync.run import POLICY

    db = open_db(_settings(ctx).db_path)
    states = source_states(db)
    waiting = open_held(db)
    for source in SOURCES:
        state = states.get(source)
        if state is None:
            click.echo(f"{source}: never synced")
            continue
        success = state.last_success.isoformat() if state.last_success else "never"
        click.echo(f"{source}: last success {success}, {state.entries} entries seen")
        if state.held:
            click.echo(f"  held for review: {len(state.held)} ({state.held[0]})")
        if state.failing_since is not None:
            click.echo(f"  FAILING since {state.failing_since.isoformat()}")
        if state.last_error:
            at = state.last_error_at.isoformat() if state.last_error_at else "?"
            click.echo(f"  last error ({at}): {state.last_error}")
        for held in (h for h in waiting if h["source"] == source):
            click.echo(
                f"  WAITING FOR A MAINTAINER since {held['created_at']}: {held['why']}"
                " (Publish or Discard in Telegram)"
            )
    click.echo(POLICY)


@sync.command("restore")
@click.argument("source", type=click.Choice(list(synced_sources())))
@click.pass_context
def sync_restore(ctx: click.Context, source: str) -> None:
    """Put back SOURCE's advice as it was before its last applied change (a wrong feed got
    through); subscribers hear of levels that move back; the same change is not applied again."""
    from bot.store.db import open_db
    from bot.sync.restore import NothingToRestore, restore_source

    settings = _settings(ctx)
    try:
        restored = restore_source(
            open_db(settings.db_path), settings.data_dir, source, now=dt.datetime.now(dt.UTC)
        )
    except NothingToRestore as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"{source}: restored {len(restored.codes)} destination(s) to their state before the"
        f" change of {restored.since}; {restored.events} change event(s)."
    )
    if restored.codes:
        click.echo(f"  {' '.join(restored.codes)}")


# --- show -------------------------------------------------------------------------------------


def advisory_summary(
    advisory: Advisory, sources: dict[str, SourceInfo], lang: str
) -> dict[str, Any]:
    """The machine-readable view of an advisory that `vigie show --json` prints."""
    from bot.i18n import country_name

    return {
        "country": advisory.code,
        "name": country_name(advisory.code, lang),
        "level": advisory.level,
        "level_origin": advisory.level_origin,
        "curated_reason": (
            advisory.curated_level.reason.get(lang) if advisory.curated_level else None
        ),
        "sources": [
            {
                "source": s.source,
                "level": s.level,
                "label": s.label,
                "label_localized": (
                    sources[s.source].labels[s.level].get(lang) if s.source in sources else s.label
                ),
                "date": s.date.isoformat(),
                "url": s.url,
                "risks": list(s.risks),
            }
            for s in advisory.sources
        ],
        "regions": [
            {"id": r.id, "name": r.name.get(lang), "level": r.level} for r in advisory.regions
        ],
        "alerts": [
            {"date": a.date.isoformat(), "severity": a.severity, "text": a.text.get(lang)}
            for a in advisory.alerts_newest_first()
        ],
    }


@main.command("show")
@click.argument("codes", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
@click.pass_context
def show(ctx: click.Context, codes: tuple[str, ...], as_json: bool, lang: str) -> None:
    """Print the advisory of each destination named (ISO codes, e.g. ML NE BF)."""
    from bot.datafiles.files import read_levels
    from bot.store.advisories import load_advisory
    from bot.store.db import open_db

    settings = _settings(ctx)
    db = open_db(settings.db_path, create=False)
    sources = read_levels(settings.data_dir)
    missing = []
    for code in codes:
        advisory = load_advisory(db, code.upper())
        if advisory is None:
            missing.append(code)
            continue
        summary = advisory_summary(advisory, sources, lang)
        if as_json:
            click.echo(json.dumps(summary, ensure_ascii=False))
        else:
            click.echo(_plain(summary, sources, lang))
    if missing:
        raise click.ClickException(
            f"no published advisory for {', '.join(missing)} (run `vigie data publish`?)"
        )


def _plain(summary: dict[str, Any], sources: dict[str, SourceInfo], lang: str) -> str:
    lines = [f"{summary['name']} ({summary['country']}): level {summary['level']}"]
    if summary["curated_reason"]:
        lines.append(f"  {summary['curated_reason']}")
    for s in summary["sources"]:
        name = sources[s["source"]].name.get(lang) if s["source"] in sources else s["source"]
        lines.append(f"  {name}: {s['level']} - {s['label_localized']} ({s['date']}) {s['url']}")
    for a in summary["alerts"][:3]:
        lines.append(f"  [{a['date']}] {a['text']}")
    return "\n".join(lines)


# --- import -----------------------------------------------------------------------------------


@main.command("import")
@click.argument("source", type=click.Choice(list(synced_sources())))
@click.option(
    "--file",
    "files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A saved feed (US, Australia) or country file (Canada, UK); repeat for several.",
)
@click.option("--url", help="Fetch the feed (or index) from this URL instead of the official one.")
@click.pass_context
def import_(ctx: click.Context, source: str, files: tuple[Path, ...], url: str | None) -> None:
    """Update one source's blocks in the data files from its feed, for review before publishing.
    A file that is not the source's feed is refused: nothing is changed."""
    from bot.datafiles.files import DataError
    from bot.importers.common import ImportError_, merge_entries

    settings = _settings(ctx)
    try:
        parsed = read_feed(source, files, url)
        report = merge_entries(settings.data_dir, source, parsed.entries, today=_today())
    except (ImportError_, DataError) as error:
        raise click.ClickException(f"nothing imported: {error}") from error
    click.echo(
        f"{source}: {len(parsed.entries)} entries; {len(report.written)} file(s) written"
        f" ({len(report.created)} new); {len(report.kept_newer)} kept (feed older than data)."
    )
    for change in report.level_changes:
        click.echo(f"  level change {change} (change note drafted: review it)")
    for reason in parsed.held:
        click.echo(f"  held, not imported: {reason}")
    click.echo("Review with `git diff data/`, then `vigie data diff` and `vigie data publish`.")


def read_feed(source: str, files: tuple[Path, ...], url: str | None) -> FeedParse:
    """Parse a source's saved files, or fetch its feed (Canada and the UK: the index, then each
    country). Raise FeedRefused on anything that is not the source's feed."""
    from bot.importers import source_of
    from bot.importers.common import FeedRefused, fetch

    official = source_of(source)
    module = official.module
    hosts, paths = official.hosts, official.paths
    if not official.indexed:
        if len(files) > 1:
            raise FeedRefused(f"{source} is one feed: give one --file, not {len(files)}")
        raw = files[0].read_bytes() if files else fetch(url or official.url(), hosts, paths)
        parsed: FeedParse = module.parse_feed(raw)
        return parsed
    if files:
        pages = [(str(path), path.read_bytes()) for path in files]
    else:
        index = module.parse_index(fetch(url or official.url(), hosts, paths))
        pages = [(item.url, fetch(item.url, hosts, paths)) for item in index]
    entries = []
    for where, raw in pages:
        try:
            entries.append(module.parse_country(raw))
        except FeedRefused as error:
            raise FeedRefused(f"{where}: {error}") from error
    return FeedParse(entries)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
