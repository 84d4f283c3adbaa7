"""What every benchmark reports: figures printed as a table, and written as JSON for `make bench`.

A script builds a list of `Figure`s (what was measured, its value and unit, the bare stack's
figure in the same run where one exists, the target) and hands them to `report`, which prints
them and, given `--json FILE`, writes them there. `make bench` runs every script with `--json`
and prints one table of all of them.

    parser = argparse.ArgumentParser(...)
    add_json_option(parser)
    ...
    report("cell_saves", figures, args.json)
"""

import json
from dataclasses import asdict, dataclass


@dataclass
class Figure:
    """One measured figure. `ceiling` is the bare Flask + Peewee app's figure for the same work
    in the same run (bench/ceiling_app.py), or None; `target` says what is asked of it, in
    words ("≥ 60 % of the ceiling", "≤ 150 ms"); `met` whether it is (None: no target)."""

    name: str
    value: float
    unit: str
    ceiling: float | None = None
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self):
        """value / ceiling, or None without a ceiling."""
        if self.ceiling in (None, 0):
            return None
        return self.value / self.ceiling


def add_json_option(parser):
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")


def _number(value):
    if value is None:
        return ""
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"


def table(figures):
    """The figures as a plain-text table, one line each."""
    head = ("figure", "value", "unit", "ceiling", "ratio", "target", "met")
    rows = [
        (
            f.name,
            _number(f.value),
            f.unit,
            _number(f.ceiling),
            "" if f.ratio is None else f"{f.ratio:.2f}",
            f.target,
            {True: "yes", False: "NO", None: ""}[f.met],
        )
        for f in figures
    ]
    widths = [max(_width(row[i]) for row in (head, *rows)) for i in range(len(head))]
    lines = []
    for row in (head, *rows):
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _width(text):
    """Columns a text takes in a terminal: a CJK character takes two."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def report(script, figures, json_path=None):
    """Print the figures of `script`; write them to `json_path` as JSON when given."""
    print(table(figures))
    if json_path:
        with open(json_path, "w", encoding="utf-8") as out:
            json.dump(
                {"script": script, "figures": [asdict(f) for f in figures]},
                out,
                ensure_ascii=False,
                indent=1,
            )


def load(json_path):
    """The script name and figures a `report` wrote."""
    with open(json_path, encoding="utf-8") as source:
        data = json.load(source)
    return data["script"], [Figure(**f) for f in data["figures"]]
