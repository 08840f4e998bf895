"""A small element tree over the standard library's HTML parser, for the feeds whose facts sit in
HTML (Canada's regional advisories, GOV.UK's "Warnings and insurance" part)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from bot.importers.common import clean_text

_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "base", "source"}


@dataclass
class Node:
    """An element: its tag, attributes, and children (elements or text)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def children_nodes(self) -> list[Node]:
        """The child elements, text left out."""
        return [c for c in self.children if isinstance(c, Node)]

    def iter(self) -> Iterator[Node]:
        """This element and every element below it, in document order."""
        yield self
        for child in self.children_nodes():
            yield from child.iter()

    def find_all(self, tag: str) -> list[Node]:
        """Every element named `tag` below this one, in document order."""
        return [n for n in self.iter() if n.tag == tag and n is not self]

    def inner_markup(self, *, lists: bool = True) -> str:
        """What this element holds, as HTML again (attributes dropped); lists left out if not
        `lists`."""
        return "".join(
            c.markup() if isinstance(c, Node) else _escape(c)
            for c in self.children
            if lists or not (isinstance(c, Node) and c.tag in ("ul", "ol"))
        )

    def markup(self) -> str:
        """This element as HTML again (attributes dropped)."""
        inner = self.inner_markup()
        return inner if self.tag == "#root" else f"<{self.tag}>{inner}</{self.tag}>"

    def text(self, *, lists: bool = True) -> str:
        """The plain text of what this element holds (see common.clean_text)."""
        return clean_text(self.inner_markup(lists=lists))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p" and self.stack[-1].tag == "p":
            self.stack.pop()  # a <p> inside a <p> closes it (lists inside a <p> are kept there)
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return  # an end tag with no open element is ignored, as browsers do

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(markup: str) -> Node:
    """The element tree of an HTML fragment (a "#root" node holding it), tolerant of the
    unbalanced markup the feeds publish."""
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    return builder.root
