"""Pages that stay current: what changed since a page was read, and who has what open."""

import datetime
import re

import pytest

from app.db import database
from app.domain.fields import Edit, version
from app.models import Change, Plan, Presence, User
from app.services import live
from app.services.saving import save_cell
from app.services.workflow import change_status
from app.web import projects as project_page
from tests.conftest import Browserless, account, logged_in

CHANGES = "/plans/405002/2021/changes"
PRESENCE = "/plans/405002/2021/presence"


@pytest.fixture
def world(app, seeded):
    """The seed's plan, its first project and that project's first indicator, by id."""
    with app.app_context():
        plan = Plan.get()
        project = plan.ordered_projects()[0]
        indicator = project.ordered_indicators()[0]
        return {"plan": plan, "project": project, "indicator": indicator}


def _person(app, name):
    return Browserless(logged_in(app, app.test_client(), name))


def _since(person, url):
    """The change id a page was read at, from its `#live` element."""
    page = person.get(url).get_data(as_text=True)
    return int(re.search(r'id="live"[^>]*data-last-change="(\d+)"', page).group(1))


def _poll(person, since, project=None):
    query = f"?since={since}" + (f"&project={project.id}" if project else "")
    response = person.get(CHANGES + query)
    assert response.status_code == 200
    return response.get_json()


def _save(person, entity, record, form):
    typed = dict(form)
    for name in form:
        typed[f"version-{name}"] = version(getattr(record, name))
    group = "money" if "budget" in form else next(iter(form))
    response = person.put(f"/cells/{entity}/{record.id}/{group}", typed)
    assert response.status_code == 200, response.get_data(as_text=True)


def test_a_colleagues_edit_is_listed_with_who_and_when(app, world, user):
    indicator, project = world["indicator"], world["project"]
    since = _since(user, f"/projects/{project.id}")
    _save(_person(app, "editor"), "indicator", indicator, {"target": "≥99%"})
    answer = _poll(user, since, project)
    with app.app_context():
        change = Change.select().order_by(Change.id.desc()).get()
    assert answer["last"] == change.id > since
    assert answer["cells"] == [
        {
            "id": f"cell-{indicator.id}-target",
            "url": f"/cells/indicator/{indicator.id}/target",
            "user": "editor",
            "at": change.at.strftime("%H:%M"),
            "label": "指标值",
        }
    ]
    assert answer["rows"] is False and answer["status"] == "draft"
    # The cell named is on the page, and its fragment shows the new value.
    assert f'id="cell-{indicator.id}-target"' in user.get(f"/projects/{project.id}").get_data(
        as_text=True
    )
    assert "≥99%" in user.get(answer["cells"][0]["url"]).get_data(as_text=True)
    # Asked again from the new id: nothing more.
    assert _poll(user, answer["last"], project)["cells"] == []


def test_a_money_edit_is_one_cell_naming_the_fields_changed(app, world, user):
    project = world["project"]
    since = _since(user, f"/projects/{project.id}")
    budget = project.budget + 10
    form = {"budget": str(budget), "fiscal_funds": str(project.fiscal_funds + 10)}
    form["other_funds"] = "" if project.other_funds is None else str(project.other_funds)
    _save(_person(app, "editor"), "project", project, form)
    cells = _poll(user, since, project)["cells"]
    assert [(c["id"], c["label"], c["user"]) for c in cells] == [
        (f"cell-project-{project.id}-money", "预算数、财政资金", "editor")
    ]
    html = user.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'id="cell-project-{project.id}-money"' in html
    # On the plan page the projects table shows money as plain figures: it is reloaded.
    assert _poll(user, since)["rows"] is True


def test_plan_page_cells_are_on_the_plan_page(app, world, user):
    plan, project = world["plan"], world["project"]
    since = _since(user, "/plans/405002/2021")
    editor = _person(app, "editor")
    _save(editor, "plan", plan, {"overall_goal": "新的总体目标"})
    _save(editor, "project", project, {"summary": "新的分项目标"})
    answer = _poll(user, since)
    ids = [cell["id"] for cell in answer["cells"]]
    assert ids == [f"cell-plan-{plan.id}-overall_goal", f"cell-project-{project.id}-summary"]
    html = user.get("/plans/405002/2021").get_data(as_text=True)
    assert all(f'id="{dom_id}"' in html for dom_id in ids)
    assert answer["rows"] is False  # no row of the projects table changed
    # A project page hears of its own project's summary, not of the plan's narrative.
    assert [c["id"] for c in _poll(user, since, project)["cells"]] == ids[1:]


def test_a_row_inserted_asks_the_project_page_to_reload_its_rows(app, world, user):
    indicator, project = world["indicator"], world["project"]
    since = _since(user, f"/projects/{project.id}")
    response = _person(app, "editor").post(f"/indicators/{indicator.id}/insert", {"where": "below"})
    assert response.status_code == 200
    answer = _poll(user, since, project)
    assert answer["rows"] is True and answer["cells"] == []
    with app.app_context():
        other = Plan.get().ordered_projects()[1]
    assert _poll(user, since, other)["rows"] is False  # another project's page: not its rows
    assert _poll(user, since)["rows"] is False  # the plan page lists projects, not indicators


