"""Accounts: logging in and out, sessions, throttling, the login log, the CLI, the admin page."""

import datetime
import logging
import re

import pytest
from argon2 import PasswordHasher

from app.db import database
from app.models import LoginEvent, LoginThrottle, User, UserSession
from app.services import accounts
from app.services.setup import ensure_admin
from app.web.access import COOKIE
from tests.conftest import PASSWORD, logged_in, login_page_token, page_csrf_token


def _login(client, username, password, address="10.0.0.1"):
    token = login_page_token(client)
    data = {"username": username, "password": password, "csrf_token": token}
    return client.post(
        "/login?next=/plans/405002/2021", data=data, environ_base={"REMOTE_ADDR": address}
    )


def test_anonymous_pages_go_to_the_login_page(app, seeded):
    client = app.test_client()
    response = client.get("/projects/1")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/projects/1"
    htmx = client.get("/cells/indicator/1/name/edit", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/login")
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_login_sets_a_safe_cookie_and_rotates_the_session(app, seeded):
    client = app.test_client()
    before = login_page_token(client)
    response = _login(client, "editor", PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/plans/405002/2021"
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/").get_data(as_text=True)
    assert "editor（填报人 · 唐山市科学技术协会）" in page
    after = page_csrf_token(page)
    assert after != before  # Flask's session, and its CSRF token, started anew


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_the_site(app, seeded, target):
    client = app.test_client()
    data = {"username": "editor", "password": PASSWORD, "csrf_token": login_page_token(client)}
    response = client.post(f"/login?next={target}", data=data)
    assert response.headers["Location"] == "/"


def test_a_wrong_password_says_so_without_telling_which_part(app, seeded):
    client = app.test_client()
    for username in ("editor", "nobody"):
        response = _login(client, username, "wrong-password")
        assert response.status_code == 422
        assert "用户名或密码不正确" in response.get_data(as_text=True)
    assert client.get_cookie(COOKIE) is None


def test_logout_invalidates_the_old_cookie(app, seeded):
    client = logged_in(app, app.test_client(), "editor")
    token = client.get_cookie(COOKIE).value
    csrf = page_csrf_token(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    replay = app.test_client()
    replay.set_cookie(COOKIE, token)
    assert replay.get("/").status_code == 302


def test_disabling_a_user_ends_their_sessions_at_once(app, seeded):
    victim = logged_in(app, app.test_client(), "editor")
    assert victim.get("/").status_code == 200
    admin = logged_in(app, app.test_client(), "root")
    csrf = page_csrf_token(admin.get("/users/").get_data(as_text=True))
    with app.app_context():
        editor = User.get(User.username == "editor")
    data = {"role": "editor", "department": "405002", "csrf_token": csrf}  # no "active": unticked
    assert admin.post(f"/users/{editor.id}", data=data).status_code == 303
    assert victim.get("/").status_code == 302
    assert _login(app.test_client(), "editor", PASSWORD).status_code == 422


def test_an_idle_session_ends(app, seeded):
    client = logged_in(app, app.test_client(), "viewer")
    with app.app_context():
        UserSession.update(
            last_seen=datetime.datetime.now()
            - accounts.IDLE_TIMEOUT
            - datetime.timedelta(minutes=1)
        ).execute()
    assert client.get("/").status_code == 302
    with app.app_context():
        assert UserSession.select().count() == 0


def test_failures_throttle_the_account_even_with_the_right_password_then(app, seeded):
    client = app.test_client()
    for _ in range(accounts.ACCOUNT_FAILURES):
        _login(client, "editor", "wrong-password")
    response = _login(client, "editor", PASSWORD)
    assert response.status_code == 422
    assert "登录失败次数过多，请15分钟后再试" in response.get_data(as_text=True)
    with app.app_context():
        row = LoginThrottle.get(LoginThrottle.key == "user:editor")
        assert row.failures == accounts.ACCOUNT_FAILURES and row.locked_until is not None
        # The lock is in the database: another worker process sees it too. When it has passed:
        row.locked_until = datetime.datetime.now() - datetime.timedelta(seconds=1)
        row.save()
    assert _login(client, "editor", PASSWORD).status_code == 303


def test_failures_from_one_address_throttle_every_account_from_it(app, seeded):
    client = app.test_client()
    for number in range(accounts.ADDRESS_FAILURES):
        _login(client, f"guess{number}", "wrong-password", address="10.9.9.9")
    assert "登录失败次数过多" in _login(client, "viewer", PASSWORD, address="10.9.9.9").get_data(
        as_text=True
    )
    assert _login(client, "viewer", PASSWORD, address="10.1.1.1").status_code == 303


def test_logins_are_logged(app, seeded, caplog):
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="jixiao.auth"):
        _login(client, "editor", "wrong-password")
        _login(client, "editor", PASSWORD)
    with app.app_context():
        events = [
            (e.username, e.success, e.address) for e in LoginEvent.select().order_by(LoginEvent.id)
        ]
    assert events == [("editor", False, "10.0.0.1"), ("editor", True, "10.0.0.1")]
    assert "login failed user=editor" in caplog.text and "login ok user=editor" in caplog.text


def test_passwords_are_stored_as_argon2id_hashes(app, seeded):
    with app.app_context():
        user = User.get(User.username == "editor")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_the_default_hasher_uses_current_argon2id_parameters():
    from argon2 import PasswordHasher, Type

    default = PasswordHasher()
    assert (default.type, default.time_cost, default.memory_cost) == (Type.ID, 3, 65536)


def test_cli_creates_users_from_standard_input_and_lists_them(app, seeded):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "zhang", "--role", "editor", "--department", "405002"],
        input="a-long-password\n",
    )
    assert result.exit_code == 0, result.output
    assert "a-long-password" not in result.output
    short = runner.invoke(args=["create-user", "li", "--role", "viewer"], input="short\n")
    assert short.exit_code == 1 and "密码至少10位" in short.output
    listing = runner.invoke(args=["list-users"]).output
    assert "zhang\teditor\t405002" in listing and "li" not in listing
    changed = runner.invoke(args=["set-password", "zhang"], input="another-long-one\n")
    assert changed.exit_code == 0
    assert _login(app.test_client(), "zhang", "another-long-one").status_code == 303


