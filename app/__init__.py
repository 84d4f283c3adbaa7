"""The application factory: configuration, database, CSRF, the web layer, the CLI.

Configuration is read in this order, each overriding the one before: the defaults below,
`config.py` in the instance folder (`instance/` beside `app/`), then the environment
(`DATABASE_URL`, `SECRET_KEY`), then `test_config`. A missing SECRET_KEY is generated once into
`instance/secret_key` and read from there after.

The layers, each importing only those below it (tests/test_layers.py checks this):
`app.web` (Flask) → `app.services` (the database) → `app.db`, `app.models` → `app.formats`
(and `app.checks`, the review rules, to come) → `app.domain` (pure).
"""

import os
import secrets
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from app import cli, web
from app.db import connect_database, database

DEFAULT_DATABASE_URL = "sqlite:///instance/jixiao.sqlite3"

csrf = CSRFProtect()


def create_app(test_config=None, instance_path=None):
    """A configured app; `instance_path` is the folder of config.py and the secret key."""
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_mapping(
        DATABASE_URL=DEFAULT_DATABASE_URL,
        # A tab left open all day must still be able to save.
        WTF_CSRF_TIME_LIMIT=24 * 3600,
        # No upload is larger than a year's document; forms are far smaller.
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=1024 * 1024,
        JSON_AS_ASCII=False,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
    )
    app.config.from_pyfile("config.py", silent=True)  # in the instance folder
    for name in ("DATABASE_URL", "SECRET_KEY"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if test_config:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")

    connect_database(app.config["DATABASE_URL"], base_dir=str(Path(app.root_path).parent))

    @app.before_request
    def _connect():
        # Kept open, one per worker thread (see app/db.py).
        database.connect(reuse_if_open=True)

    web.register(app)  # before CSRF: somebody not logged in goes to the login page first
    csrf.init_app(app)
    cli.register(app)
    return app


def _instance_secret(path):
    """The secret kept in `path`, created on first use with a fresh random value."""
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
