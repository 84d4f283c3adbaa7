"""The checks page: a plan as the bureau reviews it, each finding linked to its cell."""

import re

from app.models import Indicator, Project


def test_the_seed_plan_shows_its_warnings_each_linked_to_its_cell(app, user):
    """V07, and V11 twice: the 绩效目标 of 科普专项经费 and its 分项绩效目标 both say 2020."""
    page = user.get("/plans/405002/2021/checks").get_data(as_text=True)
    assert "错误 0 条 · 警告 3 条" in page
    rules = re.findall(r'<td class="code">(\w+)</td>', page)
    assert sorted(rules) == ["V07", "V11", "V11"]
    assert 'href="/plans/405002/2021#summaries"' in page
    with app.app_context():
        rate = Indicator.get(Indicator.name == "预算资金完成率")
        goal = Project.get(Project.code == "405002B21DX0003")
        assert (
            f'href="/projects/{rate.project_id}?open=cell-{rate.id}-name#cell-{rate.id}-name"'
            in page
        )
        assert (
            f'href="/projects/{goal.id}?open=cell-project-{goal.id}-goal#cell-project-{goal.id}-goal"'
            in page
        )
    plan_page = user.get("/plans/405002/2021").get_data(as_text=True)
    assert "错误 0 条 · 警告 3 条" in plan_page
    assert 'href="/plans/405002/2021/checks"' in plan_page


def test_an_error_made_on_the_page_is_on_the_checks_page(app, user):
    with app.app_context():
        Project.update(other_funds=1).where(Project.code == "405002B19DX0002").execute()
        project = Project.get(Project.code == "405002B19DX0002")
    page = user.get("/plans/405002/2021/checks").get_data(as_text=True)
    assert "错误 1 条" in page and "F01" in page
    assert (
        f'href="/projects/{project.id}?open=cell-project-{project.id}-money#cell-project-{project.id}-money"'
        in page
    )
