"""Every review rule of DESIGN.md §7: a plan that trips it and one that does not; the seed
reports V07 and V11 and no error."""

import copy
import json
from decimal import Decimal as D

import pytest

from app.checks.rules import RULES, check
from app.domain.document import Document, IndicatorData, ProjectData, SummaryData
from app.formats.text import read
from app.models import Project
from app.services.setup import DEMO_FILE

YEAR = 2022


def _indicator(level1, level2, name, target, basis="计划标准"):
    return IndicatorData(level1, level2, name, name, target, basis, line=0)


def _clean():
    """A plan a reviewer would pass: every rule quiet."""
    project = ProjectData(
        code="405002B22DX0001",
        name="科普活动",
        line=0,
        budget=D(100),
        fiscal_funds=D(80),
        other_funds=D(20),
        plan_quarters=[D(25), D(50), D(75), D(100)],
        goal="2022年举办科普活动。",
        indicators=[
            _indicator("产出指标", "数量指标", "活动场次", "≥10场"),
            _indicator("产出指标", "质量指标", "活动合格率", "≥95%"),
            _indicator("产出指标", "时效指标", "完成时间", "2022年12月底前"),
            _indicator("产出指标", "成本指标", "活动成本", "≤100万元"),
            _indicator("效益指标", "社会效益指标", "参与人次", "≥5000人次"),
            _indicator("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
        ],
    )
    return Document(
        department_code="405002",
        department_name="唐山市科学技术协会",
        summaries=[SummaryData("科普活动", "举办科普活动。", 0)],
        projects=[project],
    )


def _findings(document, layout="classic"):
    return [(f.rule, f.severity) for f in check(document, YEAR, layout)]


def _indicators(document):
    return document.projects[0].indicators


def _set(index, **values):
    def change(document):
        for name, value in values.items():
            setattr(_indicators(document)[index], name, value)

    return change


def _project(**values):
    def change(document):
        for name, value in values.items():
            setattr(document.projects[0], name, value)

    return change


def _drop(*names):
    def change(document):
        document.projects[0].indicators = [i for i in _indicators(document) if i.name not in names]

    return change


def _add(*indicators):
    def change(document):
        _indicators(document).extend(indicators)

    return change


def _second_project(document):
    document.projects.append(copy.deepcopy(document.projects[0]))


TRIPS = {
    "S01": _set(0, level2="进度控制指标"),
    "S02": _drop("参与人次"),
    "S03": _drop("群众满意度"),
    "S04": _drop("活动合格率"),
    "S05": _drop("活动成本"),
    "S07": _set(0, name="长" * 101),
    "S08": _set(0, target="**"),
    "S09": _set(0, target="≥10"),
    "S11": _set(0, basis=""),
    "S12": _add(_indicator("产出指标", "数量指标", "活动场次", "≥12场")),
    "V01": _set(0, target="≥ 场"),
    "V02": _set(1, target="≥105%"),
    "V04": _set(2, target="2023年3月底前"),
    "V05": _set(3, target="≤120万元"),
    "V06": _set(3, target="≥50万元"),
    "V07": _set(3, name="预算资金执行率"),
    "V11": _project(goal="2021年举办科普活动。"),
    "F01": _project(other_funds=D(30)),
    "F02": _project(plan_quarters=[D(50), D(40), D(75), D(100)]),
    "F03": _set(2, target="2022年6月底前"),
    "F04": _project(budget=D(150000), fiscal_funds=D(150000), other_funds=D(0)),
    "C01": _project(code="405002-2022-01"),
    "C02": _second_project,
    "C03": _project(code="405002B21DX0001", continuing=True),
    "N01": _project(name="科普进社区"),
}


def test_a_clean_plan_trips_no_rule():
    assert _findings(_clean()) == []


def test_every_rule_of_the_design_has_a_case():
    assert sorted(TRIPS) == sorted(rule_id for rule_id, _, _ in RULES)


@pytest.mark.parametrize("rule_id", sorted(TRIPS))
def test_a_plan_that_trips_the_rule_is_reported_by_it(rule_id):
    document = _clean()
    TRIPS[rule_id](document)
    found = {rule for rule, _ in _findings(document)}
    assert rule_id in found


def test_the_2021_layout_has_its_own_pairs_and_its_cost_level():
    document = _clean()
    for indicator in _indicators(document):
        if indicator.level2 == "成本指标":
            indicator.level1, indicator.level2 = "成本指标", "经济成本指标"
    assert _findings(document, "2021") == []
    assert ("S01", "E") in _findings(document, "classic")


def test_a_finding_says_where_and_what():
    document = _clean()
    _set(1, target="≥105%")(document)
    [finding] = check(document, YEAR, "classic")
    assert finding.as_json() == {
        "rule": "V02",
        "severity": "E",
        "project": "405002B22DX0001",
        "indicator": "活动合格率",
        "field": "target",
        "message": "比率“≥105%”应在 0% 到 100% 之间",
    }
    assert (finding.project_index, finding.indicator_index) == (0, 1)


@pytest.mark.parametrize(
    ("money", "message"),
    [
        ((D("100000.01"), D("100000.01"), D(0)), "预算数 100000.01 万元、财政资金 100000.01 万元"),
        ((D(120000), D(0), D(120000)), "预算数 120000 万元、其他资金 120000 万元"),
        ((D(100000), D(100000), D(0)), None),  # 10亿元 itself is a (large) budget
        ((D(99999), D(99999), None), None),
    ],
)
def test_money_beyond_a_billion_is_a_warning_about_the_unit(money, message):
    document = _clean()
    _project(**dict(zip(("budget", "fiscal_funds", "other_funds"), money, strict=True)))(document)
    found = [f for f in check(document, YEAR, "classic") if f.rule == "F04"]
    if message is None:
        assert found == []
    else:
        [finding] = found
        assert finding.severity == "W" and finding.field == "budget"
        assert finding.message == f"{message}超过10亿元，请核对单位是否为万元"


def test_one_projects_check_is_what_the_whole_plans_says_about_it():
    """What a cell save shows: the findings about one project, those comparing it with the
    others (C02, N01) included; the plan's own (a summary without its project) left out."""
    document = _clean()
    _second_project(document)  # the same code twice: C02 at both
    document.projects[1].name = "科普进社区"  # N01: not in 分项绩效目标
    _set(1, target="≥105%")(document)  # V02 at the first
    document.summaries.append(SummaryData("科普讲座", "", 0))  # N01 of the plan
    whole = check(document, YEAR, "classic")
    assert {f.rule for f in whole if f.project_index is None} == {"N01"}
    for index, rules in ((0, ["V02", "C02"]), (1, ["C02", "N01"])):
        one = check(document, YEAR, "classic", only=index)
        assert one == [f for f in whole if f.project_index == index]
        assert [f.rule for f in one] == rules


def test_the_seed_reports_v07_and_v11_and_no_error():
    found = check(read(DEMO_FILE.read_bytes()), 2021)
    assert sorted({f.rule for f in found}) == ["V07", "V11"]
    assert not [f for f in found if f.severity == "E"]


def test_flask_check_prints_the_findings_and_fails_on_an_error(app, seeded):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["check", "--department", "405002", "--year", "2021", "--format", "json"]
    )
    assert result.exit_code == 0
    assert sorted({f["rule"] for f in json.loads(result.output)}) == ["V07", "V11"]
    with app.app_context():
        Project.update(other_funds=D(1)).where(Project.code == "405002B19DX0002").execute()
    result = runner.invoke(args=["check", "--all"])
    assert result.exit_code == 1
    assert "F01 E 405002B19DX0002" in result.output


