"""The review rules at the cell: the project page shows each finding under the cell it is about
and the project's others in a box above the table; every save answers with the saved cell's
findings and the box; a cell that will not open carries why."""

import re
from decimal import Decimal as D

import pytest

from app.domain.fields import as_text, groups, version
from app.models import Indicator, Plan, Project
from app.services.checking import project_findings
from tests.conftest import Browserless, logged_in

RATE_FINDING = "比率“120%”应在 0% 到 100% 之间"


@pytest.fixture
def first(app, seeded):
    """The seed's first project (预算资金完成率 under 成本: V07) and its 项目完成率 (a 质量 rate)."""
    with app.app_context():
        project = Plan.get().ordered_projects()[0]
        rate = Indicator.get(Indicator.name == "项目完成率", Indicator.project == project)
        execution = Indicator.get(Indicator.name == "预算资金完成率")
    return project, rate, execution


def _cell(html, dom_id):
    """The opening tag and content of one cell (`td` or `tr`) of a page or fragment."""
    return re.search(rf'<(td|tr) id="{dom_id}"[^>]*>.*?</\1>', html, re.S).group(0)


def _notes(html, dom_id):
    return re.findall(r'class="cell-finding finding-(\w) [^"]*"[^>]*>([^<]*)<', _cell(html, dom_id))


def _box(html, project):
    return re.search(rf'<section id="findings-project-{project.id}".*?</section>', html, re.S)


def _save(user, entity, record, group, typed):
    form = {}
    for name in groups(entity)[group]:
        form[name] = typed.get(name, as_text(getattr(record, name)))
        form[f"version-{name}"] = version(getattr(record, name))
    return user.put(f"/cells/{entity}/{record.id}/{group}", form)


def test_the_project_page_shows_each_finding_at_its_cell(app, user, first):
    project, rate, execution = first
    html = user.get(f"/projects/{project.id}").get_data(as_text=True)
    [(severity, message)] = _notes(html, f"cell-{execution.id}-name")
    assert severity == "W" and message.startswith("“预算资金完成率”是预算执行率，不是成本")
    assert "flagged-W" in _cell(html, f"cell-{execution.id}-name")
    assert _notes(html, f"cell-{rate.id}-target") == []
    assert "警告 1 条" in _box(html, project).group(0)
    assert "screen-only" in _box(html, project).group(0)  # not on the printed form
    with app.app_context():
        second = Project.get(Project.code == "405002B21DX0003")
    html = user.get(f"/projects/{second.id}").get_data(as_text=True)
    [(severity, message)] = _notes(html, f"cell-project-{second.id}-goal")
    assert message == "绩效目标中写的是2020年，预算年度是 2021 年，请核对"


def test_a_save_answers_with_the_cells_findings_and_the_projects_box(app, user, first):
    project, rate, _ = first
    response = _save(user, "indicator", rate, "target", {"target": "120%"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert _notes(fragment, f"cell-{rate.id}-target") == [("E", RATE_FINDING)]
    box = _box(fragment, project).group(0)
    assert 'hx-swap-oob="true"' in box and "错误 1 条" in box and "警告 1 条" in box
    assert fragment.index("<template>") < fragment.index(box)  # beside a td, inside a template

    with app.app_context():
        rate = Indicator.get_by_id(rate.id)
    fragment = _save(user, "indicator", rate, "target", {"target": "100%"}).get_data(as_text=True)
    assert _notes(fragment, f"cell-{rate.id}-target") == []
    assert "错误" not in _box(fragment, project).group(0)


def test_escape_puts_the_cell_back_with_its_findings(user, first):
    _, _, execution = first
    fragment = user.get(f"/cells/indicator/{execution.id}/name").get_data(as_text=True)
    assert [s for s, _ in _notes(fragment, f"cell-{execution.id}-name")] == ["W"]


def test_money_beyond_a_billion_is_in_the_box_not_summed_silently(app, user, first):
    project = first[0]
    typed = {"budget": "150000", "fiscal_funds": "150000", "other_funds": "0"}
    response = _save(user, "project", project, "money", typed)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    box = _box(fragment, project).group(0)
    assert '<li class="finding-W" data-rule="F04">' in box
    assert "预算数 150000 万元、财政资金 150000 万元超过10亿元，请核对单位是否为万元" in box
    assert "cell-finding" not in _cell(fragment, f"cell-project-{project.id}-money")


def test_a_row_deleted_or_restored_refreshes_the_findings(app, user, first):
    project, _, execution = first
    with app.app_context():
        satisfaction = Indicator.get(Indicator.name == "市民满意度", Indicator.project == project)
    fragment = user.post(f"/indicators/{satisfaction.id}/delete").get_data(as_text=True)
    box = _box(fragment, project).group(0)
    assert 'hx-swap-oob="true"' in box and "缺少服务对象满意度指标" in box
    assert [s for s, _ in _notes(fragment, f"cell-{execution.id}-name")] == ["W"]
    fragment = user.post(f"/indicators/{satisfaction.id}/undelete").get_data(as_text=True)
    assert "缺少服务对象满意度指标" not in _box(fragment, project).group(0)


def test_findings_of_one_project_are_those_the_whole_plans_check_finds(app, seeded):
    """Checked alone, a project keeps the findings that compare it with its siblings (C02)."""
    with app.app_context():
        first, second = Plan.get().ordered_projects()[:2]
        Project.update(code=first.code, budget=D(200000), fiscal_funds=D(200000)).where(
            Project.id == second.id
        ).execute()
        second = Project.get_by_id(second.id)
        found = {(a.finding.rule, a.entity, a.group) for a in project_findings(second)}
    assert ("C02", "project", "code") in found
    assert ("F04", "project", "money") in found
    assert ("V11", "project", "goal") in found


def test_the_whole_plans_print_checks_nothing(user):
    html = user.get("/plans/405002/2021/print").get_data(as_text=True)
    assert "cell-finding" not in html and "project-findings" not in html


@pytest.mark.parametrize(
    ("status", "username", "message"),
    [
        ("submitted", "editor", "已提交审核，等待审核结果，暂不能修改"),
        ("approved", "editor", "已批复，不能修改"),
        ("approved", "root", "已批复，不能修改"),
        ("draft", "viewer", "只读：您没有修改此计划的权限"),
        ("submitted", "reviewer", "只读：您没有修改此计划的权限"),
        ("returned", "editor", None),
    ],
)
def test_a_cell_that_will_not_open_carries_why(app, first, status, username, message):
    project, rate, _ = first
    with app.app_context():
        Plan.update(status=status).execute()
    client = logged_in(app, app.test_client(), username)
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    for dom_id in (f"cell-{rate.id}-target", f"cell-project-{project.id}-money"):
        tag = _cell(html, dom_id).split(">", 1)[0]
        if message is None:
            assert "data-locked" not in tag and "data-editable" in tag
        else:
            assert f'data-locked="{message}"' in tag and "data-editable" not in tag
    shown = Browserless(client).get(f"/cells/indicator/{rate.id}/target").get_data(as_text=True)
    assert (f'data-locked="{message}"' in shown) == (message is not None)
