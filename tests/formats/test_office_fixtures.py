"""Word and Excel files made apart from the readers, each read against what it says it holds.

tests/fixtures/office/ was made by a colleague who had not seen the readers (its README says
how): each file with `<file>.expected.json` describing, field by field, what a correct reader
must give. This test holds every reader to every one of them.
"""

import json
from decimal import Decimal
from pathlib import Path
from unicodedata import normalize

import pytest

from app.domain.document import MalformedDocument
from app.formats import detect
from app.formats.detect import read_file
from app.formats.narrative import unescape

FOLDER = Path(__file__).parent.parent / "fixtures" / "office"
EXPECTED = sorted(FOLDER.glob("*.expected.json"))
HOSTILE = sorted((FOLDER / "hostile").glob("*.expected.json"))
LEGACY = (".doc", ".xls")


def _clean(text):
    return normalize("NFKC", (text or "").replace("\u3000", " ")).strip()


def _decimal(text):
    return None if text is None else Decimal(text)


def _check(document, expected):
    assert (document.department_code, document.department_name) == (
        expected["department_code"],
        expected["department_name"],
    )
    assert document.inferred_year() == expected["year"]
    goal = unescape(document.overall_goal)
    for words in expected.get("overall_goal_contains") or []:
        assert words in goal
    if expected.get("safeguards_items"):
        measures = [
            unescape(line.split(". ", 1)[1])
            for line in document.safeguards.split("\n")
            if ". " in line[:5]
        ]
        assert [_clean(m) for m in measures] == [_clean(m) for m in expected["safeguards_items"]]
    summaries = {s.name: unescape(s.markdown) for s in document.summaries}
    assert len(document.projects) == len(expected["projects"])
    for project, wanted in zip(document.projects, expected["projects"], strict=True):
        assert (project.code, _clean(project.name), _clean(project.goal)) == (
            wanted["code"],
            _clean(wanted["name"]),
            _clean(wanted["goal"]),
        )
        if wanted.get("funds_use") is not None:
            assert _clean(project.funds_use) == _clean(wanted["funds_use"])
        money = (project.budget, project.fiscal_funds, project.other_funds)
        assert money == tuple(
            _decimal(wanted[f]) for f in ("budget", "fiscal_funds", "other_funds")
        )
        if wanted.get("plan_quarters") is not None:
            assert project.plan_quarters == [_decimal(q) for q in wanted["plan_quarters"]]
        rows = [
            (_clean(i.level1), _clean(i.level2), _clean(i.name), _clean(i.description), _clean(i.target), _clean(i.basis))
            for i in project.indicators
        ]  # fmt: skip
        assert rows == [
            (_clean(i["level1"]), _clean(i["level2"]), _clean(i["name"]), _clean(i.get("description")), _clean(i["target"]), _clean(i["basis"]))
            for i in wanted["indicators"]
        ]  # fmt: skip
        filled = {(i.level1, i.level2) for i in project.indicators}
        slots = {(_clean(s.level1), _clean(s.level2)) for s in project.slots} - filled
        assert {tuple(map(_clean, pair)) for pair in wanted.get("empty_slots") or []} <= slots
        summary = summaries.get(project.name, "")
        for words in wanted.get("summary_contains") or []:
            assert words in summary


@pytest.mark.parametrize(
    "path", EXPECTED, ids=[p.name.removesuffix(".expected.json") for p in EXPECTED]
)
def test_each_file_reads_as_it_says(path):
    name = path.name.removesuffix(".expected.json")
    if name.endswith(LEGACY) and detect.converter() is None:
        pytest.skip("LibreOffice is not on this machine: the legacy file is refused instead")
    document = read_file((FOLDER / name).read_bytes(), name)
    _check(document, json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "path", HOSTILE, ids=[p.name.removesuffix(".expected.json") for p in HOSTILE]
)
def test_each_hostile_file_is_refused_or_read_as_text(path):
    name = path.name.removesuffix(".expected.json")
    expected = json.loads(path.read_text(encoding="utf-8"))
    data = (FOLDER / "hostile" / name).read_bytes()
    if expected.get("outcome") == "refuse":
        with pytest.raises(MalformedDocument):
            read_file(data, name)
    else:
        _check(read_file(data, name), expected)
