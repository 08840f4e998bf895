"""Telegram HTML primitives shared by every renderer: escaping, links, flags. Pure."""

from __future__ import annotations

import html


def esc(text: str) -> str:
    """Escape text for Telegram's HTML parse mode."""
    return html.escape(text, quote=True)


def link(url: str, label: str) -> str:
    """An HTML link (only http(s) URLs become links)."""
    if not url.startswith(("https://", "http://")):
        return esc(label)
    return f'<a href="{esc(url)}">{esc(label)}</a>'


def flag(code: str) -> str:
    """The flag emoji of an ISO code (a white flag where there is none, e.g. Kosovo's XK)."""
    if len(code) != 2 or not code.isalpha() or code == "XK":
        return "🏳"
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code.upper())
