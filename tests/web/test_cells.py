"""Editing cells in place: every field with a valid and an invalid value, versions, conflicts."""

import logging
import re
from decimal import Decimal as D

import pytest

from app.db import database
from app.domain.fields import groups, version
from app.models import Change, Indicator, Plan, Project
from tests.conftest import Browserless, logged_in

LONG = "长" * 20001


def _record(app, entity):
    with app.app_context():
        if entity == "plan":
            return Plan.get()
        project = Plan.get().ordered_projects()[2]  # quarters 25/50/75/100, 625.88 万元
        return project if entity == "project" else project.ordered_indicators()[0]


def _values(app, entity, record_id, names):
    model = {"plan": Plan, "project": Project, "indicator": Indicator}[entity]
    with app.app_context():
        record = model.get_by_id(record_id)
        return {name: getattr(record, name) for name in names}


def _form(record, group, typed):
    """What the editor posts: the typed values and the versions the user saw."""
    form = {}
    for name in groups(_entity(record))[group]:
        form[name] = typed.get(name, _shown(getattr(record, name)))
        form[f"version-{name}"] = version(getattr(record, name))
    return form


def _entity(record):
    return type(record).__name__.lower()


def _shown(value):
    from app.domain.fields import as_text

    return as_text(value)


# (entity, group, typed values, what the database holds after)
VALID = [
    ("indicator", "name", {"name": " 年参观人次 "}, {"name": "年参观人次"}),
    ("indicator", "description", {"description": "全年参观\n人次"}, {"description": "全年参观\n人次"}),
    ("indicator", "target", {"target": "≥20万人次"}, {"target": "≥20万人次"}),
    ("indicator", "basis", {"basis": "历史标准"}, {"basis": "历史标准"}),
    ("project", "code", {"code": "405002B21DX0009"}, {"code": "405002B21DX0009"}),
    ("project", "name", {"name": "科技馆运营"}, {"name": "科技馆运营"}),
    ("project", "funds_use", {"funds_use": "用于运营。"}, {"funds_use": "用于运营。"}),
    ("project", "money", {"budget": "700", "fiscal_funds": "650", "other_funds": "50"}, {"budget": D(700), "fiscal_funds": D(650), "other_funds": D(50)}),
    ("project", "money", {"budget": "１,０００万元", "fiscal_funds": "1000", "other_funds": ""}, {"budget": D(1000), "fiscal_funds": D(1000), "other_funds": None}),
    ("project", "quarters", {"plan_q1": "10", "plan_q2": "40%", "plan_q3": "80.5", "plan_q4": "100"}, {"plan_q1": D(10), "plan_q2": D(40), "plan_q3": D("80.5"), "plan_q4": D(100)}),
    ("project", "goal", {"goal": "完成运营。"}, {"goal": "完成运营。"}),
    ("project", "summary", {"summary": "**重点**：运营"}, {"summary": "**重点**：运营"}),
    ("plan", "overall_goal", {"overall_goal": "# 目标\n\n新的目标"}, {"overall_goal": "# 目标\n\n新的目标"}),
    ("plan", "safeguards", {"safeguards": "1. 甲\n2. 乙"}, {"safeguards": "1. 甲\n2. 乙"}),
]  # fmt: skip

# (entity, group, typed values, words of the message)
INVALID = [
    ("indicator", "name", {"name": "  "}, "请填写三级指标"),
    ("indicator", "name", {"name": "名" * 101}, "不能超过100个字"),
    ("indicator", "description", {"description": "述" * 1001}, "不能超过1000个字"),
    ("indicator", "target", {"target": "值" * 201}, "不能超过200个字"),
    ("indicator", "basis", {"basis": "据" * 201}, "不能超过200个字"),
    ("project", "code", {"code": "码" * 51}, "不能超过50个字"),
    ("project", "name", {"name": ""}, "请填写项目名称"),
    ("project", "funds_use", {"funds_use": "用" * 5001}, "不能超过5000个字"),
    ("project", "money", {"budget": "一百万", "fiscal_funds": "100", "other_funds": "0"}, "预算数应为数字"),
    ("project", "money", {"budget": "-5", "fiscal_funds": "0", "other_funds": "0"}, "不能为负数"),
    ("project", "money", {"budget": "700", "fiscal_funds": "600", "other_funds": "50"}, "应等于预算数 700.00"),
    ("project", "quarters", {"plan_q1": "25", "plan_q2": "120", "plan_q3": "75", "plan_q4": "100"}, "在0到100之间"),
    ("project", "quarters", {"plan_q1": "25", "plan_q2": "50", "plan_q3": "40", "plan_q4": "100"}, "第三季度（40.00）不能小于第二季度（50.00）"),
    ("project", "goal", {"goal": "目" * 5001}, "不能超过5000个字"),
    ("project", "summary", {"summary": LONG}, "不能超过20000个字"),
    ("plan", "overall_goal", {"overall_goal": LONG}, "不能超过20000个字"),
    ("plan", "safeguards", {"safeguards": LONG}, "不能超过20000个字"),
]  # fmt: skip


