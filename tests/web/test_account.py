"""Changing one's own password at /account/password, and 姓名 on the users page and header."""

from app.models import LoginThrottle, User
from app.services import accounts
from tests.conftest import PASSWORD, account, logged_in, page_csrf_token

NEW = "a-new-long-password"


def _change(client, current, new, repeated, csrf=True):
    page = client.get("/account/password").get_data(as_text=True)
    data = {"current": current, "new": new, "repeated": repeated}
    if csrf:
        data["csrf_token"] = page_csrf_token(page)
    return client.post("/account/password", data=data)


def test_every_user_changes_their_own_password_and_stays_logged_in(app, seeded):
    client = logged_in(app, app.test_client(), "viewer")
    other = logged_in(app, app.test_client(), "viewer")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/account/password">修改密码</a>' in home
    response = _change(client, PASSWORD, NEW, NEW)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "密码已修改" in page
    assert client.get("/").status_code == 200  # this browser is still logged in
    assert other.get("/").status_code == 302  # the other one is sent to the login page
    with app.app_context():
        assert accounts.login("viewer", NEW, "x")


def test_a_wrong_current_password_is_refused_in_chinese_and_throttled(app, seeded):
    client = logged_in(app, app.test_client(), "editor")
    for _ in range(accounts.ACCOUNT_FAILURES):
        response = _change(client, "wrong-password", NEW, NEW)
        assert response.status_code == 422
        assert "当前密码不正确" in response.get_data(as_text=True)
    with app.app_context():
        assert LoginThrottle.get(LoginThrottle.key == "user:editor").locked_until is not None
    response = _change(client, PASSWORD, NEW, NEW)
    assert response.status_code == 422 and "失败次数过多" in response.get_data(as_text=True)


def test_the_new_password_follows_the_rules_and_typed_passwords_are_not_shown(app, seeded):
    client = logged_in(app, app.test_client(), "editor")
    for new, repeated, words in [
        ("short", "short", "新密码至少10位"),
        (NEW, NEW + "x", "两次输入的新密码不一致"),
    ]:
        response = _change(client, PASSWORD, new, repeated)
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and words in html and NEW not in html
        assert PASSWORD not in html


def test_changing_the_password_needs_the_csrf_token(app, seeded):
    client = logged_in(app, app.test_client(), "editor")
    assert _change(client, PASSWORD, NEW, NEW, csrf=False).status_code == 400
    with app.app_context():
        assert accounts.login("editor", PASSWORD, "x")


def test_the_admin_sets_full_names_and_the_header_shows_them(app, seeded, client):
    csrf = page_csrf_token(client.get("/users/").get_data(as_text=True))
    created = client.post(
        "/users/",
        data={
            "username": "wang",
            "full_name": "王五",
            "role": "viewer",
            "password": "long-enough-pw",
            "csrf_token": csrf,
        },
    )
    assert created.status_code == 303
    with app.app_context():
        editor = account("editor")
    data = {"full_name": "赵六", "role": "editor", "department": "405002", "active": "on"}
    client.post(f"/users/{editor.id}", data={**data, "csrf_token": csrf})
    too_long = client.post(
        f"/users/{editor.id}",
        data={**data, "full_name": "长" * 51, "csrf_token": csrf},
        follow_redirects=True,
    )
    assert "姓名不能超过50个字" in too_long.get_data(as_text=True)
    with app.app_context():
        assert User.get(User.username == "wang").full_name == "王五"
        assert User.get_by_id(editor.id).full_name == "赵六"
    header = logged_in(app, app.test_client(), "editor").get("/").get_data(as_text=True)
    assert '<span class="full-name">赵六</span> editor（填报人' in header
    # Without a name, the header shows the username alone.
    assert "full-name" not in logged_in(app, app.test_client(), "viewer").get("/").get_data(
        as_text=True
    )


def test_a_refused_role_is_named_in_chinese(app, seeded, client):
    csrf = page_csrf_token(client.get("/users/").get_data(as_text=True))
    data = {"username": "sun", "role": "god", "password": "long-enough-pw", "csrf_token": csrf}
    html = client.post("/users/", data=data).get_data(as_text=True)
    assert "角色应为领导（查看）、填报人、审核人、管理员之一" in html
    data = {"username": "zhou", "role": "editor", "password": "long-enough-pw", "csrf_token": csrf}
    html = client.post("/users/", data=data).get_data(as_text=True)
    assert "填报人必须属于一个部门" in html and "（editor）" not in html
