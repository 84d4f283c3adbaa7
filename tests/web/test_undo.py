"""Ctrl+Z and Ctrl+Y through the endpoints: POST …/undo and …/redo answer JSON for static/app.js."""

from decimal import Decimal as D

import pytest

from app.domain.fields import groups, version
from app.models import Indicator, Plan, Project
from app.services import accounts
from tests.conftest import PASSWORD, Browserless, database_snapshot, logged_in

UNDO, REDO = "/plans/405002/2021/undo", "/plans/405002/2021/redo"


@pytest.fixture
def people(app, seeded):
    """Two editors of the seed's department, each in a browser of their own."""
    with app.app_context():
        accounts.create_user("zhangsan", "editor", PASSWORD, "405002")
    return {
        name: Browserless(logged_in(app, app.test_client(), name))
        for name in ("editor", "zhangsan")
    }


def _first(app):
    with app.app_context():
        project = Plan.get().ordered_projects()[0]
        return project, project.ordered_indicators()[0]


def _target(app, indicator_id):
    with app.app_context():
        return Indicator.get_by_id(indicator_id).target


def _save_target(person, indicator_id, old, new):
    form = {"target": new, "version-target": version(old)}
    assert person.put(f"/cells/indicator/{indicator_id}/target", form).status_code == 200


def test_undo_answers_the_cells_to_show_afresh(app, people):
    _, indicator = _first(app)
    _save_target(people["editor"], indicator.id, "26650.77平方米", "27000平方米")
    response = people["editor"].post(UNDO)
    assert response.status_code == 200
    url = f"/cells/indicator/{indicator.id}/target"
    assert response.json == {
        "done": True,
        "message": "已撤销：指标“房屋租赁平米数”的指标值",
        "cells": [{"id": f"cell-{indicator.id}-target", "url": url}],
        "reload": False,
    }
    fragment = people["editor"].get(url).get_data(as_text=True)
    assert f'id="cell-{indicator.id}-target"' in fragment and "26650.77平方米" in fragment
    assert _target(app, indicator.id) == "26650.77平方米"


def test_a_money_save_is_undone_as_one_step(app, people):
    with app.app_context():
        project = Plan.get().ordered_projects()[2]
    form = {"budget": "700", "fiscal_funds": "650", "other_funds": "50"}
    for name in groups("project")["money"]:
        form[f"version-{name}"] = version(getattr(project, name))
    assert people["editor"].put(f"/cells/project/{project.id}/money", form).status_code == 200
    response = people["editor"].post(UNDO)
    assert response.json["cells"] == [
        {"id": f"cell-project-{project.id}-money", "url": f"/cells/project/{project.id}/money"}
    ]
    with app.app_context():
        after = Project.get_by_id(project.id)
        assert (after.budget, after.fiscal_funds, after.other_funds) == (
            project.budget,
            project.fiscal_funds,
            project.other_funds,
        )
        assert after.budget != D(700)


def test_rows_inserted_or_deleted_ask_for_a_reload(app, people):
    project, indicator = _first(app)
    people["editor"].post(f"/indicators/{indicator.id}/insert", {"where": "below"})
    people["editor"].post(f"/indicators/{indicator.id}/delete")
    table = people["editor"].get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'id="row-{indicator.id}"' not in table
    response = people["editor"].post(UNDO)
    assert response.status_code == 200 and response.json["reload"] is True
    assert response.json["message"] == "已撤销：删除指标“房屋租赁平米数”"
    table = people["editor"].get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'id="row-{indicator.id}"' in table
    rows_before = table.count('id="row-')
    response = people["editor"].post(UNDO)
    assert response.json["reload"] is True and response.json["message"].startswith("已撤销：新增")
    table = people["editor"].get(f"/projects/{project.id}").get_data(as_text=True)
    assert table.count('id="row-') == rows_before - 1


def test_redo_and_a_new_change_clearing_it(app, people):
    _, indicator = _first(app)
    editor = people["editor"]
    _save_target(editor, indicator.id, "26650.77平方米", "27000平方米")
    editor.post(UNDO)
    response = editor.post(REDO)
    assert response.status_code == 200 and response.json["message"].startswith("已重做：")
    assert _target(app, indicator.id) == "27000平方米"
    editor.post(UNDO)
    _save_target(editor, indicator.id, "26650.77平方米", "29000平方米")
    response = editor.post(REDO)
    assert response.status_code == 200
    assert response.json == {
        "done": False,
        "message": "没有可以重做的改动",
        "cells": [],
        "reload": False,
    }
    assert _target(app, indicator.id) == "29000平方米"


