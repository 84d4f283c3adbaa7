"""指标值 read as offices write them (DESIGN.md §6): `tests/fixtures/targets.tsv` holds real
targets from published 绩效目标表, each with the parts a reader of the form sees in it."""

import csv
import json
from pathlib import Path

import pytest

from app.domain.targets import Target, parse

TABLE = Path(__file__).parent.parent / "fixtures" / "targets.tsv"
YEAR = 2022  # the plan's year, for deadlines that do not write theirs


def _rows():
    with TABLE.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))


def _expected(row):
    return {
        "raw": row["raw"],
        "comparator": row["comparator"] or None,
        "number": row["number"] or None,
        "unit": row["unit"],
        "date": row["date"] or None,
        "qualitative": row["qualitative"] == "true",
    }


def test_the_table_holds_enough_real_targets_from_enough_places():
    rows = _rows()
    assert len(rows) >= 80
    assert len({row["source"].split("/")[2] for row in rows if "://" in row["source"]}) >= 8


@pytest.mark.parametrize("row", _rows(), ids=lambda row: row["raw"])
def test_a_published_target_reads_as_its_parts(row):
    assert parse(row["raw"], YEAR).as_json() == _expected(row)


@pytest.mark.parametrize(
    "raw,hint",
    [
        ("≥90%", "≥ 90 %"),
        ("90%-95%", "≥ 90 %，≤ 95 %"),
        ("≥95%且≤100%", "≥ 95 %，≤ 100 %"),
        ("2021年12月底之前", "≤ 2021-12-31"),
        ("20万人次", "= 20 万人次"),
        ("提高了群众的科学素质", ""),
    ],
)
def test_the_hint_under_a_cell_says_the_parts(raw, hint):
    assert parse(raw, YEAR).hint() == hint


def test_a_deadline_without_its_year_takes_the_plans_or_stays_words():
    assert parse("年底前", 2023).date.isoformat() == "2023-12-31"
    assert parse("第三季度", 2023).date.isoformat() == "2023-09-30"
    assert parse("12月31日前").qualitative  # no year to read it with
    assert parse("2月30日前", 2023).qualitative  # no such day


def test_the_text_is_kept_exactly_as_typed():
    raw = " ＞＝９０％（上年８８％） "
    target = parse(raw, YEAR)
    assert target.raw == raw
    assert (target.comparator, str(target.number), target.unit) == ("≥", "90", "%")


def test_flask_targets_prints_one_json_object_a_line(app):
    lines = "≥90%\n\n2022年11月底前\n显著提升\n"
    result = app.test_cli_runner().invoke(args=["targets", "--year", "2022"], input=lines)
    assert result.exit_code == 0
    assert [json.loads(line) for line in result.output.splitlines()] == [
        {"raw": "≥90%", "comparator": "≥", "number": "90", "unit": "%", "date": None,
         "qualitative": False},
        {"raw": "2022年11月底前", "comparator": "≤", "number": None, "unit": "",
         "date": "2022-11-30", "qualitative": False},
        {"raw": "显著提升", "comparator": None, "number": None, "unit": "", "date": None,
         "qualitative": True},
    ]  # fmt: skip


@pytest.mark.parametrize(
    "raw,comparator,number,unit,date",
    [
        ("十二个月", "=", "12", "个月", None),
        ("两次", "=", "2", "次", None),
        ("不少于10场", "≥", "10", "场", None),
        ("至少3次", "≥", "3", "次", None),
        ("不超过50万元", "≤", "50", "万元", None),
        ("控制在50万元以内", "≤", "50", "万元", None),
        ("人次不少于1000", "≥", "1000", "人次", None),
        ("90%~95%", "≥", "90", "%", None),
        ("≥95%且≤100%", "≥", "95", "%", None),
        ("＞＝９０％", "≥", "90", "%", None),
        ("=>85%", "≥", "85", "%", None),
        ("第三季度", "≤", None, "", "2022-09-30"),
        ("上半年", "≤", None, "", "2022-06-30"),
        ("年底前", "≤", None, "", "2022-12-31"),
        ("2022-06-30", "=", None, "", "2022-06-30"),
        ("3年内", "≤", "3", "年", None),  # a duration, not a date
    ],
)
def test_the_shapes_the_design_names(raw, comparator, number, unit, date):
    parts = parse(raw, YEAR).as_json()
    assert (parts["comparator"], parts["number"], parts["unit"], parts["date"]) == (
        comparator, number, unit, date,
    )  # fmt: skip


def test_the_parts_stored_beside_a_target_read_back_as_the_same_target():
    for row in _rows():
        target = parse(row["raw"], YEAR)
        assert Target.from_parts(row["raw"], target.parts()) == target, row["raw"]
    assert parse("提高群众科学素质", YEAR).parts() == "[]"
    assert parse("≥90%且≤100%", YEAR).parts() == '[["≥","90","%",null],["≤","100","%",null]]'
