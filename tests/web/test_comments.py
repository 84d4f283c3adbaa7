"""Reviewers' comments on a project or a row; editors of the department mark them resolved."""

import pytest

from app.models import Change, Comment, Plan
from tests.conftest import logged_in, page_csrf_token, refused


@pytest.fixture
def project(app, seeded):
    with app.app_context():
        project = Plan.get().ordered_projects()[0]
        return project, project.ordered_indicators()[3]  # 预算资金完成率, filed under 成本


def _post(app, who, url, **data):
    client = logged_in(app, app.test_client(), who)
    csrf = page_csrf_token(client.get("/").get_data(as_text=True))
    return client, client.post(url, data={"csrf_token": csrf, **data})


def test_a_reviewer_comments_on_a_row_and_everyone_sees_it(app, project):
    project, row = project
    _, response = _post(
        app,
        "reviewer",
        f"/projects/{project.id}/comments",
        text="执行率不宜作为成本指标",
        indicator_id=row.id,
    )
    assert response.status_code == 303 and "#comment-" in response.headers["Location"]
    page = (
        logged_in(app, app.test_client(), "viewer")
        .get(f"/projects/{project.id}")
        .get_data(as_text=True)
    )
    assert "执行率不宜作为成本指标" in page and "指标“预算资金完成率”" in page
    assert 'class="comment-mark"' in page and "1条未处理的审核意见" in page
    assert "添加意见" not in page and "标为已处理" not in page  # a viewer only reads


@pytest.mark.parametrize("who", ["editor", "viewer", "other_editor"])
def test_only_reviewers_and_admins_comment(app, project, who):
    project, _ = project
    _, response = _post(app, who, f"/projects/{project.id}/comments", text="意见")
    assert response.status_code == refused(who)
    with app.app_context():
        assert Comment.select().count() == 0


def test_the_departments_editor_resolves_a_comment(app, project):
    project, row = project
    _post(app, "reviewer", f"/projects/{project.id}/comments", text="补充依据", indicator_id=row.id)
    with app.app_context():
        comment = Comment.get()
    for who in ("other_editor", "reviewer", "viewer"):
        assert _post(app, who, f"/comments/{comment.id}/resolve")[1].status_code == refused(who)
    client, response = _post(app, "editor", f"/comments/{comment.id}/resolve")
    assert response.status_code == 303
    with app.app_context():
        assert Comment.get_by_id(comment.id).resolved_by == "editor"
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "已由 editor 处理" in page and 'class="comment-mark"' not in page


def test_a_comment_must_say_something_about_this_project(app, project):
    project, _ = project
    client, empty = _post(app, "reviewer", f"/projects/{project.id}/comments", text="  ")
    assert "意见不能为空" in client.get(empty.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        elsewhere = Plan.get().ordered_projects()[1].ordered_indicators()[0]
    _, foreign = _post(
        app, "reviewer", f"/projects/{project.id}/comments", text="x", indicator_id=elsewhere.id
    )
    assert foreign.status_code == 400
    with app.app_context():
        assert Comment.select().count() == 0


def test_adding_and_resolving_a_comment_are_in_the_history(app, project):
    project, row = project
    _post(app, "reviewer", f"/projects/{project.id}/comments", text="补充依据", indicator_id=row.id)
    with app.app_context():
        comment = Comment.get()
    _post(app, "editor", f"/comments/{comment.id}/resolve")
    with app.app_context():
        changes = Change.select().where(Change.entity == "comment").order_by(Change.id)
        assert [(c.action, c.user, c.old, c.new) for c in changes] == [
            ("create", "reviewer", None, "补充依据"),
            ("resolve", "editor", "补充依据", None),
        ]
    page = logged_in(app, app.test_client(), "viewer").get(f"/history/projects/{project.id}")
    text = page.get_data(as_text=True)
    assert "审核意见“补充依据”" in text and "处理" in text


def test_a_comment_with_hidden_characters_is_refused(app, project):
    project, _ = project
    client, response = _post(
        app, "reviewer", f"/projects/{project.id}/comments", text="依据\u202e不足"
    )
    assert "不可见的控制字符（U+202E）" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    with app.app_context():
        assert Comment.select().count() == 0


def test_an_approved_plan_takes_no_comments(app, project):
    project, _ = project
    with app.app_context():
        Plan.update(status="approved").execute()
    _, response = _post(app, "reviewer", f"/projects/{project.id}/comments", text="意见")
    assert response.status_code == 403
