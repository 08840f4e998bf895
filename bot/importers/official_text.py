"""A government's HTML as the plain text Vigie keeps (OfficialSection.text): headings as "## "
lines, paragraphs separated by a blank line, list items as "- " lines, links' words without their
addresses, entities decoded, whitespace tidied, no word glued to the next. Tolerant of anything a
feed holds (stray or broken tags, scripts, double-escaped entities, very long parts): it never
raises."""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

# Past this, a part is cut at a paragraph: no government page comes near it (GOV.UK's longest run
# to about 25,000 characters), and the database need not hold a runaway feed.
MAX_CHARS = 60_000

_SKIPPED = {"script", "style", "noscript", "template", "iframe", "object", "svg", "head", "title"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {
    *("p", "div", "section", "article", "header", "footer", "aside", "nav", "main"),
    *("blockquote", "pre", "address", "figure", "figcaption", "details", "summary"),
    *("ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "caption"),
    *("hr", "form", "fieldset", "center"),
}
_CELLS = {"td", "th"}
# Spaces that are not " " (no-break, thin, ideographic …) and characters that show nothing.
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\r\f\v]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_STRAY_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]{0,300})?/?>")


class _Builder(HTMLParser):
    """Collects (kind, text) blocks: kind is "para", "heading" or "item"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.buffer: list[str] = []
        self.skipping: list[str] = []
        self.contexts: list[str] = []  # open headings and list items, innermost last
        self.opened_at: list[int] = []  # how many blocks there were when each context opened
        self.size = 0

    # --- the parser's callbacks ---------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.append(tag)
            return
        if tag in _SKIPPED:
            self.skipping.append(tag)
        elif tag == "br":
            self.buffer.append("\n")
        elif tag in _HEADINGS:
            self.flush()
            self._open("heading")
        elif tag == "li":
            self.flush()
            self._open("item")
        elif tag in _CELLS:
            if "".join(self.buffer).strip():
                self.buffer.append(" – ")
        elif tag in _BLOCKS:
            if self.contexts and self.contexts[-1] == "heading" and self._heading_has_text():
                self.flush()
                self._close("heading")  # "<h2>Title<p>text": the heading was never closed
            self.flush()
        elif tag == "img":
            alt = dict(attrs).get("alt") or ""
            if alt.strip():
                self.buffer.append(f" {alt} ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in ("br", "img") or tag in _BLOCKS:
            self.handle_starttag(tag, attrs)
            if tag in _BLOCKS:
                self.flush()

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in _HEADINGS:
            self.flush()
            self._close("heading")
        elif tag == "li":
            self.flush()
            self._close("item")
        elif tag in ("ul", "ol"):
            self.flush()
            while self.contexts and self.contexts[-1] == "item":
                self._close("item")  # items left open by the feed end with their list
        elif tag in _BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.buffer.append(data)

    # --- building ------------------------------------------------------------------------------

    def _open(self, kind: str) -> None:
        self.contexts.append(kind)
        self.opened_at.append(len(self.blocks))

    def _close(self, kind: str) -> None:
        if kind in self.contexts:
            at = len(self.contexts) - 1 - self.contexts[::-1].index(kind)
            del self.contexts[at:]
            del self.opened_at[at:]

    def _heading_has_text(self) -> bool:
        """Whether the open heading already read words ("<h3><p>Title</p></h3>" has not yet)."""
        return bool("".join(self.buffer).strip()) or len(self.blocks) > self.opened_at[-1]

    def flush(self) -> None:
        """End the block being read: its text becomes a paragraph, heading or list item."""
        raw = "".join(self.buffer)
        self.buffer = []
        if not raw.strip() or self.size > MAX_CHARS:
            return
        kind = next((c for c in reversed(self.contexts)), "para")
        lines = [_tidy(line) for line in _decode(raw).split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            return
        text = "\n".join(lines) if kind == "para" else " ".join(lines)
        if kind == "heading":
            text = text.strip(" #:")
            if not text:
                return
        self.blocks.append((kind, text))
        self.size += len(text)


def _decode(text: str) -> str:
    """Entities a feed escaped twice ("&amp;rsquo;"), then any markup that was escaped as text."""
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _STRAY_TAG.sub(" ", text)
    return text


def _tidy(line: str) -> str:
    line = _INVISIBLE.sub("", line)
    line = _CONTROL.sub(" ", _SPACES.sub(" ", line))
    line = unicodedata.normalize("NFC", line)
    return re.sub(r" {2,}", " ", line).strip()


def _join(blocks: list[tuple[str, str]]) -> str:
    out: list[str] = []
    previous = ""
    for kind, text in blocks:
        if kind == "heading":
            line = f"## {text}"
        elif kind == "item":
            line = f"- {text}"
        else:
            line = text
        if out:
            out.append("\n" if kind == "item" and previous == "item" else "\n\n")
        out.append(line)
        previous = kind
    return "".join(out)


def _cut(text: str, limit: int = MAX_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = cut.rfind("\n\n")
    return cut[:end] if end > limit // 2 else cut.rsplit(" ", 1)[0] + "…"


def _fallback(markup: str) -> str:
    """Only if the parser itself failed: every tag removed, paragraphs kept."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", markup)
    text = re.sub(r"(?i)<br\s*/?>|</?(?:p|div|li|h[1-6]|ul|ol|tr)\b[^>]*>", "\n", text)
    text = _decode(re.sub(r"<[^>]*>", "", text))
    paragraphs = [_tidy(p) for p in re.split(r"\n+", text)]
    return "\n\n".join(p for p in paragraphs if p)


def html_to_text(markup: object) -> str:
    """The plain text of a feed's HTML (see the module's docstring); "" for nothing usable."""
    if not isinstance(markup, str) or not markup.strip():
        return ""
    try:
        if "<" not in markup and "&lt;" in markup:
            markup = html.unescape(markup)  # markup escaped as text: read its tags
        builder = _Builder()
        builder.feed(markup)
        builder.close()
        builder.flush()
        text = _join(builder.blocks)
    except Exception:  # the standard parser is lenient; this is for what it still chokes on
        try:
            text = _fallback(markup)
        except Exception:
            return ""
    return _cut(text)


def paragraphs(text: str) -> list[str]:
    """The blocks of a plain text made by `html_to_text` (a list's items stay together)."""
    return [block for block in text.split("\n\n") if block.strip()]
