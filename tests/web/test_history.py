"""History: every change listed with old → new, narrowed to one cell, and restored."""

import html
import re
from decimal import Decimal as D

import pytest

from app.domain.fields import as_text, groups, version
from app.models import Change, Indicator, Plan, Project
from app.services.history import PAGE_SIZE, CannotRestore, record_change, restore
from tests.conftest import Browserless, account, logged_in


def _setup(app):
    with app.app_context():
        project = Plan.get().ordered_projects()[0]
        return project, project.ordered_indicators()[0]


def _save_target(user, indicator_id, old, new):
    form = {"target": new, "version-target": version(old)}
    assert user.put(f"/cells/indicator/{indicator_id}/target", form).status_code == 200


def test_history_lists_changes_old_to_new(app, user):
    project, indicator = _setup(app)
    _save_target(user, indicator.id, "26650.77平方米", "27000平方米")
    page = user.get(f"/history/projects/{project.id}").get_data(as_text=True)
    assert "指标“房屋租赁平米数”" in page and "指标值" in page
    assert "26650.77平方米" in page and "27000平方米" in page and "修改" in page
    assert user.get("/history/plans/405002/2021").get_data(as_text=True).count("27000平方米") == 1


def test_history_of_one_cell(app, user):
    project, indicator = _setup(app)
    _save_target(user, indicator.id, "26650.77平方米", "27000平方米")
    form = {"name": "租赁面积", "version-name": version("房屋租赁平米数")}
    user.put(f"/cells/indicator/{indicator.id}/name", form)
    page = user.get(f"/history/cells/indicator/{indicator.id}?field=target").get_data(as_text=True)
    assert "27000平方米" in page and page.count('<tr id="change-') == 1
    money = user.get(f"/history/cells/project/{project.id}?field=money")
    assert money.status_code == 200


def test_restore_an_earlier_value_is_itself_recorded(app, user):
    _, indicator = _setup(app)
    _save_target(user, indicator.id, "26650.77平方米", "27000平方米")
    _save_target(user, indicator.id, "27000平方米", "28000平方米")
    with app.app_context():
        first = Change.select().where(Change.action == "edit").order_by(Change.id).first()
    response = user.post(f"/history/{first.id}/restore", htmx=False)
    assert response.status_code == 303
    with app.app_context():
        assert Indicator.get_by_id(indicator.id).target == "26650.77平方米"
        last = Change.select().order_by(Change.id.desc()).first()
        assert (last.action, last.old, last.new) == ("restore", "28000平方米", "26650.77平方米")


def test_restore_a_deleted_indicator_from_history(app, user):
    project, indicator = _setup(app)
    user.post(f"/indicators/{indicator.id}/delete")
    with app.app_context():
        deletion = Change.get(Change.action == "delete")
    page = user.get(f"/history/projects/{project.id}").get_data(as_text=True)
    assert "恢复此行" in page
    user.post(f"/history/{deletion.id}/restore", htmx=False)
    assert f'id="row-{indicator.id}"' in user.get(f"/projects/{project.id}").get_data(as_text=True)


def test_restore_a_deleted_project(app, user):
    project, _ = _setup(app)
    assert user.post(f"/projects/{project.id}/delete", htmx=False).status_code == 303
    assert user.get(f"/projects/{project.id}").status_code == 404
    with app.app_context():
        deletion = Change.get(Change.action == "delete")
    user.post(f"/history/{deletion.id}/restore", htmx=False)
    assert user.get(f"/projects/{project.id}").status_code == 200


def test_what_cannot_be_restored_says_why(app, user):
    _, indicator = _setup(app)
    _save_target(user, indicator.id, "26650.77平方米", "27000平方米")
    with app.app_context():
        change = Change.get(Change.action == "edit")
        restore(account(), change)
        try:
            restore(account(), change)
            raise AssertionError("restored twice")
        except CannotRestore as error:
            assert "已经是这个值" in str(error)


def _save_group(user, project, group, typed):
    names = groups("project")[group]
    form = {name: typed.get(name, as_text(getattr(project, name))) for name in names}
    form.update({f"version-{name}": version(getattr(project, name)) for name in names})
    assert user.put(f"/cells/project/{project.id}/{group}", form).status_code == 200
    return Project.get_by_id(project.id)


def _third_project(app):
    with app.app_context():
        return Plan.get().ordered_projects()[2]  # 625.88 万元, quarters 25/50/75/100