def test_an_empty_database_gets_an_admin_whose_password_is_shown_once(tmp_path):
    from app import create_app

    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/new.sqlite3", "SECRET_KEY": "x"},
        instance_path=str(tmp_path / "instance"),
    )
    result = app.test_cli_runner().invoke(args=["init-db"])
    password = re.search(r"初始密码：(\S+)", result.output).group(1)
    assert len(password) >= 12
    again = app.test_cli_runner().invoke(args=["init-db"])
    assert "初始密码" not in again.output
    with app.app_context():
        admin = User.get(User.username == "admin")
        assert admin.role == "admin" and password not in admin.password_hash
        assert ensure_admin() is None
    assert _login(app.test_client(), "admin", password).status_code == 303


def test_the_admin_page_creates_and_refuses_users(app, seeded, client):
    csrf = page_csrf_token(client.get("/users/").get_data(as_text=True))
    ok = client.post(
        "/users/",
        data={
            "username": "wang",
            "role": "reviewer",
            "password": "long-enough-pw",
            "csrf_token": csrf,
        },
    )
    assert ok.status_code == 303
    for data, words in [
        ({"username": "wang", "role": "viewer", "password": "long-enough-pw"}, "已存在"),
        ({"username": "zhao", "role": "editor", "password": "long-enough-pw"}, "必须属于一个部门"),
        ({"username": "qian", "role": "viewer", "password": "short"}, "密码至少10位"),
        ({"username": "sun", "role": "god", "password": "long-enough-pw"}, "角色应为"),
    ]:
        response = client.post("/users/", data={**data, "csrf_token": csrf})
        assert response.status_code == 422 and words in response.get_data(as_text=True)


def test_an_admin_cannot_lock_themself_out(app, seeded, client):
    csrf = page_csrf_token(client.get("/users/").get_data(as_text=True))
    with app.app_context():
        root = User.get(User.username == "root")
    response = client.post(
        f"/users/{root.id}",
        data={"role": "viewer", "active": "on", "csrf_token": csrf},
        follow_redirects=True,
    )
    assert "不能停用自己" in response.get_data(as_text=True)
    with app.app_context():
        assert User.get_by_id(root.id).role == "admin"


def test_an_admin_sees_a_locked_account_and_unlocks_it(app, seeded, client):
    stranger = app.test_client()
    for _ in range(accounts.ACCOUNT_FAILURES):
        _login(stranger, "editor", "wrong-password")
    assert _login(stranger, "editor", PASSWORD).status_code == 422
    with app.app_context():
        editor = User.get(User.username == "editor")
    page = client.get("/users/").get_data(as_text=True)
    row = page[page.index(f'id="user-{editor.id}"') :]
    row = row[: row.index("</tr>")]
    assert "登录已锁定至" in row and "解锁" in row
    assert page.count("登录已锁定至") == 1  # nobody else is locked
    csrf = page_csrf_token(page)
    response = client.post(
        f"/users/{editor.id}/unlock", data={"csrf_token": csrf}, follow_redirects=True
    )
    assert "已解除 editor 的登录锁定" in response.get_data(as_text=True)
    assert "登录已锁定至" not in response.get_data(as_text=True)
    assert _login(stranger, "editor", PASSWORD).status_code == 303


def test_a_new_password_lifts_the_lock(app, seeded):
    client = app.test_client()
    for _ in range(accounts.ACCOUNT_FAILURES):
        _login(client, "viewer", "wrong-password")
    with app.app_context():
        accounts.set_password(User.get(User.username == "viewer"), "a-new-password")
    assert _login(client, "viewer", "a-new-password").status_code == 303


