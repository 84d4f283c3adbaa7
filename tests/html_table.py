"""Reads a table of a rendered page into rows of cells, so tests can check merges and slots.

It reads what prints: elements marked `screen-only` (row menus, add buttons) are left out.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Cell:
    tag: str
    attrs: dict
    text: str = ""

    @property
    def rowspan(self):
        return int(self.attrs.get("rowspan", 1))

    @property
    def classes(self):
        return set(self.attrs.get("class", "").split())


@dataclass
class Row:
    attrs: dict
    cells: list = field(default_factory=list)

    @property
    def texts(self):
        return [cell.text for cell in self.cells]


class _TableParser(HTMLParser):
    def __init__(self, table_id):
        super().__init__()
        self.table_id = table_id
        self.depth = 0  # >0 while inside the wanted table
        self.rows = []
        self.cell = None
        self.hidden = []  # open tags, True for those inside a screen-only element

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag not in VOID:
            hidden = "screen-only" in attrs.get("class", "").split()
            self.hidden.append(hidden or (bool(self.hidden) and self.hidden[-1]))
        if self.hidden and self.hidden[-1]:
            return
        if tag == "table":
            if self.depth or attrs.get("id") == self.table_id:
                self.depth += 1
        elif self.depth == 1 and tag == "tr":
            self.rows.append(Row(attrs))
        elif self.depth == 1 and tag in ("td", "th"):
            self.cell = Cell(tag, attrs)
            self.rows[-1].cells.append(self.cell)
        elif self.cell is not None and tag == "br":
            self.cell.text += "\n"

    def handle_endtag(self, tag):
        if tag not in VOID and self.hidden:
            was_hidden = self.hidden.pop()
            if was_hidden:
                return
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.cell.text = self.cell.text.strip()
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None and not (self.hidden and self.hidden[-1]):
            self.cell.text += data


def table_rows(html, table_id):
    """The rows of the table with `id=table_id` in `html` (a str or bytes page), as the screen
    shows them: a row only printed (the project's name over every printed page) is left out."""
    parser = _TableParser(table_id)
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    assert parser.rows, f"no table #{table_id} on the page"
    return [row for row in parser.rows if "print-only" not in row.attrs.get("class", "").split()]