def _without_editor(fragment):
    """A fragment without the editor it carries for the browser to open (never shown as is)."""
    return re.sub(r'<template class="editor-template.*?</template>', "", fragment, flags=re.S)


def _url(entity, record_id, group):
    return f"/cells/{entity}/{record_id}/{group}"


@pytest.mark.parametrize("entity,group,typed,stored", VALID, ids=[f"{v[0]}.{v[1]}" for v in VALID])
def test_a_valid_value_is_saved_shown_and_recorded(app, user, entity, group, typed, stored):
    record = _record(app, entity)
    response = user.put(_url(entity, record.id, group), _form(record, group, typed))
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "just-saved" in fragment and "<form" not in _without_editor(fragment)
    assert _values(app, entity, record.id, stored) == stored
    with app.app_context():
        fields = {
            c.field
            for c in Change.select().where(
                Change.record_id == record.id, Change.entity == entity, Change.action == "edit"
            )
        }
    assert fields == {name for name in stored if stored[name] != getattr(record, name)}


@pytest.mark.parametrize(
    "entity,group,typed,words", INVALID, ids=[f"{v[0]}.{v[1]}-{i}" for i, v in enumerate(INVALID)]
)
def test_an_invalid_value_is_refused_with_the_editor_kept(app, user, entity, group, typed, words):
    record = _record(app, entity)
    names = groups(entity)[group]
    before = _values(app, entity, record.id, names)
    response = user.put(_url(entity, record.id, group), _form(record, group, typed))
    assert response.status_code == 422
    fragment = response.get_data(as_text=True)
    assert words in fragment
    assert "<form" in fragment and 'class="field-error"' in fragment
    for value in typed.values():  # the typed text stays in the editor
        assert (value if len(value) < 100 else value[:100]) in fragment
    assert _values(app, entity, record.id, names) == before
    with app.app_context():
        assert Change.select().where(Change.action == "edit").count() == 0


def test_a_save_based_on_an_old_value_is_refused_409_with_both_values(app, user):
    indicator = _record(app, "indicator")
    seen = _form(indicator, "target", {"target": "30万人次"})
    first = user.put(
        _url("indicator", indicator.id, "target"),
        _form(indicator, "target", {"target": "25万人次"}),
    )
    assert first.status_code == 200
    late = user.put(_url("indicator", indicator.id, "target"), seen)
    assert late.status_code == 409
    fragment = late.get_data(as_text=True)
    assert "25万人次" in fragment and "30万人次" in fragment
    assert "用我的值覆盖" in fragment and "采用对方的值" in fragment
    assert _values(app, "indicator", indicator.id, ["target"]) == {"target": "25万人次"}
    # Keeping mine: the editor now carries the current version, so the same form saves.
    resent = dict(seen, **{"version-target": version("25万人次")})
    assert user.put(_url("indicator", indicator.id, "target"), resent).status_code == 200
    assert _values(app, "indicator", indicator.id, ["target"]) == {"target": "30万人次"}


def test_two_people_editing_different_cells_of_one_row_never_conflict(app, user):
    indicator = _record(app, "indicator")
    a = _form(indicator, "name", {"name": "参观人数"})
    b = _form(indicator, "target", {"target": "22万人次"})
    assert user.put(_url("indicator", indicator.id, "name"), a).status_code == 200
    assert user.put(_url("indicator", indicator.id, "target"), b).status_code == 200
    assert _values(app, "indicator", indicator.id, ["name", "target"]) == {
        "name": "参观人数",
        "target": "22万人次",
    }