# (group, saves in order, the field restored, what the refusal says, the values kept)
BROKEN_RESTORES = [
    (
        "money",
        [{"budget": "700", "fiscal_funds": "650", "other_funds": "50"},
         {"budget": "800", "fiscal_funds": "750", "other_funds": "50"}],
        "budget",
        "应等于预算数 625.88",
        {"budget": D(800), "fiscal_funds": D(750), "other_funds": D(50)},
    ),
    (
        "quarters",
        [{"plan_q3": "95"}, {"plan_q2": "90"}],
        "plan_q3",
        "第三季度（75.00）不能小于第二季度（90.00）",
        {"plan_q1": D(25), "plan_q2": D(90), "plan_q3": D(95), "plan_q4": D(100)},
    ),
]  # fmt: skip


@pytest.mark.parametrize("group,saves,field,words,kept", BROKEN_RESTORES, ids=["money", "quarters"])
def test_a_restore_keeps_the_rules_of_its_group(app, user, group, saves, field, words, kept):
    project = _third_project(app)
    with app.app_context():
        for typed in saves:
            project = _save_group(user, project, group, typed)
        change = Change.select().where(Change.field == field).order_by(Change.id).first()
    response = user.post(f"/history/{change.id}/restore", htmx=False)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "未恢复" in page and words in page and 'id="history"' in page
    with app.app_context():
        stored = Project.get_by_id(project.id)
        assert {name: getattr(stored, name) for name in kept} == kept
        assert Change.select().where(Change.action == "restore").count() == 0


def test_a_restore_into_a_submitted_plan_is_refused(app, user):
    _, indicator = _setup(app)
    _save_target(user, indicator.id, "26650.77平方米", "27000平方米")
    with app.app_context():
        change = Change.get(Change.action == "edit")
        Plan.update(status="submitted").execute()
    for who in ("root", "editor"):
        client = Browserless(logged_in(app, app.test_client(), who))
        assert client.post(f"/history/{change.id}/restore", htmx=False).status_code == 403
    with app.app_context():
        assert Indicator.get_by_id(indicator.id).target == "27000平方米"


def _many_edits(app, count):
    """`count` edits of the first indicator's 指标值, recorded as saves record them; their ids."""
    with app.app_context():
        _, indicator = _setup(app)
        return [
            record_change(
                "indicator", indicator, "edit", "target", f"{n}个", f"{n + 1}个", "root"
            ).id
            for n in range(count)
        ]


def _listed(page):
    """The change ids a history page lists, top to bottom, and its 较早/较新 links."""
    ids = [int(found) for found in re.findall(r'<tr id="change-(\d+)"', page)]
    found = re.findall(r'<a href="([^"]+)" rel="(?:next|prev)" class="(older|newer)"', page)
    return ids, {kind: html.unescape(href) for href, kind in found}


def test_the_next_history_page_continues_where_the_first_ended(app, user):
    _many_edits(app, 2 * PAGE_SIZE + 30)
    with app.app_context():
        everything = [c.id for c in Change.select(Change.id).order_by(Change.id.desc())]
    first, links = _listed(user.get("/history/plans/405002/2021").get_data(as_text=True))
    assert first == everything[:PAGE_SIZE] and "newer" not in links
    _many_edits(app, 1)  # a colleague saves meanwhile: the older pages stay as they were
    second, links = _listed(user.get(links["older"]).get_data(as_text=True))
    assert second == everything[PAGE_SIZE : 2 * PAGE_SIZE]  # nothing skipped, nothing twice
    back, _ = _listed(user.get(links["newer"]).get_data(as_text=True))
    assert back == first
    third, links = _listed(user.get(links["older"]).get_data(as_text=True))
    assert third == everything[2 * PAGE_SIZE :] and "older" not in links


def test_a_cells_history_is_paged_and_keeps_to_the_cell(app, user):
    made = _many_edits(app, PAGE_SIZE + 5)
    _, indicator = _setup(app)
    url = f"/history/cells/indicator/{indicator.id}?field=target"
    first, links = _listed(user.get(url).get_data(as_text=True))
    assert first == made[::-1][:PAGE_SIZE] and "field=target" in links["older"]
    second, links = _listed(user.get(links["older"]).get_data(as_text=True))
    assert second == made[::-1][PAGE_SIZE:] and "older" not in links


def test_each_history_row_links_to_its_cell_and_restores_it(app, user):
    (made,) = _many_edits(app, 1)
    _, indicator = _setup(app)
    page = user.get("/history/plans/405002/2021").get_data(as_text=True)
    row = re.search(rf'<tr id="change-{made}".*?</tr>', page, re.S).group(0)
    assert f'href="/history/cells/indicator/{indicator.id}?field=target"' in row
    assert f'action="/history/{made}/restore"' in row
