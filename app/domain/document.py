"""A budget performance document as read from a file, before it touches the database.

Every reader (the text layout today; Word and Excel later) produces a `Document`; `importing`
writes one into the database. Line numbers ride along so that reports can point into the file.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

# The budget years a plan may have.
FIRST_YEAR, LAST_YEAR = 2000, 2099


def placed(where, message):
    """A message with where it applies: a line of a text file (`第12行：`), a place in a Word or
    Excel file (`工作表“科普”第3行C列：`), or nowhere."""
    if not where:
        return message
    return f"第{where}行：{message}" if isinstance(where, int) else f"{where}：{message}"


class MalformedDocument(ValueError):
    """The file cannot be read as a budget performance document; nothing is imported.

    `line` is where: a line number of a text file, or a place in a Word or Excel file."""

    def __init__(self, line, message):
        self.line = line
        self.message = message
        super().__init__(placed(line, message))


@dataclass
class Notice:
    """Something the reader accepted but the user should know about, and where."""

    line: int | str
    message: str

    def __str__(self):
        return placed(self.line, self.message)


@dataclass
class IndicatorData:
    level1: str  # the document's wording, e.g. 效果指标
    level2: str
    name: str
    description: str
    target: str
    basis: str
    line: int | str
    identity: str = ""  # the stored indicator an exported file says this row is (rename-proof)
    target_parts: str = ""  # what the 指标值 says, as stored (Target.parts); '' read from a file


@dataclass
class SlotData:
    """A (一级, 二级) cell pair of the table, in document order, whether or not it holds indicators."""

    level1: str
    level2: str
    line: int


@dataclass
class ProjectData:
    code: str
    name: str
    line: int
    funds_use: str = ""
    budget: Decimal | None = None
    fiscal_funds: Decimal | None = None
    other_funds: Decimal | None = None
    plan_quarters: list = field(default_factory=lambda: [None, None, None, None])
    goal: str = ""
    summary: str = ""
    slots: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    lines: dict = field(default_factory=dict)  # field → line of its value in the file
    continuing: bool = False  # 延续: carried over from last year's plan (a stored plan says so)


@dataclass
class SummaryData:
    """One project's part of 分项绩效目标 (Markdown), named as the narrative names it."""

    name: str
    markdown: str
    line: int


@dataclass
class Document:
    department_code: str
    department_name: str
    title: str = ""
    overall_goal: str = ""
    safeguards: str = ""
    summaries: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    notices: list = field(default_factory=list)

    @property
    def has_narrative(self):
        """Whether the file has a narrative part at all (an Excel file of tables may not)."""
        return bool(self.overall_goal.strip() or self.safeguards.strip() or self.summaries)

    def inferred_year(self):
        """The budget year the document is about, or None when nothing in it says.

        A year in the title wins. Otherwise the tables vote: the `yy` of every project code of
        the seed's pattern and every `20xx年` in an indicator. The narrative does not vote, as
        it is the part most often copied from last year (the seed's says 2020).
        """
        titled = re.search(r"(20\d{2})\s*年", self.title)
        if titled:
            return int(titled.group(1))
        votes = Counter()
        for project in self.projects:
            coded = re.match(r"^\d{6}B(\d{2})", project.code)
            if coded:
                votes[2000 + int(coded.group(1))] += 1
            for indicator in project.indicators:
                text = " ".join((indicator.name, indicator.description, indicator.target))
                for year in re.findall(r"(20\d{2})\s*年", text):
                    votes[int(year)] += 1
        if not votes:
            return None
        return max(votes, key=lambda year: (votes[year], year))
