"""Read, validate and write the advisory files in data/."""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.model import LEVELS, SOURCES, STALE_AFTER, Advisory, LevelLabel, SourceInfo, Text
from bot.datafiles.convert import Problem, advisory_from_dict, advisory_to_dict
from bot.datafiles.locate import key_lines, line_of
from bot.datafiles.toml_writer import dumps_destination

DESTINATIONS = "destinations"
LEVELS_FILE = "levels.toml"


@dataclass(frozen=True, slots=True)
class FileProblem:
    """A problem in a data file, with the file and line a maintainer should open."""

    file: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where}: {self.message}"


class DataError(Exception):
    """The data files are not valid; nothing was imported."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def destination_path(data_dir: Path, code: str) -> Path:
    """Where the file of destination `code` lives."""
    return data_dir / DESTINATIONS / f"{code}.toml"


def destination_files(data_dir: Path) -> list[Path]:
    """Every destination file, sorted by code."""
    return sorted((data_dir / DESTINATIONS).glob("*.toml"))


def read_destination(
    path: Path, today: dt.date | None
) -> tuple[Advisory | None, list[FileProblem]]:
    """Parse and validate one destination file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [FileProblem(path, None, f"cannot read the file: {error}")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None) or _lineno_from_message(str(error))
        return None, [FileProblem(path, line, f"not valid TOML: {error}")]
    advisory, problems = advisory_from_dict(data, today=today, expected_code=path.stem)
    return advisory, _locate(path, text, problems)


def _lineno_from_message(message: str) -> int | None:
    # Python 3.11's tomllib puts the position only in the message: "... (at line 3, column 7)".
    marker = "at line "
    if marker in message:
        digits = message.split(marker, 1)[1].split(",", 1)[0].rstrip(")")
        if digits.isdigit():
            return int(digits)
    return None


def _locate(path: Path, text: str, problems: list[Problem]) -> list[FileProblem]:
    if not problems:
        return []
    lines = key_lines(text)
    return [FileProblem(path, line_of(lines, p.path) or 1, p.message) for p in problems]


def read_all(data_dir: Path, today: dt.date | None) -> list[Advisory]:
    """Read and validate every destination file; raise DataError listing every problem."""
    advisories: list[Advisory] = []
    problems: list[FileProblem] = []
    for path in destination_files(data_dir):
        advisory, found = read_destination(path, today)
        problems.extend(found)
        if advisory is not None:
            advisories.append(advisory)
    levels_problems = read_levels_problems(data_dir)
    problems.extend(levels_problems)
    if problems:
        raise DataError(problems)
    return advisories


def review_warnings(
    data_dir: Path, advisories: list[Advisory], today: dt.date
) -> list[FileProblem]:
    """Files with curated text not reviewed for more than STALE_AFTER (at the line of
    `reviewed`) or never (at the file): warnings for maintainers, not errors."""
    warnings = []
    for advisory in advisories:
        if not advisory.has_curated_content:
            continue
        path = destination_path(data_dir, advisory.code)
        if advisory.reviewed is None:
            message = (
                "curated text with no review date: review it, then add"
                f" `reviewed = {today.isoformat()}` at the top"
            )
            warnings.append(FileProblem(path, None, message))
        elif today - advisory.reviewed > STALE_AFTER:
            age = (today - advisory.reviewed).days
            line = key_lines(path.read_text(encoding="utf-8")).get(("reviewed",))
            message = (
                f"curated text last reviewed {advisory.reviewed.isoformat()}, {age} days ago:"
                f" check it against the official advice, then set `reviewed = {today.isoformat()}`"
            )
            warnings.append(FileProblem(path, line, message))
    return warnings


SECTION_WARN_CHARS = 3000  # a section longer than this reads badly and is cut on Telegram


def size_warnings(data_dir: Path) -> list[FileProblem]:
    """Sections longer than about 3,000 characters, with their file and line (not errors: they
    are published, but Telegram shows them cut)."""
    warnings: list[FileProblem] = []
    for path in destination_files(data_dir):
        try:
            text = path.read_text(encoding="utf-8")
            sections = tomllib.loads(text).get("sections", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue  # `read_all` reports these
        if not isinstance(sections, dict):
            continue
        lines = key_lines(text)
        for name, value in sections.items():
            for lang, body in value.items() if isinstance(value, dict) else ():
                if isinstance(body, str) and len(body) > SECTION_WARN_CHARS:
                    line = line_of(lines, ("sections", name, lang))
                    message = (
                        f"section {name}.{lang} is {len(body):,} characters long (more than"
                        f" {SECTION_WARN_CHARS:,}): Telegram will show it cut; shorten it"
                    )
                    warnings.append(FileProblem(path, line, message))
    return warnings


def write_destination(data_dir: Path, advisory: Advisory) -> Path:
    """Write `advisory` to its file, atomically; return the path."""
    path = destination_path(data_dir, advisory.code)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = dumps_destination(advisory_to_dict(advisory))
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def data_fingerprint(data_dir: Path) -> str:
    """A hash of every data file's name and content: changes whenever a publish could."""
    digest = hashlib.sha256()
    for path in [data_dir / LEVELS_FILE, *destination_files(data_dir)]:
        if path.exists():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _levels_data(data_dir: Path) -> tuple[Path, str, dict[str, Any]]:
    path = data_dir / LEVELS_FILE
    text = path.read_text(encoding="utf-8")
    return path, text, tomllib.loads(text)


def read_levels_problems(data_dir: Path) -> list[FileProblem]:
    """Problems in levels.toml: every source, every level, both languages."""
    try:
        path, text, data = _levels_data(data_dir)
    except FileNotFoundError:
        return [FileProblem(data_dir / LEVELS_FILE, None, "missing file")]
    except tomllib.TOMLDecodeError as error:
        return [FileProblem(data_dir / LEVELS_FILE, _lineno_from_message(str(error)), str(error))]
    problems: list[Problem] = []
    for source in SOURCES:
        entry = data.get(source)
        if not isinstance(entry, dict):
            problems.append(Problem((), f"no level wording for source {source!r}"))
            continue
        labels = {item.get("level"): item for item in entry.get("levels", [])}
        for level in LEVELS:
            item = labels.get(level)
            if not item or not item.get("en") or not item.get("fr"):
                problems.append(
                    Problem((source, "levels"), f"{source}: level {level} needs en and fr wording")
                )
    return _locate(path, text, problems)


def read_levels(data_dir: Path) -> dict[str, SourceInfo]:
    """The official sources with their level wording, from levels.toml."""
    _, _, data = _levels_data(data_dir)
    sources = {}
    for source_id, entry in data.items():
        translated = tuple(entry.get("translated", ()))
        labels = {
            item["level"]: LevelLabel(item["level"], item["en"], item["fr"], translated)
            for item in entry["levels"]
        }
        sources[source_id] = SourceInfo(
            id=source_id,
            name=Text(entry["name"]["en"], entry["name"]["fr"]),
            country=entry["country"],
            labels=labels,
        )
    return sources
