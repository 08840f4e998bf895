"""Settings from the environment (and a .env file), read once at start."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (comments and blank lines ignored)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


# Every 30 minutes: an official change reaches subscribers within the hour (half an hour of
# waiting at worst, the sync's few minutes, the pushes), and an unchanged sync costs four
# conditional requests (four 304s), 192 a day for all four governments.
SYNC_EVERY = 30 * 60


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything Vigie reads from its environment."""

    data_dir: Path
    db_path: Path
    token: str = ""
    base_url: str = ""
    maintainers: frozenset[int] = field(default_factory=frozenset)
    webhook_secret: str = ""
    push_rate: float = 29.5  # messages/second overall (Telegram: ~30; up to 1000 paid)
    push_chat_rate: float = 1.0  # messages/second to one chat
    digest_hour: int = 8  # UTC hour of the daily digest
    # Seconds between syncs of the official sources; 0: no sync. load_settings() gives SYNC_EVERY
    # when VIGIE_SYNC_EVERY is unset; Settings built in code (tests, benchmarks) never reach out.
    sync_every: int = 0
    sync_base_url: str = ""  # fetch every source from this server instead (same paths)
    sync_contact: str = ""  # a URL or address the sources can reach the operator at
    sync_retry_wait: float = 2.0  # seconds before the first retry of a failed fetch (doubling)
    # Level-change pushes carry the country's map. load_settings() turns it on unless
    # VIGIE_PUSH_MAPS=0; Settings built in code (tests, benchmarks) push text, as before.
    push_maps: bool = False


class ConfigError(Exception):
    """A setting is present but wrong; the message says which and how to fix it."""


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Settings from `env` (default: the process environment over the project's .env)."""
    if env is None:
        env = {**_read_dotenv(Path.cwd() / ".env"), **os.environ}
    data_dir = Path(env.get("VIGIE_DATA_DIR") or PROJECT_ROOT / "data")
    db_path = Path(env.get("VIGIE_DB") or data_dir / "vigie.db")
    maintainers: set[int] = set()
    for part in (env.get("VIGIE_MAINTAINERS") or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise ConfigError(
                f"VIGIE_MAINTAINERS must list Telegram user ids separated by commas, not {part!r}"
            )
        maintainers.add(int(part))
    try:
        push_rate = float(env.get("VIGIE_PUSH_RATE") or 29.5)
        push_chat_rate = float(env.get("VIGIE_PUSH_CHAT_RATE") or 1.0)
        digest_hour = int(env.get("VIGIE_DIGEST_HOUR") or 8)
        sync_every = int(env.get("VIGIE_SYNC_EVERY") or SYNC_EVERY)
    except ValueError as error:
        raise ConfigError(
            f"VIGIE_PUSH_RATE, VIGIE_PUSH_CHAT_RATE, VIGIE_DIGEST_HOUR, VIGIE_SYNC_EVERY: {error}"
        ) from error
    if sync_every != 0 and sync_every < 60:
        raise ConfigError("VIGIE_SYNC_EVERY is in seconds: 0 (no sync) or at least 60")
    if not (0 < push_rate <= 1000 and 0 < push_chat_rate <= 30 and 0 <= digest_hour <= 23):
        raise ConfigError(
            "VIGIE_PUSH_RATE must be in (0, 1000], VIGIE_PUSH_CHAT_RATE in (0, 30],"
            " VIGIE_DIGEST_HOUR in 0..23"
        )
    return Settings(
        data_dir=data_dir,
        db_path=db_path,
        token=(env.get("TELEGRAM_BOT_TOKEN") or "").strip(),
        base_url=(env.get("TELEGRAM_BASE_URL") or "").strip(),
        maintainers=frozenset(maintainers),
        webhook_secret=(env.get("VIGIE_WEBHOOK_SECRET") or "").strip(),
        push_rate=push_rate,
        push_chat_rate=push_chat_rate,
        digest_hour=digest_hour,
        sync_every=sync_every,
        sync_base_url=(env.get("VIGIE_SYNC_BASE_URL") or "").strip().rstrip("/"),
        sync_contact=(env.get("VIGIE_SYNC_CONTACT") or "").strip(),
        push_maps=(env.get("VIGIE_PUSH_MAPS") or "1").strip() != "0",
    )
