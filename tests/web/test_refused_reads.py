"""The log of refused reads (app/services/refusals.py, app/web/errors.py): a plan out of the
user's scope, and an address of a page naming nothing, are both answered 404 and both logged,
with who and which address; a probe cannot keep itself out of the log, nor tell the two apart
by a row of another department's plan that a comment place names."""

import logging

import pytest

from app.models import Department, Indicator, Plan, Project, RefusedRead
from app.services import accounts, refusals
from app.services.importing import import_file
from tests.conftest import PASSWORD, logged_in


@pytest.fixture
def archive(app, seeded, seed_text, tmp_path):
    """406001 某市档案馆 with a plan of its own (the seed's, renamed), beside 405002's."""
    text = seed_text.replace("405002", "406001").replace("唐山市科学技术协会", "某市档案馆")
    path = tmp_path / "archive.txt"
    path.write_text(text, encoding="utf-8")
    with app.app_context():
        import_file(path, 2021)


def _log(app):
    with app.app_context():
        rows = RefusedRead.select().order_by(RefusedRead.id)
        return [(row.username, row.method, row.url, row.out_of_scope) for row in rows]


def test_out_of_scope_and_nothing_there_are_both_logged_and_told_apart(app, seeded):
    other = logged_in(app, app.test_client(), "other_editor")
    assert other.get("/plans/405002/2021").status_code == 404
    assert other.get("/plans/405002/2099?tab=1").status_code == 404
    assert other.get("/static/nothing.css").status_code == 404  # not a page: not logged
    assert other.get("/no/such/page").status_code == 404
    assert app.test_client().get("/plans/405002/2099").status_code in (302, 303)  # signed out
    assert _log(app) == [
        ("other_editor", "GET", "/plans/405002/2021", True),
        ("other_editor", "GET", "/plans/405002/2099?tab=1", False),
    ]


def test_a_long_address_is_logged_cut_not_lost(app, seeded):
    other = logged_in(app, app.test_client(), "other_editor")
    probe = "/plans/405002/2021?" + "x" * 3000
    assert other.get(probe).status_code == 404
    [(username, _, url, out_of_scope)] = _log(app)
    assert (username, out_of_scope) == ("other_editor", True)
    assert url == probe[: refusals.URL_LENGTH]


def test_a_newline_in_the_address_cannot_forge_a_line_of_the_server_log(app, seeded, caplog):
    other = logged_in(app, app.test_client(), "other_editor")
    with caplog.at_level(logging.WARNING, logger="jixiao.access"):
        assert other.get("/plans/405002/2021?a=%0Arefused read: root").status_code == 404
    [line] = [r.getMessage() for r in caplog.records if r.name == "jixiao.access"]
    assert "\n" not in line and line.startswith("refused read: other_editor from ")


def test_the_log_keeps_the_newest_rows(app, monkeypatch):
    monkeypatch.setattr(refusals, "KEEP", 50)
    with app.app_context():
        for number in range(1, 251):
            refusals.record("probe", "127.0.0.1", "GET", f"/plans/x/{number}")
        kept = [row.url for row in refusals.recent(limit=1000)]
    # Pruned now and then (every 100 rows), never below the newest KEEP.
    assert kept[:50] == [f"/plans/x/{number}" for number in range(250, 200, -1)]
    assert len(kept) <= refusals.KEEP + 100 and "/plans/x/1" not in kept


def test_a_comment_place_does_not_tell_whether_another_plans_row_exists(app, archive):
    with app.app_context():
        plan = Plan.select().join(Department).where(Department.code == "406001").get()
        own_project = Project.select().where(Project.plan == plan).first()
        theirs = Indicator.select().join(Project).join(Plan).where(Plan.id != plan.id).first()
        missing = Indicator.select().order_by(Indicator.id.desc()).first().id + 1000
    other = logged_in(app, app.test_client(), "other_editor")
    answers = []
    for row in (theirs.id, missing):
        url = f"/comments/place?project={own_project.id}&indicator={row}&field=target"
        response = other.get(url)
        answers.append((response.status_code, response.get_data(as_text=True)))
    assert answers[0][0] == 404 and answers[0] == answers[1]


class _Statements(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        self.count += 1


@pytest.mark.parametrize("who", ["other_editor", "section"])
def test_a_missing_plan_costs_the_statements_of_a_refused_one(app, archive, who):
    """What a 404 costs does not tell whether another department's plan is there: both run the
    same number of SQL statements (the scope query, the log's write)."""
    with app.app_context():
        accounts.create_user("section", "reviewer", PASSWORD, reviews=["406001"])
    person = logged_in(app, app.test_client(), who)
    person.get("/plans/406001/2021")  # templates compiled, the session's last use noted
    logger, counted, level = logging.getLogger("peewee"), [], logging.getLogger("peewee").level
    for url in ("/plans/405002/2021", "/plans/405002/2099", "/plans/405002/2021"):
        handler = _Statements()
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        try:
            assert person.get(url).status_code == 404
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
        counted.append(handler.count)
    assert counted[0] == counted[1] == counted[2]