def test_a_status_change_is_seen_by_every_page(app, world, user):
    project = world["project"]
    since = _since(user, f"/projects/{project.id}")
    with app.app_context():
        change_status(account("editor"), world["plan"].id, "submit")
    for where in (project, None):
        answer = _poll(user, since, where)
        assert (answer["rows"], answer["status"]) == (True, "submitted")


def test_nothing_changed_is_one_cheap_answer(app, world, user, monkeypatch):
    project = world["project"]
    since = _since(user, f"/projects/{project.id}")
    _poll(user, since, project)  # the session is fresh and the presence row written
    statements = []
    execute = database.obj.execute_sql

    def counted(sql, params=None, *args, **kwargs):
        statements.append(sql)
        return execute(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", counted)
    answer = _poll(user, since, project)
    assert answer == {
        "last": since,
        "cells": [],
        "rows": False,
        "status": "draft",
        "presence": [],
    }
    # Who is asking, the plan with its changes since (none), the plan's presence rows.
    assert len(statements) == 3, statements
    assert sum("change" in sql.lower() for sql in statements) == 1


def test_too_many_changes_since_reload_the_rows(app, world, user, monkeypatch):
    monkeypatch.setattr(live, "LIMIT", 1)
    indicator, project = world["indicator"], world["project"]
    since = _since(user, f"/projects/{project.id}")
    editor = _person(app, "editor")
    _save(editor, "indicator", indicator, {"target": "1次"})
    _save(editor, "indicator", indicator, {"basis": "历史标准"})
    answer = _poll(user, since, project)
    with app.app_context():
        assert answer["last"] == Change.select().order_by(Change.id.desc()).get().id
    assert answer["rows"] is True and answer["cells"] == []


@pytest.mark.parametrize(
    "query",
    ["", "?since=", "?since=abc", "?since=-1", "?since=１", "?since=1&project=x", "?since=1e3"],
)
def test_a_bad_since_or_project_is_refused(world, user, query):
    assert user.get(CHANGES + query).status_code == 400


def test_an_unknown_plan_is_not_found(world, user):
    assert user.get("/plans/405002/1999/changes?since=0").status_code == 404
    assert user.post("/plans/405002/1999/presence", {"cell": ""}).status_code == 404


def test_anonymous_and_disabled_users_are_sent_to_log_in(app, world):
    anonymous = app.test_client()
    assert anonymous.get(CHANGES + "?since=0").status_code == 302
    htmx = anonymous.get(CHANGES + "?since=0", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and "/login" in htmx.headers["HX-Redirect"]
    viewer = logged_in(app, app.test_client(), "viewer")
    assert viewer.get(CHANGES + "?since=0").status_code == 200  # every active user reads
    with app.app_context():
        User.update(active=False).where(User.username == "viewer").execute()
    response = viewer.get(CHANGES + "?since=0")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _presence(person, since=0, project=None):
    return _poll(person, since, project)["presence"]


def test_an_open_editor_is_shown_to_the_others_only(app, world, user):
    project, indicator = world["project"], world["indicator"]
    editor = _person(app, "editor")
    cell = f"cell-{indicator.id}-target"
    assert editor.post(PRESENCE, {"cell": cell, "project": project.id}).status_code == 204
    expected = [
        {"id": f"project-{project.id}", "user": "editor"},
        {"id": cell, "user": "editor"},
    ]
    assert _presence(user, project=project) == expected
    assert _presence(user) == expected  # the plan page marks the project's row too
    # Not oneself; root's polls of the project page made root present there.
    assert _presence(editor, project=project) == [{"id": f"project-{project.id}", "user": "root"}]
    # The editor closed: the project page stays open.
    assert editor.post(PRESENCE, {"cell": "", "project": project.id}).status_code == 204
    assert _presence(user) == expected[:1]
    # The page left: nothing, and nothing kept.
    assert editor.post(PRESENCE, {}).status_code == 204
    with app.app_context():
        assert not Presence.select().where(Presence.user == "editor").exists()
    assert _presence(_person(app, "reviewer")) == [{"id": f"project-{project.id}", "user": "root"}]


def test_a_project_page_polling_is_present_without_posting(app, world, user):
    project = world["project"]
    _poll(_person(app, "viewer"), 0, project)
    assert _presence(user) == [{"id": f"project-{project.id}", "user": "viewer"}]
    _poll(_person(app, "reviewer"), 0)  # the plan page with no editor open: nothing to show
    assert _presence(user) == [{"id": f"project-{project.id}", "user": "viewer"}]


def test_presence_expires_unless_polls_keep_it(app, world):
    project, cell = world["project"], f"cell-project-{world['project'].id}-goal"
    with app.app_context():
        editor, root = account("editor"), account("root")
        live.set_presence("405002", 2021, editor, cell, project.id)
        now = datetime.datetime.now()

        def seen_by_root(at):
            return live.changes_since("405002", 2021, 0, root, now=at).presence

        assert len(seen_by_root(now + datetime.timedelta(seconds=50))) == 2
        assert seen_by_root(now + datetime.timedelta(seconds=61)) == []
        # The editor's page polls 30 s on: the row is written again, the cell kept.
        live.changes_since("405002", 2021, 0, editor, project.id, now + live.REFRESH * 1.5)
        assert seen_by_root(now + datetime.timedelta(seconds=61)) == [
            (f"project-{project.id}", "editor"),
            (cell, "editor"),
        ]
        # A poll soon after writes nothing.
        seen = Presence.get().seen_at
        live.changes_since("405002", 2021, 0, editor, project.id, seen + datetime.timedelta(1e-4))
        assert Presence.get().seen_at == seen


@pytest.mark.parametrize(
    "form",
    [
        {"cell": "project-1"},
        {"cell": '"><script>'},
        {"cell": "cell-1-target x"},
        {"cell": "cell-1-target", "project": "x"},
    ],
)
def test_presence_of_anything_but_a_cell_is_refused(world, user, form):
    assert user.post(PRESENCE, form).status_code == 400


def test_presence_on_a_project_of_another_plan_is_not_found(app, world, user):
    with app.app_context():
        deleted = Plan.get().ordered_projects()[1]
    user.post(f"/projects/{deleted.id}/delete", {"csrf_token": user.token})
    assert user.post(PRESENCE, {"cell": "", "project": deleted.id}).status_code == 404


def test_a_poll_naming_a_project_not_in_the_plan_leaves_no_presence(app, world, user):
    with app.app_context():
        deleted = Plan.get().ordered_projects()[1]
    user.post(f"/projects/{deleted.id}/delete", {"csrf_token": user.token})
    _poll(_person(app, "viewer"), 0, deleted)  # a deleted project: no longer in the plan
    assert _presence(user) == []
    with app.app_context():
        assert Presence.select().where(Presence.project_id.is_null(False)).count() == 0


@pytest.mark.parametrize("htmx", [True, False])
def test_presence_needs_the_csrf_token(app, world, user, htmx):
    response = user.post(PRESENCE, {"cell": "cell-1-target"}, token=False, htmx=htmx)
    assert response.status_code == 400
    with app.app_context():
        assert Presence.select().count() == 0
    # The token as a form field does (navigator.sendBeacon cannot set headers).
    form = {"cell": "cell-1-target", "csrf_token": user.token}
    assert user.post(PRESENCE, form, token=False, htmx=False).status_code == 204


def test_the_pages_say_where_to_poll_from(app, world, user):
    project = world["project"]
    with app.app_context():
        latest = live.latest_change_id()
    for url, changes in (
        (f"/projects/{project.id}", f"{CHANGES}?project={project.id}"),
        ("/plans/405002/2021", CHANGES),
    ):
        html = user.get(url).get_data(as_text=True)
        element = re.search(r'<div id="live"[^>]*>', html).group(0)
        assert f'data-changes-url="{changes}"' in element
        assert f'data-presence-url="{PRESENCE}"' in element
        assert f'data-last-change="{latest}"' in element
        assert 'data-poll-seconds="4"' in element


def test_a_save_while_the_page_is_built_is_reported_by_its_first_poll(
    app, world, user, monkeypatch
):
    import app.web.projects

    indicator, project = world["indicator"], world["project"]
    read_table = app.web.projects.project_table

    def a_colleague_saves_meanwhile(*args):
        table = read_table(*args)
        edit = Edit(
            "indicator", "target", {"target": "≥98%"}, {"target": version(indicator.target)}
        )
        assert save_cell(account("editor"), indicator.id, edit).status == 200
        return table

    monkeypatch.setattr(project_page, "project_table", a_colleague_saves_meanwhile)
    since = _since(user, f"/projects/{project.id}")
    monkeypatch.undo()
    assert [c["id"] for c in _poll(user, since, project)["cells"]] == [
        f"cell-{indicator.id}-target"
    ]


def test_the_editor_can_say_who_changed_a_cell_last(app, world):
    indicator, project = world["indicator"], world["project"]
    with app.app_context():
        assert live.last_change("indicator", indicator.id, ["target"]) is None
    editor = _person(app, "editor")
    _save(editor, "indicator", indicator, {"target": "≥99%"})
    _save(editor, "project", project, {"goal": "新目标"})
    with app.app_context():
        found = live.last_change("indicator", indicator.id, ["target"])
        change = Change.get((Change.entity == "indicator") & (Change.field == "target"))
        assert (found.id, found.user, found.at) == (change.id, "editor", change.at)
        assert found.when == change.at.strftime("%H:%M")
        assert live.last_change("indicator", indicator.id, ["name", "basis"]) is None
        money = live.last_change("project", project.id, ["budget", "fiscal_funds", "other_funds"])
        assert money is None


def test_times_from_other_days_name_the_day():
    at = datetime.datetime(2026, 12, 2, 9, 5)
    assert live.clock(at, datetime.date(2026, 12, 2)) == "09:05"
    assert live.clock(at, datetime.date(2026, 12, 3)) == "12月2日 09:05"
    assert live.clock(at, datetime.date(2027, 1, 3)) == "2026年12月2日 09:05"
