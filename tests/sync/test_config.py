"""VIGIE_SYNC_EVERY: seconds between syncs, 0 to turn the sync off, nonsense refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings


def test_sync_every_defaults_to_half_an_hour_so_a_change_reaches_phones_within_the_hour() -> None:
    assert load_settings({}).sync_every == 30 * 60
    assert load_settings({"VIGIE_SYNC_EVERY": "0"}).sync_every == 0


@pytest.mark.parametrize("value", ["often", "30", "-5"])
def test_sync_every_that_makes_no_sense_is_refused(value: str) -> None:
    with pytest.raises(ConfigError, match="VIGIE_SYNC_EVERY"):
        load_settings({"VIGIE_SYNC_EVERY": value})


def test_sync_base_url_points_every_source_at_a_mirror() -> None:
    from bot.sync import SOURCES

    settings = load_settings({"VIGIE_SYNC_BASE_URL": "http://127.0.0.1:8080/"})
    assert SOURCES["uk-fcdo"].country_url("kenya", settings.sync_base_url) == (
        "http://127.0.0.1:8080/api/content/foreign-travel-advice/kenya"
    )
    assert SOURCES["ca-gac"].country_url("TH", settings.sync_base_url) == (
        "http://127.0.0.1:8080/travel-voyage/cta-cap-th.json"
    )


def test_settings_built_in_code_never_sync_the_real_sources(tmp_path: Path) -> None:
    """Tests and benchmarks build Settings directly: no job may reach beyond loopback."""
    assert Settings(data_dir=tmp_path, db_path=tmp_path / "v.db").sync_every == 0
