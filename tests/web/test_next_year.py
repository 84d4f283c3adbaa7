"""以本年度为基础开始下一年度 on the plan page, and last year's 指标值 beside this year's."""

import re

import pytest

from app.models import Indicator, Plan, Project
from tests.conftest import Browserless, database_snapshot, logged_in, refused

NEXT = "/plans/405002/2021/next-year"
BUTTON = "以本年度为基础开始2022年度"


def _as(app, username):
    return Browserless(logged_in(app, app.test_client(), username))


def _copy(user):
    return user.post(NEXT, {"csrf_token": user.token}, htmx=False)


@pytest.mark.parametrize(
    "who,offered", [("root", True), ("editor", True), ("viewer", False), ("reviewer", False),
                    ("other_editor", False)],
)  # fmt: skip
def test_the_button_is_offered_to_those_who_may_start_the_departments_plans(
    app, seeded, who, offered
):
    page = _as(app, who).get("/plans/405002/2021").get_data(as_text=True)
    assert (BUTTON in page) == offered
    assert (f'action="{NEXT}"' in page) == offered


def test_an_editor_starts_next_year_and_lands_on_it(app, seeded):
    editor = _as(app, "editor")
    response = _copy(editor)
    assert response.status_code == 303 and response.headers["Location"] == "/plans/405002/2022"
    page = editor.get("/plans/405002/2022").get_data(as_text=True)
    assert "已复制3个项目、18条指标；请核对编码和文中的年份" in page
    assert page.count('<span class="tag continuing"') == 3
    assert "草稿" in page
    with app.app_context():
        plan = Plan.find("405002", 2022)
        assert plan.status == "draft"
        assert [p.continuing for p in plan.ordered_projects()] == [True, True, True]
    # The year copied from now links to the next instead of offering the copy again.
    before = editor.get("/plans/405002/2021").get_data(as_text=True)
    assert BUTTON not in before and 'href="/plans/405002/2022" id="next-year-plan"' in before
    # This year's own plan page has no 延续 tags.
    assert 'class="tag continuing"' not in before


def test_a_second_copy_is_refused_with_a_link_to_next_years_plan(app, seeded, user):
    assert _copy(user).status_code == 303
    with app.app_context():
        before = database_snapshot()
    response = _copy(user)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "唐山市科学技术协会2022年的绩效目标已经存在，未复制。" in page
    assert 'href="/plans/405002/2022"' in page
    with app.app_context():
        assert database_snapshot() == before


@pytest.mark.parametrize("who", ["viewer", "reviewer", "other_editor"])
def test_those_who_may_not_start_the_departments_plans_are_refused(app, seeded, who):
    someone = _as(app, who)
    with app.app_context():
        before = database_snapshot()
    assert _copy(someone).status_code == refused(who)
    with app.app_context():
        assert database_snapshot() == before


def test_a_plan_that_does_not_exist_is_not_found(app, seeded, user):
    response = user.post("/plans/405002/2019/next-year", {"csrf_token": user.token}, htmx=False)
    assert response.status_code == 404


def test_the_copy_needs_the_pages_csrf_token(app, seeded, user):
    with app.app_context():
        before = database_snapshot()
    response = user.post(NEXT, {}, token=False, htmx=False)
    assert response.status_code == 400 and "安全令牌" in response.get_data(as_text=True)
    with app.app_context():
        assert database_snapshot() == before


def _last_years(html):
    """{indicator id: 上年 text} of the target cells of a page or fragment."""
    found = re.findall(r'<td id="cell-(\d+)-target"[^>]*?data-last-year="([^"]*)"', html)
    return {int(i): text for i, text in found}


def test_the_project_page_shows_last_years_target_beside_each(app, seeded, user):
    _copy(user)
    with app.app_context():
        old = Plan.find("405002", 2021).ordered_projects()[1]
        old_targets = [i.target for i in old.ordered_indicators()]
        project = Plan.find("405002", 2022).ordered_projects()[1]
        indicators = list(project.ordered_indicators())
    page = user.get(f"/projects/{project.id}").get_data(as_text=True)
    assert _last_years(page) == {
        i.id: f"上年：{target}" for i, target in zip(indicators, old_targets, strict=True)
    }
    assert 'data-last-year="上年：4次"' in page
    assert re.search(r"项目名称 <span class=\"tag continuing screen-only\"", page)
    # Last year's own page has no year before it.
    assert _last_years(user.get(f"/projects/{old.id}").get_data(as_text=True)) == {}


def test_last_years_target_stays_beside_a_saved_or_cancelled_cell_and_a_new_row(app, seeded, user):
    _copy(user)
    with app.app_context():
        project = Plan.find("405002", 2022).ordered_projects()[1]
        indicator = project.ordered_indicators()[0]
        last = indicator.target
    url = f"/cells/indicator/{indicator.id}/target"
    editor = user.get(f"{url}/edit").get_data(as_text=True)
    version = re.search(r'name="version-target" value="([^"]*)"', editor).group(1)
    saved = user.put(url, {"target": "≥6次", "version-target": version})
    assert saved.status_code == 200
    assert _last_years(saved.get_data(as_text=True)) == {indicator.id: f"上年：{last}"}
    assert _last_years(user.get(url).get_data(as_text=True)) == {indicator.id: f"上年：{last}"}
    # Another cell of the row has none; a row added re-renders the table with them all.
    assert "data-last-year" not in user.get(f"/cells/indicator/{indicator.id}/name").get_data(
        as_text=True
    )
    table = user.post(
        f"/projects/{project.id}/indicators", {"category_id": str(indicator.category_id)}
    ).get_data(as_text=True)
    with app.app_context():
        assert (
            len(_last_years(table))
            == Project.get_by_id(project.id).ordered_indicators().count() - 1
        )
        assert Indicator.get_by_id(indicator.id).target == "≥6次"


def test_the_copys_checks_page_points_at_the_codes_and_the_years(app, seeded, user):
    with app.app_context():
        Plan.update(safeguards="1、落实2021年工作计划").where(Plan.year == 2021).execute()
    _copy(user)
    page = user.get("/plans/405002/2022/checks").get_data(as_text=True)
    with app.app_context():
        projects = list(Plan.find("405002", 2022).ordered_projects())
    for project in projects:
        assert (
            f'href="/projects/{project.id}?open=cell-project-{project.id}-code#cell-project-{project.id}-code"'
            in page
        )
    assert page.count('<td class="code">C03</td>') == 3
    assert 'href="/plans/405002/2022#safeguards"' in page
    assert "保障措施中写的是2021年，预算年度是 2022 年，请核对" in page