def test_different_fields_of_one_group_never_conflict(app, user):
    project = _record(app, "project")
    a = _form(project, "quarters", {"plan_q1": "20"})
    b = _form(project, "quarters", {"plan_q3": "70"})
    assert user.put(_url("project", project.id, "quarters"), a).status_code == 200
    assert user.put(_url("project", project.id, "quarters"), b).status_code == 200
    assert _values(app, "project", project.id, ["plan_q1", "plan_q3"]) == {
        "plan_q1": D(20),
        "plan_q3": D(70),
    }


def test_the_same_value_typed_again_writes_nothing(app, user):
    project = _record(app, "project")
    response = user.put(
        _url("project", project.id, "money"), _form(project, "money", {"budget": "625.880"})
    )
    assert response.status_code == 200
    with app.app_context():
        assert Change.select().where(Change.action == "edit").count() == 0


def test_show_and_edit_fragments(app, user):
    indicator = _record(app, "indicator")
    shown = user.get(_url("indicator", indicator.id, "target")).get_data(as_text=True)
    assert shown.startswith(f'<td id="cell-{indicator.id}-target"') and "20万人次" in shown
    editor = user.get(_url("indicator", indicator.id, "target") + "/edit").get_data(as_text=True)
    assert f'name="version-target" value="{version("20万人次")}"' in editor
    assert 'value="20万人次"' in editor


@pytest.mark.parametrize(
    "url",
    [
        "/cells/indicator/9999/name",
        "/cells/indicator/1/nope",
        "/cells/nothing/1/name",
        "/cells/plan/1/code/edit",
    ],
)
def test_unknown_cells_are_404(user, url):
    assert user.get(url).status_code == 404


def test_a_deleted_indicator_cannot_be_edited(app, user):
    indicator = _record(app, "indicator")
    assert user.post(f"/indicators/{indicator.id}/delete").status_code == 200
    response = user.put(
        _url("indicator", indicator.id, "target"), _form(indicator, "target", {"target": "1"})
    )
    assert response.status_code == 404


def test_the_rows_of_a_deleted_project_are_gone_with_it(app, user):
    indicator = _record(app, "indicator")
    assert user.post(f"/projects/{indicator.project_id}/delete", htmx=False).status_code == 303
    url = _url("indicator", indicator.id, "target")
    assert user.get(url).status_code == 404
    assert user.get(url + "/edit").status_code == 404
    assert user.put(url, _form(indicator, "target", {"target": "1"})).status_code == 404
    assert _values(app, "indicator", indicator.id, ["target"]) == {"target": indicator.target}


