"""Reads a table of a rendered page into rows of cells, so tests can check merges and slots."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


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

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
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
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.cell.text = self.cell.text.strip()
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.text += data


def table_rows(html, table_id):
    """The rows of the table with `id=table_id` in `html` (a str or bytes page)."""
    parser = _TableParser(table_id)
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    assert parser.rows, f"no table #{table_id} on the page"
    return parser.rows
