"""Fixtures: an app from the factory on a file database in tmp_path, with and without the seed."""

import os
import re
import threading
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from waitress.server import create_server

from app import create_app
from app.db import database
from app.models import MODELS, Department, PlanCheck, RefusedRead, User
from app.services import accounts
from app.services.setup import DEMO_FILE, init_db
from app.web.access import COOKIE

FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


PASSWORD = "correct-horse-battery"
# One user per role: `root` exists from the start; the others once the seed's department does.
USERS = {
    "editor": ("editor", "405002"),
    "other_editor": ("editor", "406001"),
    "viewer": ("viewer", None),
    "reviewer": ("reviewer", None),
}


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing():
    """argon2id at its minimum cost: the real parameters cost 84 ms a hash, for every fixture."""
    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def login_token(app, username):
    """A session token for a user, as logging in gives one."""
    with app.app_context():
        return accounts.login(username, PASSWORD, "127.0.0.1")


def logged_in(app, client, username):
    client.set_cookie(COOKIE, login_token(app, username))
    return client


def account(username="root"):
    """A user by name (inside an app context), as the services take them."""
    return User.get(User.username == username)


# Tables a view may write without changing anything a user made: the findings counted for 首页,
# and the log of reads refused as out of the user's scope (a refused request logs one row).
CACHES = (PlanCheck, RefusedRead)


def database_snapshot():
    """Every row of every table but the CACHES, to prove that something changed nothing."""
    return {
        model.__name__: sorted(model.select().tuples()) for model in MODELS if model not in CACHES
    }


def fixture_text(name):
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def seed_text():
    return DEMO_FILE.read_text(encoding="utf-8")


# The suite runs on a fresh SQLite file per test; set this to a PostgreSQL URL (an empty
# database the tests may wipe) to run it all on PostgreSQL instead, as .ci/run does.
TEST_DATABASE_URL = os.environ.get("JIXIAO_TEST_DATABASE_URL")


@pytest.fixture
def app(tmp_path):
    """The app from the factory, on a database of its own with the framework and `root`."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": TEST_DATABASE_URL or f"sqlite:///{tmp_path}/jixiao.sqlite3",
            "SECRET_KEY": "test-secret",
        },
        # Not the site's own instance/ folder: its config.py is no business of the tests.
        instance_path=str(tmp_path / "instance"),
    )
    with app.app_context():
        if TEST_DATABASE_URL:
            _wipe(database.obj)
        init_db()
        accounts.create_user("root", "admin", PASSWORD)
    return app


def _wipe(db):
    """Drop every table of a shared test database, so each test starts empty."""
    tables = db.get_tables()
    if tables:
        db.execute_sql("DROP TABLE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")


@pytest.fixture
def seeded(app):
    """The app with the seed imported as the demo data and a user of every role."""
    with app.app_context():
        report = init_db(demo=True)
        Department.create(code="406001", name="某市档案馆")
        for name, (role, department) in USERS.items():
            accounts.create_user(name, role, PASSWORD, department)
        return report


@pytest.fixture
def client(app):
    """A test client logged in as the administrator `root`."""
    return logged_in(app, app.test_client(), "root")


@pytest.fixture(scope="session")
def chromium_path():
    """Debian's Chromium, or a skip that says how to install it (a failure in CI)."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    message = "浏览器测试需要 Chromium：请运行 sudo apt-get install -y chromium"
    if os.environ.get("JIXIAO_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def live_server(app):
    """The app served by waitress on a free loopback port, for the browser; yields its base URL."""
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


@pytest.fixture
def browser(app, live_server, chromium_path):
    """Debian's Chromium driven by Playwright; each `new_page(user)` is a separate person,
    logged in as `user` (None: not logged in)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        errors = []

        def new_page(user="root"):
            context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
            if user:
                token = login_token(app, user)
                context.add_cookies([{"name": COOKIE, "value": token, "url": live_server}])
            page = context.new_page()
            page.set_default_timeout(10_000)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("dialog", lambda dialog: _dialog(page, dialog, errors))
            page.on("console", lambda message: _csp_violation(message, errors))
            return page

        yield new_page
        chromium.close()
        assert errors == []


def _dialog(page, dialog, errors):
    """A dialog fails the test, unless the test expects one: it sets `page.dialogs = []`, the
    dialogs' types are listed there and each is accepted (the guard before leaving a page)."""
    expected = getattr(page, "dialogs", None)
    if expected is None:
        errors.append("dialog: " + dialog.message)
        return
    expected.append(dialog.type)
    dialog.accept()


def _csp_violation(message, errors):
    """Chromium reports every Content-Security-Policy violation on the console."""
    if "Content Security Policy" in message.text:
        errors.append("CSP: " + message.text)


@pytest.fixture
def page(browser):
    """One person's Chromium page; a script error or a dialog fails the test."""
    return browser()


def login_page_token(client):
    """The CSRF token of the login form."""
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def page_csrf_token(html):
    """The CSRF token a page gives htmx (`hx-headers`) and its forms."""
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


class Browserless:
    """A test client that sends the page's CSRF token, as htmx does from `hx-headers`."""

    def __init__(self, client):
        self.client = client
        page = client.get("/").get_data(as_text=True)
        self.token = page_csrf_token(page)

    def _send(self, method, url, data=None, token=True, htmx=True):
        headers = {"X-CSRFToken": self.token} if token else {}
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.open(url, method=method, data=data or {}, headers=headers)

    def put(self, url, data=None, **kwargs):
        return self._send("PUT", url, data, **kwargs)

    def post(self, url, data=None, **kwargs):
        return self._send("POST", url, data, **kwargs)

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)


@pytest.fixture
def user(client, seeded):
    """A browser-less user on the seeded site."""
    return Browserless(client)


def refused(who):
    """The status of a request refused to `who` on the seed's plan (405002): 404 for another
    department's editor, to whom a plan out of their reading scope is one that does not exist
    (app/services/scope.py); 403 for those who read it but may not do this."""
    return 404 if who == "other_editor" else 403