def test_a_colleagues_later_change_is_refused_with_their_name(app, people):
    _, indicator = _first(app)
    _save_target(people["editor"], indicator.id, "26650.77平方米", "27000平方米")
    _save_target(people["zhangsan"], indicator.id, "27000平方米", "28000平方米")
    with app.app_context():
        before = database_snapshot()
    response = people["editor"].post(UNDO)
    assert response.status_code == 409
    assert response.json["done"] is False
    assert response.json["message"].startswith("zhangsan ")
    assert response.json["message"].endswith(" 之后又改过“指标值”，不能撤销")
    with app.app_context():
        assert database_snapshot() == before


def test_ones_own_later_change_is_undone_first(app, people):
    _, indicator = _first(app)
    editor = people["editor"]
    _save_target(editor, indicator.id, "26650.77平方米", "27000平方米")
    _save_target(editor, indicator.id, "27000平方米", "28000平方米")
    editor.post(UNDO)
    assert _target(app, indicator.id) == "27000平方米"
    editor.post(UNDO)
    assert _target(app, indicator.id) == "26650.77平方米"


def test_undo_works_after_a_reload_in_a_new_session(app, people):
    _, indicator = _first(app)
    _save_target(people["editor"], indicator.id, "26650.77平方米", "27000平方米")
    people["editor"].post(UNDO)
    again = Browserless(logged_in(app, app.test_client(), "editor"))  # a new login, a new page
    assert again.post(REDO).status_code == 200
    assert _target(app, indicator.id) == "27000平方米"
    assert again.post(UNDO).json["done"] is True
    assert _target(app, indicator.id) == "26650.77平方米"


def test_nobody_else_undoes_ones_steps(app, people):
    _, indicator = _first(app)
    _save_target(people["zhangsan"], indicator.id, "26650.77平方米", "28000平方米")
    response = people["editor"].post(UNDO)
    assert response.status_code == 200
    assert response.json["done"] is False and response.json["message"] == "没有可以撤销的改动"
    assert _target(app, indicator.id) == "28000平方米"


def test_a_submitted_plan_is_refused(app, people):
    _, indicator = _first(app)
    _save_target(people["editor"], indicator.id, "26650.77平方米", "27000平方米")
    with app.app_context():
        Plan.update(status="submitted").execute()
    response = people["editor"].post(UNDO)
    assert response.status_code == 403
    assert response.json["message"] == "计划已提交，不能修改，也不能撤销或重做"
    assert _target(app, indicator.id) == "27000平方米"


def test_who_may_not_edit_gets_403_and_a_post_needs_its_token(app, people):
    _, indicator = _first(app)
    _save_target(people["editor"], indicator.id, "26650.77平方米", "27000平方米")
    viewer = Browserless(logged_in(app, app.test_client(), "viewer"))
    assert viewer.post(UNDO).status_code == 403
    assert people["editor"].post(UNDO, token=False).status_code == 400
    assert people["editor"].post("/plans/405002/1999/undo").status_code == 404
    assert _target(app, indicator.id) == "27000平方米"


def test_without_javascript_a_form_post_goes_back_with_a_message(app, people):
    _, indicator = _first(app)
    _save_target(people["editor"], indicator.id, "26650.77平方米", "27000平方米")
    response = people["editor"].post(UNDO, htmx=False)
    assert response.status_code == 303 and response.location.endswith("/plans/405002/2021")
    page = people["editor"].get("/plans/405002/2021").get_data(as_text=True)
    assert "已撤销：指标“房屋租赁平米数”的指标值" in page


def test_the_history_shows_the_undo_and_redo(app, people):
    project, indicator = _first(app)
    _save_target(people["editor"], indicator.id, "26650.77平方米", "27000平方米")
    people["editor"].post(UNDO)
    people["editor"].post(REDO)
    people["editor"].post(f"/indicators/{indicator.id}/insert", {"where": "below"})
    people["editor"].post(UNDO)
    page = people["editor"].get(f"/history/projects/{project.id}").get_data(as_text=True)
    assert "<td>撤销</td>" in page and "<td>重做</td>" in page
    assert "<td>撤销（删除该行）</td>" in page


def test_the_narrative_of_the_plan_is_undone_in_its_cell(app, people):
    with app.app_context():
        plan = Plan.get()
    form = {"safeguards": "新的措施", "version-safeguards": version(plan.safeguards)}
    assert people["editor"].put(f"/cells/plan/{plan.id}/safeguards", form).status_code == 200
    response = people["editor"].post(UNDO)
    assert response.json["cells"] == [
        {"id": f"cell-plan-{plan.id}-safeguards", "url": f"/cells/plan/{plan.id}/safeguards"}
    ]
    with app.app_context():
        assert Plan.get().safeguards == plan.safeguards
