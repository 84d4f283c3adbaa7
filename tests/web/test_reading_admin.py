"""Who reads what, as the administrator sets it (issue 14): 审核部门 on 用户管理, 主管部门 on
部门管理, and 访问记录 (the refused reads and the logins); refused to everybody else."""

import html
import re

import pytest

from app.models import Department
from app.services import reviewers
from app.services.plans import ensure_department
from tests.conftest import Browserless, account, database_snapshot, logged_in

HOSTILE = "/plans/405002/2021?next=<script>alert(1)</script>"


@pytest.fixture
def site(app, seeded):
    with app.app_context():
        ensure_department("412001", "唐山市文化广电和旅游局")
        ensure_department("405", "唐山市科协系统")
        return {
            code: Department.get(Department.code == code).id
            for code in ("405002", "406001", "412001", "405")
        }


def _text(answer):
    return answer.get_data(as_text=True)


def _id(app, name):
    with app.app_context():
        return account(name).id


@pytest.mark.parametrize("name", ["editor", "viewer", "reviewer"])
def test_the_new_pages_and_forms_are_refused_to_everybody_but_the_administrator(app, site, name):
    client = logged_in(app, app.test_client(), name)
    person = Browserless(client)
    with app.app_context():
        before = database_snapshot()
    reviewer = _id(app, "reviewer")
    assert client.get("/users/log").status_code == 403
    assert person.post(f"/users/{reviewer}/reviews", {"reviews": "406001"}).status_code == 403
    parent = person.post(f"/departments/{site['405002']}/parent", {"parent": "405"})
    assert parent.status_code == 403
    with app.app_context():
        assert database_snapshot() == before


def test_a_reviewers_departments_are_shown_and_edited_on_the_users_page(app, site, user):
    reviewer = _id(app, "reviewer")
    page = _text(user.get("/users/"))
    assert 'id="reviews-' + str(reviewer) + '"' in page
    # only reviewers have the field; one with none reviews every department
    assert page.count('name="reviews"') == 1 + 1  # the reviewer's row and the new-user form
    assert re.search(r'class="meta assigned">全部部门<', page)
    answer = user.post(f"/users/{reviewer}/reviews", {"reviews": "412001、405002"}, htmx=False)
    assert answer.status_code == 303
    page = _text(user.get(answer.location))
    assert 'value="405002、412001"' in page
    assert "405002 唐山市科学技术协会、412001 唐山市文化广电和旅游局" in page
    assert "reviewer 的审核部门：405002、412001。" in page


def test_an_unknown_code_is_refused_beside_the_field_and_nothing_is_saved(app, site, user):
    reviewer = _id(app, "reviewer")
    with app.app_context():
        reviewers.set_reviews(account("reviewer"), "406001")
        before = database_snapshot()
    answer = user.post(f"/users/{reviewer}/reviews", {"reviews": "405002 777777"}, htmx=False)
    assert answer.status_code == 422
    page = _text(answer)
    error = re.search(rf'id="reviews-error-{reviewer}">([^<]+)<', page)
    assert error and error.group(1) == "没有编码为 777777 的部门，审核部门未作修改"
    assert 'value="405002 777777"' in page  # what was typed, to correct
    with app.app_context():
        assert database_snapshot() == before
        assert [d.code for d in reviewers.reviews_of(account("reviewer"))] == ["406001"]


def test_a_reviewer_is_created_with_departments_from_the_new_user_form(app, site, user):
    form = {"username": "jkw", "role": "reviewer", "password": "a-long-password", "full_name": ""}
    refused = user.post("/users/", {**form, "reviews": "405002,123"}, htmx=False)
    assert refused.status_code == 422 and "没有编码为 123 的部门" in _text(refused)
    assert 'value="405002,123"' in _text(refused)
    made = user.post("/users/", {**form, "reviews": "405002，406001"}, htmx=False)
    assert made.status_code == 303
    with app.app_context():
        assert [d.code for d in reviewers.reviews_of(account("jkw"))] == ["405002", "406001"]
    viewer = user.post("/users/", {**form, "username": "ld", "role": "viewer", "reviews": "405"})
    assert viewer.status_code == 422 and "只有审核人可以指定审核部门" in _text(viewer)


def test_a_parent_is_set_on_the_departments_page_and_a_loop_refused(app, site, user):
    answer = user.post(f"/departments/{site['405002']}/parent", {"parent": "405"}, htmx=False)
    assert answer.status_code == 303
    page = _text(user.get("/departments/"))
    assert "已修改405002 唐山市科学技术协会的主管部门：（无） → 405 唐山市科协系统" in page
    row = re.search(rf'<tr id="department-{site["405002"]}">.*?</tr>', page, re.S).group(0)
    assert 'name="parent" value="405"' in row and "唐山市科协系统" in row
    with app.app_context():
        before = database_snapshot()
    loop = user.post(f"/departments/{site['405']}/parent", {"parent": "405002"}, htmx=False)
    assert loop.status_code == 422
    error = re.search(rf'id="parent-error-{site["405"]}">([^<]+)<', _text(loop))
    assert error and error.group(1) == "主管部门不能是本部门或其所属单位：405002 是 405 的所属单位"
    with app.app_context():
        assert database_snapshot() == before
    history = _text(user.get(f"/departments/{site['405002']}"))
    assert "主管部门" in history and "405 唐山市科协系统" in history
    cleared = user.post(f"/departments/{site['405002']}/parent", {"parent": ""}, htmx=False)
    assert cleared.status_code == 303
    with app.app_context():
        assert Department.get_by_id(site["405002"]).parent_id is None


def test_the_access_log_shows_another_users_refused_read_as_text(app, site, client):
    other = logged_in(app, app.test_client(), "other_editor")
    assert other.get("/plans/405002/2021").status_code == 404
    assert other.get(HOSTILE).status_code == 404
    assert other.get("/plans/405002/2099").status_code == 404  # no such plan
    page = _text(client.get("/users/log"))
    assert "<script>alert(1)</script>" not in page
    assert html.escape(HOSTILE, quote=False) in page
    refused = re.findall(r'<tr id="refused-read-\d+">(.*?)</tr>', page, re.S)
    assert any(
        "other_editor" in row and "/plans/405002/2021<" in row and "无权查看" in row
        for row in refused
    )
    assert any("/plans/405002/2099<" in row and "不存在" in row for row in refused)
    logins = re.findall(r'<tr id="login-\d+"[^>]*>(.*?)</tr>', page, re.S)
    assert any("other_editor" in row and "成功" in row for row in logins)
    assert 'href="/users/log"' in _text(client.get("/users/"))
