"""The full matrix: every role × every kind of action, checked on the server.

Each denied case is answered 403 (401 with HX-Redirect, or a redirect to the login page, when
nobody is logged in) and changes nothing.
"""

import pytest

from app.domain.fields import version
from app.models import Department, Plan, Project
from app.services.workflow import change_status
from tests.conftest import Browserless, account, database_snapshot, logged_in

ROLES = ["anonymous", "viewer", "editor", "other_editor", "reviewer", "root"]


@pytest.fixture
def world(app, seeded):
    """The seed's plan (405002, department of `editor`), a plan of 406001 (of `other_editor`),
    and a third plan, submitted for review."""
    with app.app_context():
        other = Plan.create(department=Department.get(Department.code == "406001"), year=2021)
        Project.create(plan=other, name="档案数字化", code="406001B21XX0001")
        submitted = Plan.create(department=Department.get(Department.code == "405002"), year=2022)
        change_status(account(), submitted.id, "submit")
        return {
            "own": Plan.get(Plan.year == 2021, Plan.department == 1),
            "other": other,
            "submitted": submitted,
        }


def _as(app, role):
    client = app.test_client()
    if role != "anonymous":
        logged_in(app, client, role)
    return client


def _token(client):
    """The page's CSRF token for a logged-in client; anonymous ones have none to send."""
    return Browserless(client).token if client.get_cookie("jixiao_session") else "none"


def _edit(client, plan):
    """Change the plan's 部门总体绩效目标 through the cell editor, as htmx does."""
    token = _token(client)
    form = {"overall_goal": "改过的目标", "version-overall_goal": version(plan.overall_goal)}
    return client.put(
        f"/cells/plan/{plan.id}/overall_goal",
        data=form,
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )


def _review(client, plan):
    token = _token(client)
    url = f"/plans/{plan.department.code}/{plan.year}/approve"
    return client.post(url, data={"csrf_token": token, "confirm": "yes"})


def _comment(client, plan):
    token = _token(client)
    project = Project.get(Project.plan == plan)
    return client.post(
        f"/projects/{project.id}/comments", data={"text": "意见", "csrf_token": token}
    )


def _manage_users(client):
    token = _token(client)
    data = {
        "username": "newcomer",
        "role": "viewer",
        "password": "long-enough-pw",
        "csrf_token": token,
    }
    return client.post("/users/", data=data)


ACTIONS = {
    "read": lambda client, world: client.get("/plans/405002/2021"),
    "edit own department": lambda client, world: _edit(client, world["own"]),
    "edit another department": lambda client, world: _edit(client, world["other"]),
    "review": lambda client, world: _review(client, world["submitted"]),
    "comment": lambda client, world: _comment(client, world["other"]),
    "manage users": lambda client, world: _manage_users(client),
}

# Who may do what: "edit own department" means the department of `editor` (405002).
ALLOWED = {
    "anonymous": set(),
    "viewer": {"read"},
    "editor": {"read", "edit own department"},
    "other_editor": {"edit another department"},
    "reviewer": {"read", "review", "comment"},
    "root": {
        "read",
        "edit own department",
        "edit another department",
        "review",
        "comment",
        "manage users",
    },
}
# A plan out of the user's reading scope (another department's) is one that does not exist: 404.
OUT_OF_SCOPE = {
    ("editor", "edit another department"),
    ("editor", "comment"),
    ("other_editor", "read"),
    ("other_editor", "edit own department"),
    ("other_editor", "review"),
}
ALLOWED_STATUS = {
    "read": 200,
    "edit own department": 200,
    "edit another department": 200,
    "review": 303,
    "comment": 303,
    "manage users": 303,
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_role_action_matrix(app, world, role, action):
    client = _as(app, role)
    with app.app_context():
        before = database_snapshot()
    response = ACTIONS[action](client, world)
    if action in ALLOWED[role]:
        assert response.status_code == ALLOWED_STATUS[action], response.get_data(as_text=True)[:300]
        return
    if role == "anonymous":
        if response.status_code == 401:
            assert response.headers["HX-Redirect"].startswith("/login")
        else:
            assert response.status_code == 302
            assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == (404 if (role, action) in OUT_OF_SCOPE else 403)
    with app.app_context():
        after = database_snapshot()
    assert after == before


def test_a_viewers_htmx_edit_is_refused_and_the_value_unchanged(app, world):
    client = _as(app, "viewer")
    response = _edit(client, world["own"])
    assert response.status_code == 403
    assert "jixiao:toast" in response.headers["HX-Trigger"]
    with app.app_context():
        assert Plan.get_by_id(world["own"].id).overall_goal == world["own"].overall_goal
    # A viewer's page offers no editor at all.
    page = client.get("/plans/405002/2021").get_data(as_text=True)
    assert "data-editable" not in page and "编辑保障措施" not in page


@pytest.mark.parametrize(
    "role,status", [("viewer", 403), ("editor", 404), ("reviewer", 403), ("root", 200)]
)
def test_edit_fragments_are_refused_to_those_who_may_not_edit(app, world, role, status):
    with app.app_context():
        indicator = Plan.get_by_id(world["other"].id).ordered_projects()[0]
    response = _as(app, role).get(f"/cells/project/{indicator.id}/name/edit")
    assert response.status_code == status


def test_an_editor_cannot_change_a_submitted_plan(app, world):
    client = _as(app, "editor")
    assert _edit(client, world["submitted"]).status_code == 403
