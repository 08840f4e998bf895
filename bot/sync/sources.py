"""The official sources the sync fetches: the registry's (bot.importers), by id."""

from __future__ import annotations

from bot.importers import OfficialSource, rebase, synced_sources

Source = OfficialSource
SOURCES: dict[str, OfficialSource] = synced_sources()

__all__ = ["SOURCES", "Source", "rebase"]
