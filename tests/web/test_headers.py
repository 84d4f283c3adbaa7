"""Security headers on every page and fragment; no stack trace reaches a page."""

import pytest

from app.models import Plan
from app.web.headers import HEADERS


def _urls(app):
    with app.app_context():
        plan = Plan.get()
        project = plan.ordered_projects()[0]
        indicator = project.ordered_indicators()[0]
    return [
        "/",
        "/plans/405002/2021",
        f"/projects/{project.id}",
        f"/history/projects/{project.id}",
        "/history/plans/405002/2021",
        f"/history/cells/indicator/{indicator.id}?field=target",
        "/plans/new",
        f"/cells/indicator/{indicator.id}/target",
        f"/cells/indicator/{indicator.id}/target/edit",
        "/no/such/page",
        "/static/app.css",
    ]


def test_every_response_carries_the_security_headers(app, client, seeded):
    for url in _urls(app):
        response = client.get(url)
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (url, name)
    csp = HEADERS["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert HEADERS["Referrer-Policy"] == "same-origin"


def test_a_server_error_shows_no_trace_or_sql(app, client, seeded, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("SELECT secret FROM plan -- Traceback")

    monkeypatch.setattr(Plan, "find", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/plans/405002/2021")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "服务器处理请求时出错" in page
    assert "SELECT" not in page and "Traceback" not in page and "RuntimeError" not in page


@pytest.mark.parametrize("size", [9 * 1024 * 1024])
def test_an_oversized_request_is_refused(user, size):
    response = user.post("/cells/plan/1/overall_goal/preview", {"overall_goal": "甲" * (size // 3)})
    assert response.status_code == 413
