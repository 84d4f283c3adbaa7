"""Users' 姓名 and changing one's own password, in the service and the CLI."""

import pytest

from app.models import LoginEvent, LoginThrottle, User, UserSession
from app.services import accounts
from tests.conftest import PASSWORD, account, login_token

NEW = "a-new-long-password"


def test_a_full_name_is_kept_trimmed_and_checked(app, seeded):
    with app.app_context():
        user = accounts.create_user("zhang", "viewer", PASSWORD, None, "  张三 ")
        assert User.get_by_id(user.id).full_name == "张三"
        for bad, words in [
            ("张" * 51, "不能超过50个字"),
            ("张\n三", "控制字符"),
            ("张\u200b三", "控制字符"),
        ]:
            with pytest.raises(accounts.AccountError, match=words):
                accounts.update_user(account(), user, "viewer", None, True, bad)
        assert User.get_by_id(user.id).full_name == "张三"
        accounts.update_user(account(), user, "viewer", None, True, "李四")
        assert User.get_by_id(user.id).full_name == "李四"
        accounts.update_user(account(), user, "viewer", None, True)  # None: left as it is
        assert User.get_by_id(user.id).full_name == "李四"


def test_the_cli_takes_a_full_name_and_lists_it(app, seeded):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "zhang", "--role", "viewer", "--full-name", "张三"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["list-users"]).output
    assert "zhang\tviewer\t-\t张三" in listing
    assert "editor\teditor\t405002\n" in listing  # no name, nothing added


def test_changing_ones_password_ends_the_other_sessions_only(app, seeded):
    this, other = login_token(app, "editor"), login_token(app, "editor")
    with app.app_context():
        accounts.change_own_password(account("editor"), this, PASSWORD, NEW, NEW, "10.0.0.5")
        assert accounts.session_user(this).username == "editor"
        assert accounts.session_user(other) is None
        assert accounts.login("editor", NEW, "10.0.0.5")
        with pytest.raises(accounts.AccountError):
            accounts.login("editor", PASSWORD, "10.0.0.6")
        event = LoginEvent.get(LoginEvent.reason == "修改密码")
        assert (event.username, event.success, event.address) == ("editor", True, "10.0.0.5")


@pytest.mark.parametrize(
    ("current", "new", "repeated", "words"),
    [
        (PASSWORD, NEW, NEW + "x", "两次输入的新密码不一致"),
        (PASSWORD, "short", "short", "新密码至少10位"),
        (PASSWORD, PASSWORD, PASSWORD, "不能与当前密码相同"),
        ("wrong-password", NEW, NEW, "当前密码不正确"),
    ],
)
def test_a_refused_change_keeps_the_password(app, seeded, current, new, repeated, words):
    token = login_token(app, "editor")
    with app.app_context():
        before = account("editor").password_hash
        with pytest.raises(accounts.AccountError, match=words):
            accounts.change_own_password(account("editor"), token, current, new, repeated, "x")
        assert account("editor").password_hash == before
        assert UserSession.select().where(UserSession.user == account("editor")).count() == 1


def test_a_wrong_current_password_counts_as_a_failed_login(app, seeded):
    token = login_token(app, "editor")
    with app.app_context():
        for _ in range(accounts.ACCOUNT_FAILURES):
            with pytest.raises(accounts.AccountError, match="当前密码不正确"):
                accounts.change_own_password(account("editor"), token, "wrong-pw-1", NEW, NEW, "a")
        assert LoginThrottle.get(LoginThrottle.key == "user:editor").locked_until is not None
        assert LoginEvent.select().where(~LoginEvent.success).count() == accounts.ACCOUNT_FAILURES
        # Locked: neither a login nor a change with the right password gets through now.
        with pytest.raises(accounts.AccountError, match="失败次数过多"):
            accounts.login("editor", PASSWORD, "b")
        with pytest.raises(accounts.AccountError, match="失败次数过多"):
            accounts.change_own_password(account("editor"), token, PASSWORD, NEW, NEW, "a")


def test_the_password_is_checked_outside_any_transaction(app, seeded, monkeypatch):
    from app.db import database

    checks = []
    verify = accounts._verify

    def watched(password_hash, password):
        checks.append(database.in_transaction())
        return verify(password_hash, password)

    token = login_token(app, "editor")
    monkeypatch.setattr(accounts, "_verify", watched)
    with app.app_context():
        accounts.change_own_password(account("editor"), token, PASSWORD, NEW, NEW, "a")
    assert checks == [False]