def test_preview_renders_sanitised_markdown(user):
    response = user.post(
        "/cells/plan/1/overall_goal/preview", {"overall_goal": "**甲**<script>alert(1)</script>"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>甲</strong>" in html and "<script" not in html
    assert user.post("/cells/indicator/1/name/preview", {"name": "x"}).status_code == 404


def test_a_save_reads_the_session_and_its_record_once_each(app, user, caplog):
    """One cell save: the session, then the record with its project and plan (the right to edit
    is checked on those), then the history entry (named as its undo step: the UPDATE after it)
    and the value; then, for the findings shown at the cell, its project's review reads each
    table it needs once, a 指标值's answer reads last year's for beside it
    (app/services/next_year.py), and the cell's open comments for its mark. Nothing is read
    twice."""
    indicator = _record(app, "indicator")
    form = _form(indicator, "target", {"target": "≥30万人次"})
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        response = user.put(_url("indicator", indicator.id, "target"), form)
    assert response.status_code == 200
    statements = [record.msg[0] for record in caplog.records if record.name == "peewee"]
    # Last, once the value is written: the open comments of the cell it gives back, for its mark.
    assert '"comment"' in statements.pop()
    saving = 7 if database.obj.for_update else 5
    statements, review = statements[:saving], statements[saving:]
    kinds = [sql.split(None, 1)[0] for sql in statements]
    assert '"user_session"' in statements[0]
    assert all(f'"{table}"' in statements[1] for table in ("indicator", "project", "plan"))
    if database.obj.for_update:
        # PostgreSQL locks in order (app/services/records.py): where the row is, then its plan
        # FOR SHARE (a submit waits for it), then the row itself.
        assert kinds == ["SELECT", "SELECT", "SELECT", "SELECT", "INSERT", "UPDATE", "UPDATE"]
        assert statements[2].endswith('FOR SHARE OF "t1"')
        assert statements[3].endswith('FOR NO KEY UPDATE OF "t1"')
    else:
        assert kinds == ["SELECT", "SELECT", "INSERT", "UPDATE", "UPDATE"]
    review, last_year = review[:-1], review[-1]
    assert '"year"' in last_year  # last year's plan, after the write
    tables = [re.search(r'FROM "(\w+)"', sql).group(1) for sql in review]
    assert all(sql.startswith("SELECT") for sql in review)
    assert "project" in tables and "indicator" in tables
    assert len(tables) == len(set(tables))


EXACT = [
    {"budget": "100000000000.000001", "fiscal_funds": "100000000000", "other_funds": "0.000001"},
    {"budget": "33.335", "fiscal_funds": "33.335", "other_funds": "0"},
    {"budget": "0.0035", "fiscal_funds": "0", "other_funds": "35元"},
]


@pytest.mark.parametrize("typed", EXACT, ids=["18 digits", "3 decimals", "35元"])
def test_a_value_saved_is_the_value_stored(app, user, typed):
    project = _record(app, "project")
    response = user.put(_url("project", project.id, "money"), _form(project, "money", typed))
    assert response.status_code == 200
    with app.app_context():
        stored = Project.get_by_id(project.id)  # read back from the database
        assert stored.budget == stored.fiscal_funds + stored.other_funds
        assert stored.budget == D(typed["budget"])
        history = Change.get((Change.record_id == project.id) & (Change.field == "budget"))
        assert D(history.new) == stored.budget  # the history says what is stored
    page = user.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f">{typed['budget']}<" in page


def test_a_percentage_with_more_decimals_than_kept_is_refused(app, user):
    project = _record(app, "project")
    typed = {"plan_q1": "33.335", "plan_q2": "50", "plan_q3": "75", "plan_q4": "100"}
    response = user.put(_url("project", project.id, "quarters"), _form(project, "quarters", typed))
    assert response.status_code == 422
    assert "第一季度最多2位小数，不能是33.335" in response.get_data(as_text=True)
    assert _values(app, "project", project.id, ["plan_q1"]) == {"plan_q1": project.plan_q1}


@pytest.mark.parametrize("who,status", [("viewer", 403), ("reviewer", 403), ("editor", 200)])
def test_only_those_who_may_edit_a_text_preview_it(app, seeded, who, status):
    client = Browserless(logged_in(app, app.test_client(), who))
    response = client.post("/cells/plan/1/overall_goal/preview", {"overall_goal": "**甲**"})
    assert response.status_code == status


@pytest.mark.parametrize(
    "typed,code",
    [
        ("年参观\x00人次", "U+0000"),
        ("人次\x1b[31m", "U+001B"),
        ("abc\u202edcba", "U+202E"),
        ("甲\u2066乙", "U+2066"),
        ("甲\t乙", "U+0009"),
    ],
    ids=["NUL", "escape", "right-to-left override", "isolate", "tab"],
)
def test_hidden_characters_are_refused_in_cells(app, user, typed, code):
    indicator = _record(app, "indicator")
    for group in ("name", "description"):
        form = _form(indicator, group, {group: typed})
        response = user.put(_url("indicator", indicator.id, group), form)
        assert response.status_code == 422
        assert f"含有不可见的控制字符（{code}）" in response.get_data(as_text=True)
    assert _values(app, "indicator", indicator.id, ["name"]) == {"name": indicator.name}


@pytest.mark.parametrize(
    "typed,hint",
    [("≥90%", "≥ 90 %"), ("不少于10场", "≥ 10 场"), ("提高了群众的科学素质", None)],
)
def test_a_saved_target_shows_what_it_says_beside_it(app, user, typed, hint):
    record = _record(app, "indicator")
    response = user.put(
        f"/cells/indicator/{record.id}/target", _form(record, "target", {"target": typed})
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    if hint is None:
        assert "data-hint" not in html
    else:
        assert f'data-hint="{hint}"' in html
    page = user.get(f"/projects/{record.project_id}").get_data(as_text=True)
    assert (f'data-hint="{hint}"' in page) == (hint is not None)
