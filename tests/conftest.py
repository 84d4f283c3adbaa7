"""Fixtures: an app from the factory on a file database in tmp_path, with and without the seed."""

import os
from pathlib import Path

import pytest

from app import create_app
from app.cli import DEMO_FILE, init_db

FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM = "/usr/bin/chromium"


def fixture_text(name):
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def seed_text():
    return DEMO_FILE.read_text(encoding="utf-8")


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path}/jixiao.sqlite3",
            "SECRET_KEY": "test-secret",
        }
    )
    with app.app_context():
        init_db()
    return app


@pytest.fixture
def seeded(app):
    """The app with the seed imported as the demo data; returns the import report."""
    with app.app_context():
        return init_db(demo=True)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def chromium_path():
    """Debian's Chromium, or a skip that says how to install it (a failure in CI)."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    message = "浏览器测试需要 Chromium：请运行 sudo apt-get install -y chromium"
    if os.environ.get("JIXIAO_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)
