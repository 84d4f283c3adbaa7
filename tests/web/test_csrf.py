"""Every state-changing request needs the page's CSRF token; without it nothing changes."""

import pytest

from app.models import MODELS, Plan, User
from tests.conftest import CACHES, database_snapshot


def _ids(app):
    with app.app_context():
        plan = Plan.get()
        project = plan.ordered_projects()[0]
        return plan, project, project.ordered_indicators()[0]


def _reviewer_id():
    return User.get(User.username == "reviewer").id


def _requests(plan, project, indicator):
    code, year = plan.department.code, plan.year
    return [
        ("PUT", f"/cells/indicator/{indicator.id}/target", {"target": "x"}),
        ("PUT", f"/cells/project/{project.id}/money", {"budget": "1"}),
        ("PUT", f"/cells/plan/{plan.id}/overall_goal", {"overall_goal": "x"}),
        ("POST", "/cells/plan/1/overall_goal/preview", {"overall_goal": "x"}),
        ("POST", f"/projects/{project.id}/indicators", {"category_id": str(indicator.category_id)}),
        ("POST", f"/indicators/{indicator.id}/insert", {"where": "above"}),
        ("POST", f"/indicators/{indicator.id}/move", {"direction": "down"}),
        ("POST", f"/indicators/{indicator.id}/delete", {}),
        ("POST", f"/indicators/{indicator.id}/undelete", {}),
        (
            "POST",
            "/plans/new",
            {"code": "1", "name": "新部门", "year": "2022", "layout": "classic"},
        ),
        ("POST", f"/plans/{code}/{year}/projects", {}),
        ("POST", f"/projects/{project.id}/delete", {}),
        ("POST", "/history/1/restore", {}),
        ("POST", "/users/1/unlock", {}),
        ("POST", f"/users/{_reviewer_id()}/reviews", {"reviews": "406001"}),
        ("POST", f"/departments/{plan.department_id}/parent", {"parent": "406001"}),
        ("POST", "/imports/", {"year": "2022"}),
        ("POST", "/imports/some-token", {"fingerprint": "x", "apply": "x"}),
        ("POST", "/imports/some-token/cancel", {}),
    ]


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "form"])
def test_every_state_change_without_the_token_is_refused(app, user, htmx):
    with app.app_context():
        requests = _requests(*_ids(app))
        before = database_snapshot()
    for method, url, data in requests:
        response = user._send(method, url, data, token=False, htmx=htmx)
        assert response.status_code == 400, (method, url)
        assert "安全令牌" in response.get_data(as_text=True)
        if htmx:
            assert "jixiao:toast" in response.headers["HX-Trigger"]
    with app.app_context():
        assert database_snapshot() == before
    assert len(MODELS) == len(before) + len(CACHES)


def test_a_wrong_token_is_refused_too(app, user):
    _, _, indicator = _ids(app)
    user.token = "forged"
    response = user.put(f"/cells/indicator/{indicator.id}/target", {"target": "x"})
    assert response.status_code == 400
