"""The factory reads its configuration: defaults, the instance folder's config.py, the environment."""

from flask import Flask

from app import create_app
from tests.conftest import PASSWORD, login_page_token


def _app(tmp_path, monkeypatch, config):
    """An app whose instance folder (where Flask finds it, beside app/) holds `config`."""
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(config, encoding="utf-8")
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(instance))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    return create_app()


def test_instance_config_is_read_and_makes_the_cookie_secure(tmp_path, monkeypatch):
    database = tmp_path / "from-config.sqlite3"
    app = _app(
        tmp_path,
        monkeypatch,
        f"SESSION_COOKIE_SECURE = True\nDATABASE_URL = 'sqlite:///{database}'\n",
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert database.exists()  # the database config.py names, not the default one
    runner.invoke(args=["create-user", "someone", "--role", "viewer"], input=PASSWORD + "\n")
    client = app.test_client()
    data = {"username": "someone", "password": PASSWORD, "csrf_token": login_page_token(client)}
    response = client.post("/login", data=data)
    assert response.status_code == 303
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in cookie for cookie in cookies)


def test_the_environment_overrides_the_instance_config(tmp_path, monkeypatch):
    database = tmp_path / "db.sqlite3"
    app = _app(
        tmp_path,
        monkeypatch,
        f"SECRET_KEY = 'from-config'\nDATABASE_URL = 'sqlite:///{database}'\n",
    )
    assert app.config["SECRET_KEY"] == "from-config"
    monkeypatch.setenv("SECRET_KEY", "from-environment")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/from-environment.sqlite3")
    config = create_app().config
    assert config["SECRET_KEY"] == "from-environment"
    assert config["DATABASE_URL"].endswith("from-environment.sqlite3")
