"""A database that cannot be written now (a full disk, a read-only file or server): every write
answers 503 in Chinese with Retry-After, the editor keeps what was typed, reads keep working."""

import datetime
import json
import logging

import pytest
from peewee import OperationalError

from app.db import database
from app.domain.fields import version
from app.models import Change, Plan, UserSession
from tests.conftest import database_snapshot


def _read_only():
    """Make this thread's connection (the one the test client's requests use) read-only."""
    if database.obj.for_update:  # PostgreSQL
        database.execute_sql("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    else:
        database.execute_sql("PRAGMA query_only = ON")


def _save(user, app):
    with app.app_context():
        row = Plan.get().ordered_projects()[0].ordered_indicators()[0]
    form = {"target": "≥27000平方米", "version-target": version(row.target)}
    return user.put(f"/cells/indicator/{row.id}/target", form)


def _full_disk(*args, **kwargs):
    raise OperationalError("database or disk is full")


@pytest.mark.parametrize("cause", ["read-only", "disk full"])
def test_a_save_that_cannot_be_written_says_so_and_keeps_the_editor(
    app, user, monkeypatch, caplog, cause
):
    with app.app_context():
        # A session that is due a touch: reading a page writes last_seen on the side.
        UserSession.update(
            last_seen=datetime.datetime.now() - datetime.timedelta(hours=1)
        ).execute()
        before = database_snapshot()
        if cause == "read-only":
            _read_only()
    if cause == "disk full":
        monkeypatch.setattr(Change, "create", _full_disk)
    response = _save(user, app)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    toast = json.loads(response.headers["HX-Trigger"])["jixiao:toast"]["message"]
    assert "无法保存" in toast and "仍在编辑框中" in toast
    assert "cannot write the database now" in caplog.text
    with app.app_context():
        after = database_snapshot()
    after.pop("UserSession"), before.pop("UserSession")  # the session's own bookkeeping aside
    assert after == before  # nothing half-written
    page = user.get("/projects/1")
    assert page.status_code == 200 and "房屋租赁平米数" in page.get_data(as_text=True)


def test_a_form_that_cannot_be_written_gets_a_page_that_says_so(app, user):
    with app.app_context():
        _read_only()
    response = user.post("/plans/405002/2021/projects", htmx=False)
    assert response.status_code == 503
    assert "暂时无法保存" in response.get_data(as_text=True)


def test_any_other_database_error_is_a_plain_500(app, user, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise OperationalError("no such column: oops")

    monkeypatch.setattr(Change, "create", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with caplog.at_level(logging.ERROR):
        response = _save(user, app)
    assert response.status_code == 500 and "oops" not in response.get_data(as_text=True)
