"""Every write asks the plan's status and the user's right inside its own write transaction.

A page is read, then a save is sent; meanwhile a colleague may submit the plan or a reviewer
approve it. Here the status changes at the moment a write transaction begins (after the view's
own checks, as a submit committed a moment earlier would have it): every write path must then
refuse, and write nothing. An approved plan is frozen for everyone, administrators included.
"""

import pytest

from app.db import database
from app.domain.fields import version
from app.models import Change, Comment, Indicator, Plan, Project
from tests.conftest import Browserless, database_snapshot, logged_in


def _first(plan_id):
    project = Plan.get_by_id(plan_id).ordered_projects()[0]
    return project, project.ordered_indicators()[0]


def _save_target(client, indicator):
    form = {"target": "≥99", "version-target": version(indicator.target)}
    return client.put(f"/cells/indicator/{indicator.id}/target", form)


def _save_goal(client, plan):
    form = {"overall_goal": "新的总体目标", "version-overall_goal": version(plan.overall_goal)}
    return client.put(f"/cells/plan/{plan.id}/overall_goal", form)


# (what is written, who writes it, how) — each as the page sends it.
WRITES = {
    "cell": ("editor", lambda c, plan, project, row, ids: _save_target(c, row)),
    "narrative": ("editor", lambda c, plan, project, row, ids: _save_goal(c, plan)),
    "add row": (
        "editor",
        lambda c, plan, project, row, ids: c.post(
            f"/projects/{project.id}/indicators", {"category_id": row.category_id}
        ),
    ),
    "insert row": (
        "editor",
        lambda c, plan, project, row, ids: c.post(
            f"/indicators/{row.id}/insert", {"where": "below"}
        ),
    ),
    "move row": (
        "editor",
        lambda c, plan, project, row, ids: c.post(
            f"/indicators/{row.id}/move", {"direction": "up"}
        ),
    ),
    "delete row": (
        "editor",
        lambda c, plan, project, row, ids: c.post(f"/indicators/{row.id}/delete"),
    ),
    "undelete row": (
        "editor",
        lambda c, plan, project, row, ids: c.post(f"/indicators/{ids['deleted']}/undelete"),
    ),
    "add project": (
        "editor",
        lambda c, plan, project, row, ids: c.post("/plans/405002/2021/projects", htmx=False),
    ),
    "delete project": (
        "editor",
        lambda c, plan, project, row, ids: c.post(f"/projects/{project.id}/delete", htmx=False),
    ),
    "restore": (
        "editor",
        lambda c, plan, project, row, ids: c.post(f"/history/{ids['edit']}/restore", htmx=False),
    ),
    "comment": (
        "reviewer",
        lambda c, plan, project, row, ids: c.post(
            f"/projects/{project.id}/comments", {"text": "请补充依据"}, htmx=False
        ),
    ),
    "resolve comment": (
        "editor",
        lambda c, plan, project, row, ids: c.post(
            f"/comments/{ids['comment']}/resolve", htmx=False
        ),
    ),
    "admin's cell": ("root", lambda c, plan, project, row, ids: _save_target(c, row)),
}


@pytest.fixture
def history(app, seeded, client):
    """The seed's plan with an edit, a deleted row and an open comment to act on."""
    with app.app_context():
        plan = Plan.get()
        project, row = _first(plan.id)
        second = project.ordered_indicators()[1]
    admin = Browserless(client)
    assert _save_target(admin, row).status_code == 200
    assert admin.post(f"/indicators/{second.id}/delete").status_code == 200
    with app.app_context():
        comment = Comment.create(project=project, user="reviewer", text="依据不足")
        ids = {
            "edit": Change.get(Change.action == "edit").id,
            "deleted": second.id,
            "comment": comment.id,
        }
        return plan.id, ids


def _status_changes_when_a_write_begins(monkeypatch, plan_id, status):
    """The plan's status becomes `status` (committed) just before the next write transaction."""
    proxy = type(database)
    atomic = proxy.atomic

    def submitted_meanwhile(self, *args, **kwargs):
        monkeypatch.setattr(proxy, "atomic", atomic)  # once
        with atomic(self):
            Plan.update(status=status).where(Plan.id == plan_id).execute()
        return atomic(self, *args, **kwargs)

    monkeypatch.setattr(proxy, "atomic", submitted_meanwhile)


@pytest.mark.parametrize("status", ["submitted", "approved"])
@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_that_meets_a_status_change_writes_nothing(
    app, history, monkeypatch, write, status
):
    plan_id, ids = history
    who, send = WRITES[write]
    client = Browserless(logged_in(app, app.test_client(), who))
    if "comment" in write and status == "submitted":
        pytest.skip("comments are written and resolved while a plan is in review")
    with app.app_context():
        plan = Plan.get_by_id(plan_id)
        project, row = _first(plan_id)
        before = database_snapshot()
    _status_changes_when_a_write_begins(monkeypatch, plan_id, status)
    response = send(client, plan, project, row, ids)
    assert response.status_code == 403, response.get_data(as_text=True)[:300]
    with app.app_context():
        after = database_snapshot()
    changed = [(name, b) for name, b in before.items() if after[name] != b]
    assert [name for name, _ in changed] == ["Plan"]  # its status, and nothing else


@pytest.mark.parametrize("who", ["root", "editor"])
def test_an_approved_plan_is_frozen_for_everyone(app, seeded, who):
    with app.app_context():
        Plan.update(status="approved").execute()
        project, row = _first(Plan.get().id)
    client = Browserless(logged_in(app, app.test_client(), who))
    assert client.get(f"/cells/indicator/{row.id}/target/edit").status_code == 403
    assert _save_target(client, row).status_code == 403
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "data-editable" not in page and "删除项目" not in page
    with app.app_context():
        assert Indicator.get_by_id(row.id).target == row.target
        assert Project.select().count() == 3
