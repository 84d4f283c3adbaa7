"""The application factory: configuration, database, accounts, CSRF, blueprints, errors, CLI.

Configuration is read in this order, each overriding the one before: the defaults below,
`instance/config.py`, then the environment (`DATABASE_URL`, `SECRET_KEY`), then `test_config`.
A missing SECRET_KEY is generated once into `instance/secret_key` and read from there after.
"""

import os
import secrets
from pathlib import Path

from flask import Flask
from flask_htmx import HTMX
from flask_wtf.csrf import CSRFProtect

from app import errors
from app.db import connect_database, database
from app.formatting import chinese_ordinal, figure
from app.rendering import render_markdown

DEFAULT_DATABASE_URL = "sqlite:///instance/jixiao.sqlite3"

# htmx swaps a 422 (the editor with its message) and a 409 (the editor with both values);
# other errors are not swapped into a cell but shown as a toast by static/app.js.
HTMX_CONFIG = {
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "409", "swap": True, "error": False},
        {"code": "422", "swap": True, "error": False},
        {"code": "[45]..", "swap": False, "error": True},
    ],
    "allowEval": False,
    "allowScriptTags": False,
    "includeIndicatorStyles": False,
    # Wire up swapped content (hx-* attributes, focus) in the same task as the swap. With
    # htmx's default 20 ms a fast click or keystroke could reach a cell not yet listening.
    "defaultSettleDelay": 0,
}

csrf = CSRFProtect()
htmx = HTMX()


def create_app(test_config=None):
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
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
    app.config.from_pyfile("config.py", silent=True)
    for name in ("DATABASE_URL", "SECRET_KEY"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if test_config:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")

    connect_database(app.config["DATABASE_URL"], base_dir=str(Path(app.instance_path).parent))

    @app.before_request
    def _connect():
        # Kept open, one per worker thread (see app/db.py).
        database.connect(reuse_if_open=True)

    from app import (
        accounts,
        cells,
        cli,
        comments,
        history,
        home,
        indicators,
        plans,
        projects,
        security,
        users,
    )

    # Before CSRF: somebody not logged in is sent to the login page, whatever they sent.
    accounts.register(app)
    csrf.init_app(app)
    htmx.init_app(app)
    app.jinja_env.filters["figure"] = figure
    app.jinja_env.filters["chinese_ordinal"] = chinese_ordinal
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals["htmx_config"] = HTMX_CONFIG

    for module in (accounts, home, plans, projects, indicators, cells, history, users, comments):
        app.register_blueprint(module.bp)
    cells.register(app)
    cli.register(app)
    security.register(app)
    errors.register(app)
    return app


def _instance_secret(path):
    """The secret kept in `path`, created on first use with a fresh random value."""
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
