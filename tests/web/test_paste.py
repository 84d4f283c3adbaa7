"""Ctrl+V of an Excel block through POST /projects/<id>/paste: JSON for static/app.js."""

import pytest

from app.models import Indicator, Plan, RefusedRead
from app.services import rows
from tests.conftest import Browserless, account, database_snapshot, logged_in, refused

BLOCK = (
    "活动次数\t全年举办的活动\t4次\t年度计划\r\n"
    "参与人数\t线上线下\t≥2000人次\t上年实际\r\n"
    "展板数量\t新制作的展板\t20块\t采购合同\r\n"
)


@pytest.fixture
def table(app, seeded):
    """The first project of the seed, its 数量指标 given a second (blank) row: (project id,
    the 二级's first row)."""
    with app.app_context():
        project = Plan.get().ordered_projects()[0]
        first = project.ordered_indicators()[0]
        rows.add(account("editor"), project.id, first.category_id)
        return project.id, first


def _as(app, username):
    return Browserless(logged_in(app, app.test_client(), username))


def _post(person, project_id, start, text=BLOCK, preview=False, **options):
    form = {"start": start, "text": text}
    if preview:
        form["preview"] = "1"
    return person.post(f"/projects/{project_id}/paste", form, **options)


def _level2(app, project_id, category_id):
    with app.app_context():
        return [
            (row.name, row.target)
            for row in Plan.get().ordered_projects()[0].ordered_indicators()
            if row.category_id == category_id
        ]


def _snapshot(app):
    with app.app_context():
        return database_snapshot()


def test_a_block_pasted_fills_the_cells_and_adds_the_rows(app, table):
    project_id, first = table
    response = _post(_as(app, "editor"), project_id, f"cell-{first.id}-name")
    assert response.status_code == 200
    assert response.json == {
        "done": True,
        "cells": 12,
        "rows_added": 1,
        "message": "已粘贴：修改12个单元格，新增1行",
        "reload": True,
    }
    assert _level2(app, project_id, first.category_id) == [
        ("活动次数", "4次"),
        ("参与人数", "≥2000人次"),
        ("展板数量", "20块"),
    ]
    page = _as(app, "editor").get(f"/projects/{project_id}").get_data(as_text=True)
    assert "展板数量" in page and "采购合同" in page


def test_a_preview_answers_the_changes_and_writes_nothing(app, table):
    project_id, first = table
    editor = _as(app, "editor")
    before = _snapshot(app)
    text = "房屋租赁平米数\t房屋租赁平米数\t27000平方米\r\n新指标\r\n"
    response = _post(editor, project_id, f"cell-{first.id}-name", text, preview=True)
    assert response.status_code == 200
    assert response.json == {
        "preview": True,
        "changes": [
            {
                "row": 1,
                "indicator": "房屋租赁平米数",
                "label": "指标值",
                "old": "26650.77平方米",
                "new": "27000平方米",
            },
            {"row": 2, "indicator": "（未命名）", "label": "三级指标", "old": "", "new": "新指标"},
        ],
        "cells": 2,
        "rows_added": 0,
        "message": "将修改2个单元格，新增0行",
    }
    assert _snapshot(app) == before


def test_a_block_wider_than_the_columns_is_refused(app, table):
    project_id, first = table
    editor = _as(app, "editor")
    before = _snapshot(app)
    response = _post(editor, project_id, f"cell-{first.id}-target")
    assert response.status_code == 422
    assert response.json == {"message": "粘贴的内容有4列，从“指标值”起只有2列"}
    assert _snapshot(app) == before


def test_a_cell_with_a_hidden_character_is_refused_with_its_place(app, table):
    project_id, first = table
    editor = _as(app, "editor")
    before = _snapshot(app)
    text = BLOCK.replace("全年举办的活动", "全年\x00举办")
    response = _post(editor, project_id, f"cell-{first.id}-name", text)
    assert response.status_code == 422
    assert response.json["message"].startswith("第1行第2列（绩效指标描述）：")
    assert "U+0000" in response.json["message"]
    assert _snapshot(app) == before


def test_an_empty_clipboard_is_refused(app, table):
    project_id, first = table
    response = _post(_as(app, "editor"), project_id, f"cell-{first.id}-name", "\r\n")
    assert response.status_code == 422 and "没有可粘贴的内容" in response.json["message"]


@pytest.mark.parametrize("username", ["viewer", "other_editor"])
def test_who_may_not_edit_the_plan_is_refused(app, table, username):
    project_id, first = table
    person = _as(app, username)
    before = _snapshot(app)
    for text, preview in ((BLOCK, False), (BLOCK, True), ("甲\x00", False)):
        response = _post(person, project_id, f"cell-{first.id}-name", text, preview)
        assert response.status_code == refused(username)
        if username != "other_editor":  # a refused cell is no business of theirs
            assert response.json == {"message": "您没有修改这个计划的权限"}
        else:  # answered as a cell that does not exist, and logged as a refused read
            assert response.json == {"message": "找不到要粘贴到的单元格，请刷新页面后重试"}
    assert _snapshot(app) == before
    with app.app_context():
        logged = [row.url for row in RefusedRead.select().where(RefusedRead.username == username)]
    assert logged == ([f"/projects/{project_id}/paste"] * 3 if username == "other_editor" else [])


def test_a_submitted_plan_is_refused(app, table):
    project_id, first = table
    editor = _as(app, "editor")
    with app.app_context():
        Plan.update(status="submitted").execute()
        before = database_snapshot()
    for preview in (False, True):
        response = _post(editor, project_id, f"cell-{first.id}-target", "1万平方米", preview)
        assert response.status_code == 403 and response.json == {"message": "计划已提交，不能修改"}
    assert _snapshot(app) == before


@pytest.mark.parametrize(
    "start", ["cell-{other}-name", "cell-{first}-category", "cell-project-{project}-money", "x"]
)
def test_a_start_cell_not_in_the_project_is_not_found(app, table, start):
    project_id, first = table
    with app.app_context():
        other = Plan.get().ordered_projects()[1].ordered_indicators()[0].id
    editor = _as(app, "editor")
    before = _snapshot(app)
    start = start.format(other=other, first=first.id, project=project_id)
    response = _post(editor, project_id, start)
    assert response.status_code == 404 and "找不到" in response.json["message"]
    assert _snapshot(app) == before


def test_without_the_csrf_token_nothing_is_pasted(app, table):
    project_id, first = table
    editor = _as(app, "editor")
    before = _snapshot(app)
    response = _post(editor, project_id, f"cell-{first.id}-name", token=False)
    assert response.status_code == 400
    assert _snapshot(app) == before


def test_a_fetch_without_htmx_is_answered_in_json_too(app, table):
    project_id, first = table
    response = _post(_as(app, "editor"), project_id, f"cell-{first.id}-name", htmx=False)
    assert response.status_code == 200 and response.json["done"] is True


def test_ctrl_z_after_a_paste_takes_it_back_whole(app, table):
    project_id, first = table
    before = _level2(app, project_id, first.category_id)
    editor = _as(app, "editor")
    assert _post(editor, project_id, f"cell-{first.id}-name").status_code == 200
    response = editor.post("/plans/405002/2021/undo")
    assert response.status_code == 200 and response.json["reload"] is True
    assert response.json["message"] == "已撤销：13处改动"
    assert _level2(app, project_id, first.category_id) == before
    with app.app_context():
        assert Indicator.get_by_id(first.id).target == "26650.77平方米"