def test_only_an_admin_may_unlock(app, seeded):
    from tests.conftest import Browserless

    editor = Browserless(logged_in(app, app.test_client(), "editor"))
    for _ in range(accounts.ACCOUNT_FAILURES):
        _login(app.test_client(), "viewer", "wrong-password")
    with app.app_context():
        viewer = User.get(User.username == "viewer")
    assert editor.post(f"/users/{viewer.id}/unlock", htmx=False).status_code == 403
    with app.app_context():
        assert "viewer" in accounts.locked_accounts()


@pytest.mark.parametrize("name", ["Editor", "ＥＤＩＴＯＲ", "еditor", "editor\u200b", "edi tor"])
def test_a_name_that_could_pass_for_another_is_refused(app, seeded, name):
    with app.app_context():
        with pytest.raises(accounts.AccountError, match="已存在|不能含有"):
            accounts.create_user(name, "viewer", "long-enough-pw")
        assert User.select().where(User.role == "viewer").count() == 1


def test_a_name_logs_in_whatever_its_case(app, seeded):
    assert _login(app.test_client(), "EDITOR", PASSWORD).status_code == 303
    with app.app_context():
        assert UserSession.get().user.username == "editor"


@pytest.mark.parametrize(
    "target",
    ["/\t/evil.example/phish", "/\r\nSet-Cookie: x=1", "/\u2028//evil.example", "/ /evil"],
    ids=["tab", "crlf", "line separator", "space"],
)
def test_a_next_with_hidden_characters_goes_home(app, seeded, target):
    client = app.test_client()
    data = {"username": "editor", "password": PASSWORD, "csrf_token": login_page_token(client)}
    response = client.post("/login", query_string={"next": target}, data=data)
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_a_session_ends_after_its_lifetime_however_busy(app, seeded):
    client = logged_in(app, app.test_client(), "viewer")
    with app.app_context():
        started = datetime.datetime.now() - accounts.LIFETIME - datetime.timedelta(minutes=1)
        UserSession.update(created_at=started, last_seen=datetime.datetime.now()).execute()
    assert client.get("/").status_code == 302


class _Watched:
    """The hasher in use, noting each password check and hash and whether a transaction was
    open."""

    def __init__(self, hasher):
        self.hasher, self.checks, self.hashes = hasher, [], []

    def verify(self, password_hash, password):
        self.checks.append(database.in_transaction())
        return self.hasher.verify(password_hash, password)

    def hash(self, password):
        self.hashes.append(database.in_transaction())
        return self.hasher.hash(password)

    def __getattr__(self, name):
        return getattr(self.hasher, name)


@pytest.mark.parametrize("name", ["editor", "nobody"], ids=["known name", "unknown name"])
def test_every_login_checks_a_password_outside_any_transaction(app, seeded, monkeypatch, name):
    watched = _Watched(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", watched)
    with app.app_context(), pytest.raises(accounts.AccountError):
        accounts.login(name, "wrong-password-1", "10.0.0.9")
    assert watched.checks == [False]  # one argon2 check for both, none holding the write lock


def test_a_hash_made_with_old_parameters_is_renewed_outside_any_transaction(
    app, seeded, monkeypatch
):
    with app.app_context():
        old = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash(PASSWORD)
        User.update(password_hash=old).where(User.username == "editor").execute()
    watched = _Watched(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", watched)
    with app.app_context():
        accounts.login("editor", PASSWORD, "10.0.0.9")
        assert User.get(User.username == "editor").password_hash != old
    assert watched.checks == [False] and watched.hashes == [False]


def test_failures_count_against_the_account_however_its_name_is_typed(app, seeded):
    client = app.test_client()
    for name in ["editor", "EDITOR", "Editor", "ｅｄｉｔｏｒ", "editor"]:
        _login(client, name, "wrong-password-1")
    assert "登录失败次数过多" in _login(client, "editor", PASSWORD).get_data(as_text=True)
    with app.app_context():
        assert LoginThrottle.get(LoginThrottle.key == "user:editor").locked_until is not None


class _LockedWhileChecking:
    """A hasher under which, while the right password is being checked, the guesses sent at the
    same moment lock the account (as they would from other threads or processes)."""

    def __init__(self, hasher):
        self.hasher = hasher

    def verify(self, password_hash, password):
        LoginThrottle.insert(
            key="user:editor",
            failures=accounts.ACCOUNT_FAILURES,
            first_failure=datetime.datetime.now(),
            locked_until=datetime.datetime.now() + accounts.LOCK,
        ).execute()
        return self.hasher.verify(password_hash, password)

    def __getattr__(self, name):
        return getattr(self.hasher, name)


def test_a_right_guess_checked_while_parallel_guesses_locked_the_account_is_refused(
    app, seeded, monkeypatch
):
    monkeypatch.setattr(accounts, "_hasher", _LockedWhileChecking(accounts._hasher))
    with app.app_context():
        with pytest.raises(accounts.AccountError, match="登录失败次数过多"):
            accounts.login("editor", PASSWORD, "10.0.0.9")
        assert UserSession.select().count() == 0
