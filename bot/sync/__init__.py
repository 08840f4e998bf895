"""Keeping the official advice current: fetch every government's feed, apply what is newer to
the published advisories, and let the publish machinery push the changes."""

from bot.sync.run import SyncReport, run_sync
from bot.sync.sources import SOURCES

__all__ = ["SOURCES", "SyncReport", "run_sync"]
