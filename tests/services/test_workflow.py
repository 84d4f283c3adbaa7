"""The review status of a plan: submit, return with reasons, approve; each recorded."""

import pytest

from app.domain.workflow import WorkflowError
from app.models import Change, Plan
from app.services.workflow import change_status
from tests.conftest import account, logged_in, page_csrf_token


def _post(app, who, url, **data):
    client = logged_in(app, app.test_client(), who)
    csrf = page_csrf_token(client.get("/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": csrf, **data}, follow_redirects=True)


def test_submit_return_resubmit_approve(app, seeded):
    page = _post(app, "editor", "/plans/405002/2021/submit").get_data(as_text=True)
    assert "状态已改为“已提交”" in page
    assert "退回时请写明理由" in _post(app, "reviewer", "/plans/405002/2021/return").get_data(
        as_text=True
    )
    page = _post(app, "reviewer", "/plans/405002/2021/return", reason="成本指标缺少依据").get_data(
        as_text=True
    )
    assert "已退回" in page and "退回理由：成本指标缺少依据" in page
    _post(app, "editor", "/plans/405002/2021/submit")
    _post(app, "reviewer", "/plans/405002/2021/approve")
    with app.app_context():
        assert Plan.get().status == "approved"
        history = [
            (c.user, c.new)
            for c in Change.select().where(Change.field == "status").order_by(Change.id)
        ]
    assert history == [
        ("editor", "已提交"),
        ("reviewer", "已退回：成本指标缺少依据"),
        ("editor", "已提交"),
        ("reviewer", "已批复"),
    ]


def test_an_approved_plan_cannot_be_submitted_again(app, seeded):
    with app.app_context():
        plan = Plan.get()
        change_status(account(), plan.id, "submit")
        change_status(account(), plan.id, "approve")
        with pytest.raises(WorkflowError, match="已批复"):
            change_status(account(), plan.id, "submit")


def test_status_is_shown_with_the_buttons_each_role_may_use(app, seeded):
    editor = (
        logged_in(app, app.test_client(), "editor").get("/plans/405002/2021").get_data(as_text=True)
    )
    assert "草稿" in editor and "提交审核" in editor and "批复" not in editor
    viewer = (
        logged_in(app, app.test_client(), "viewer").get("/plans/405002/2021").get_data(as_text=True)
    )
    assert "提交审核" not in viewer


def test_the_history_page_names_a_status_change_in_chinese(app, seeded):
    _post(app, "editor", "/plans/405002/2021/submit")
    client = logged_in(app, app.test_client(), "viewer")
    page = client.get("/history/plans/405002/2021").get_data(as_text=True)
    row = page[page.index('class="action-status"') :]
    row = row[: row.index("</tr>")]
    assert ">状态</a>" in row and "<td>审核</td>" in row and "已提交" in row
    assert ">status<" not in row