def _narrative(**values):
    def change(document):
        for name, value in values.items():
            setattr(document, name, value)

    return change


def _summary(markdown):
    def change(document):
        document.summaries[0].markdown = markdown

    return change


@pytest.mark.parametrize(
    "change,field,indicator,label",
    [
        (_narrative(overall_goal="2021年，市科协将……"), "overall_goal", None, "部门总体绩效目标"),
        (_narrative(safeguards="1、落实2021年工作计划"), "safeguards", None, "保障措施"),
        (_summary("2021年举办科普活动。"), "summary", None, "分项绩效目标“科普活动”"),
        (_project(funds_use="2021年安排科普经费"), "funds_use", None, "项目资金主要用途"),
        (_project(goal="2021年举办科普活动。"), "goal", None, "绩效目标"),
        (_set(0, name="2021年活动场次"), "name", "2021年活动场次", "三级指标名称"),
        (_set(0, description="2021年举办的活动"), "description", "活动场次", "绩效指标描述"),
        (_set(4, target="≥2021年的5000人次"), "target", "参与人次", "指标值"),
    ],
    ids=[
        "overall_goal",
        "safeguards",
        "summary",
        "funds_use",
        "goal",
        "name",
        "description",
        "target",
    ],
)
def test_a_year_left_from_last_year_is_flagged_in_every_copied_text(
    change, field, indicator, label
):
    """V11 reads every text a copy of last year's plan carries: the narrative, the project's
    texts and each indicator's, and says which field names which year."""
    document = _clean()
    change(document)
    [finding] = [f for f in check(document, YEAR, "classic") if f.rule == "V11"]
    assert (finding.field, finding.indicator) == (field, indicator)
    assert finding.message == f"{label}中写的是2021年，预算年度是 2022 年，请核对"
    assert finding.project == (
        None if field in ("overall_goal", "safeguards") else "405002B22DX0001"
    )


@pytest.mark.parametrize(
    "code,continuing,message",
    [
        (
            "405002B21DX0001",
            True,
            "项目编码“405002B21DX0001”中的年份是2021年（随上年度的计划复制而来），"
            "预算年度是 2022 年：请核对本年度的项目编码",
        ),
        (
            "405002B23DX0001",
            False,
            "项目编码“405002B23DX0001”中的年份是2023年，晚于预算年度 2022 年，请核对",
        ),
        ("405002B21DX0001", False, None),  # set up in 2021 and still running: the seed's B19
        ("405002B22DX0001", True, None),
        ("405002-21-0001", True, None),  # not the pattern: C01's business
    ],
    ids=["continuing", "future", "older", "this-year", "other-pattern"],
)
def test_a_code_naming_another_year_is_asked_about(code, continuing, message):
    document = _clean()
    _project(code=code, continuing=continuing)(document)
    found = [f for f in check(document, YEAR, "classic") if f.rule == "C03"]
    assert [(f.severity, f.field, f.message) for f in found] == (
        [("W", "code", message)] if message else []
    )
