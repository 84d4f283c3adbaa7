"""One world of two departments and one table of every route that takes an object (issue 14).

tests/web/test_scope_routes.py and tests/web/test_scope_matrix.py read this module: the world
(`build_world`), who is who in it (`USERS`), each route as a `Case` (how to build its address
for a department's objects or for objects that do not exist, what it posts, who may do it in
which status, and what it answers then), and `EXEMPT`, the routes that need no case, each with
the reason: no object, or administrators only (`ADMIN_ONLY`: an administrator reads every
department). A new route with no case and no reason here fails
test_scope_routes.test_every_route_with_an_object_has_a_case. `World` holds the app, the world
in each of the plan's statuses and a logged-in client per user, for a test module.

The world: 405002 唐山市科学技术协会 (the seed's plan) and 406001 某市档案馆 (the seed's text with
its code and name replaced), each plan with a target and a comment found nowhere else (so a
leak shows in a page's body), a change in its history, a deleted row, an approved version and
an 调整 under way; an upload of 405002's file by its editor, waiting for its preview.

The database is put back between requests by `Rows` (every row of every table, deleted and
inserted again), which works alike on SQLite and PostgreSQL.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from peewee import sort_models

from app import create_app
from app.db import database
from app.domain.fields import Edit, version
from app.formats.detect import read_file
from app.models import (
    MODELS,
    Change,
    Department,
    Indicator,
    Plan,
    ReviewerDepartment,
    UserSession,
)
from app.services import accounts, comments, uploads
from app.services.importing import ImportRefused, import_document
from app.services.rows import delete as delete_row
from app.services.saving import save_cell
from app.services.setup import DEMO_FILE, init_db
from app.services.versions import freeze
from tests.conftest import (
    PASSWORD,
    TEST_DATABASE_URL,
    Browserless,
    _wipe,
    database_snapshot,
    logged_in,
)

YEAR = 2021
OWN, OTHER = "405002", "406001"
NAMES = {OWN: "唐山市科学技术协会", OTHER: "某市档案馆"}
# Found in one department's plan only: a page that shows one of them shows that plan.
TARGETS = {OWN: "≥97%科协独有指标值", OTHER: "≥98%档案馆独有指标值"}
COMMENTS = {OWN: "科协独有的审核意见：请补充测算依据", OTHER: "档案馆独有的审核意见：请核对年份"}
UPLOAD_NAME = "绩效目标.txt"

# name → (role, department, departments reviewed). Every one is logged in once, when the
# world is built, so that putting the database back keeps their sessions.
USERS = {
    "editor": ("editor", OWN, ()),
    "own_viewer": ("viewer", OWN, ()),
    "other_editor": ("editor", OTHER, ()),
    "other_viewer": ("viewer", OTHER, ()),
    "section": ("reviewer", None, (OTHER,)),  # a section of the bureau: 406001 only
    "own_section": ("reviewer", None, (OWN,)),  # the section 405002 is assigned to
    "reviewer": ("reviewer", None, ()),  # no assignment: reviews every department
    "viewer": ("viewer", None, ()),  # the bureau's leaders
    "root": ("admin", None, ()),
}
# Who reads 405002's plan (the department every case is built for) and who does not.
INSIDE = ("editor", "own_viewer", "own_section", "reviewer", "viewer", "root")
OUTSIDE = ("other_editor", "other_viewer", "section")

STATES = ("draft", "submitted", "returned", "approved", "adjusting")
EDITABLE = ("draft", "returned", "adjusting")


def other_text():
    """The seed's text as 406001's plan: codes and names replaced, nothing of 405002 left."""
    text = DEMO_FILE.read_text(encoding="utf-8")
    text = text.replace(OWN, OTHER).replace(NAMES[OWN], NAMES[OTHER])
    return text.replace("科协", "档案馆").replace("唐山", "某市")


def _department_objects(code, root):
    """Give the department's plan its unique target, a change, a deleted row and a comment;
    the ids a case's address is built from."""
    plan = Plan.get(Plan.department == Department.get(Department.code == code).id)
    project = plan.ordered_projects()[0]
    first, second = project.ordered_indicators()[:2]
    movable, elsewhere = project.ordered_indicators()[2:4]  # one row per 二级 in the seed
    edit = Edit("indicator", "target", {"target": TARGETS[code]}, {"target": version(first.target)})
    assert save_cell(root, first.id, edit).status == 200
    change = Change.select().where(Change.record_id == first.id).order_by(Change.id.desc()).get()
    delete_row(root, second.id)
    reviewer = accounts.user_named("reviewer")
    comment = comments.add(reviewer, project.id, COMMENTS[code], first.id, "target")
    return {
        "code": code,
        "year": plan.year,
        "plan": plan.id,
        "project": project.id,
        "indicator": first.id,
        "deleted": second.id,
        "movable": movable.id,
        "move_to": elsewhere.category_id,
        "comment": comment.id,
        "change": change.id,
        "category": first.category_id,
    }


def build_world():
    """The two departments' plans, approved once and being adjusted, and every user; returns
    {code: ids} for 405002 and 406001. Inside an app context."""
    init_db(demo=True)
    Department.create(code=OTHER, name=NAMES[OTHER])
    import_document(read_file(other_text().encode("utf-8"), "other.txt"), user="导入")
    for name, (role, department, reviews) in USERS.items():
        if name != "root":
            user = accounts.create_user(name, role, PASSWORD, department)
            for code in reviews:
                ReviewerDepartment.create(user=user, department=Department.get(code=code))
    root = accounts.user_named("root")
    ids = {code: _department_objects(code, root) for code in (OWN, OTHER)}
    for plan in Plan.select():
        with database.atomic():
            freeze(plan, root)  # version 1: the versions' pages have one to show
    Plan.update(status="adjusting", adjustment="补充指标").execute()
    ids[OWN]["token"] = uploads.store(
        accounts.user_named("editor"), UPLOAD_NAME, DEMO_FILE.read_bytes(), YEAR
    )
    return ids


def set_state(world, state):
    """Put both plans in `state` (`world`: build_world's ids, given back with those that depend
    on the state: the upload's fingerprint, the versions an editor starts from)."""
    Plan.update(status=state).execute()
    ids = world[OWN]
    try:
        _, report = uploads.preview(accounts.user_named("editor"), ids["token"])
    except ImportRefused:  # a plan in review or approved takes no import: nothing to confirm
        ids["fingerprint"], ids["apply"] = "", []
    else:
        ids["fingerprint"] = uploads.fingerprint(report)
        ids["apply"] = [change.key for change in report.planned]
    indicator = Indicator.get_by_id(ids["indicator"])
    ids["target_version"] = version(indicator.target)
    ids["goal_version"] = version(Plan.get_by_id(ids["plan"]).overall_goal)
    return world


# Ids that exist nowhere: the same route asked for them answers the body a missing plan gets.
MISSING = {
    "code": "999999",
    "year": YEAR,
    "plan": 999999,
    "project": 999999,
    "indicator": 999999,
    "deleted": 999998,
    "movable": 999997,
    "move_to": 1,
    "comment": 999999,
    "change": 999999,
    "category": 1,
    "token": "no-such-upload-token",
    "fingerprint": "",
    "apply": [],
    "target_version": "",
    "goal_version": "",
}


class Rows:
    """Every row of every table, to put the database back exactly as it was."""

    ORDER = sort_models(MODELS)

    def __init__(self):
        self.rows = {
            model: list(model.select().order_by(model._meta.primary_key).dicts())
            for model in self.ORDER
        }

    def restore(self):
        # The ids inserted again were given by the tables' sequences, which are past them
        # already: the rows the app inserts next do not collide with them.
        # DELETE, children first, on both databases: TRUNCATE on PostgreSQL took 10 times as
        # long for these few hundred rows.
        with database.atomic():
            for model in reversed(self.ORDER):
                model.delete().execute()
            for model in self.ORDER:
                rows = self.rows[model]
                for start in range(0, len(rows), 500):
                    model.insert_many(rows[start : start + 500]).execute()


class World:
    """The app on a database of its own holding the world, a logged-in client per user, and
    the world in each status, to be put back (`reset`) after a request that wrote.

    Built once for a test module: the fixtures of tests/conftest.py give a database per test.
    """

    def __init__(self, directory):
        self.app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": TEST_DATABASE_URL or f"sqlite:///{directory}/jixiao.sqlite3",
                "SECRET_KEY": "test-secret",
            },
            instance_path=str(directory / "instance"),
        )
        with self.app.app_context():
            if TEST_DATABASE_URL:
                _wipe(database.obj)
            init_db()
            accounts.create_user("root", "admin", PASSWORD)
            self.ids = build_world()
        self.clients = {
            name: Browserless(logged_in(self.app, self.app.test_client(), name)) for name in USERS
        }
        self.states = {}
        with self.app.app_context():
            for state in STATES:
                set_state(self.ids, state)
                self.states[state] = (Rows(), {code: dict(ids) for code, ids in self.ids.items()})
        self.state = None

    def enter(self, state):
        """Put the world in `state`; the ids of its objects, {code: ids}."""
        self.state = state
        return self.reset()

    def reset(self):
        """Put the database back as the current state has it (after a request that wrote)."""
        rows, ids = self.states[self.state]
        with self.app.app_context():
            rows.restore()
        return ids

    def snapshot(self):
        """database_snapshot(), but for when each session was last used: any request notes that
        its session is still in use, once a minute (accounts.TOUCH_EVERY), and `reset` puts
        that back to when the world was built. That is the session's upkeep, not a change the
        request made."""
        with self.app.app_context():
            rows = database_snapshot()
            kept = [f for f in UserSession._meta.sorted_fields if f.name != "last_seen"]
            rows["UserSession"] = sorted(UserSession.select(*kept).tuples())
            return rows


# ---------------------------------------------------------------------------------------------
# Who may do what, and what each route answers.


def _role(user):
    return USERS[user][0]


def _answers(user):
    """Those who answer for 405002's plan: its editors and the administrators."""
    return user == "editor" or _role(user) == "admin"


def _reviews(user):
    return _role(user) in ("reviewer", "admin")


# Who may, by role and department: `user` is a name of USERS, asking about 405002's plan.
WHO = {
    "reader": lambda user: True,
    "answers": _answers,  # edits, submits, adjusts, resolves, starts plans
    "reviews": _reviews,  # comments, returns, approves
    "replies": lambda user: _reviews(user) or _answers(user),
    "uploader": lambda user: user == "editor",  # an upload is its uploader's alone
}
UNFROZEN = ("draft", "submitted", "returned", "adjusting")


@dataclass(frozen=True)
class Case:
    """One route asked for one department's object.

    `url(ids)` and `data(ids)` build the request from the ids `build_world` gives (or MISSING).
    `who` (a key of WHO) may do it while the plan is in one of `states`: then `ok` is answered.
    Those who read the plan are otherwise refused: `refused` when they may not do it at all,
    `state_refused` when it is the plan's status that stops them (a workflow button answers
    303 and says why in a flash message). Those who do not read the plan get `outside`: 404,
    unless the route refuses everyone but its department's editors before reading anything.
    """

    name: str
    endpoint: str
    method: str
    url: Callable
    who: str = "reader"
    states: tuple = STATES
    ok: int = 200
    refused: int = 403
    state_refused: int = 403
    data: Callable = field(default=lambda ids: {})
    htmx: bool = False
    outside: int = 404
    files: Callable | None = None

    @property
    def writes(self):
        return self.method != "GET"

    def allowed(self, user, state):
        return WHO[self.who](user) and state in self.states

    def expected(self, user, state):
        """The status answered to `user` (one who reads 405002's plan) in `state`."""
        if self.allowed(user, state):
            return self.ok
        return self.state_refused if WHO[self.who](user) else self.refused

    def send(self, client, ids, token=True):
        """Send the request as `client` (a Browserless) for the objects `ids`; without the
        CSRF token when `token` is false."""
        data = dict(self.data(ids))
        if self.files:
            data.update(self.files(ids))
        if not self.writes:
            headers = {"HX-Request": "true"} if self.htmx else {}
            return client.client.get(self.url(ids), headers=headers)
        return client._send(self.method, self.url(ids), data, token=token, htmx=self.htmx)


def _plan(path=""):
    return lambda ids: f"/plans/{ids['code']}/{ids['year']}{path}"


def _cell(entity, key, group, path=""):
    return lambda ids: f"/cells/{entity}/{ids[key]}/{group}{path}"


def _upload(ids):
    return {"file": (io.BytesIO(DEMO_FILE.read_bytes()), UPLOAD_NAME), "year": str(YEAR)}


def _upload_of(code):
    """405002's file for an upload into `code` (a department that may not exist)."""
    text = DEMO_FILE.read_text(encoding="utf-8").replace(OWN, code)
    return {"file": (io.BytesIO(text.encode("utf-8")), UPLOAD_NAME), "year": str(YEAR)}


CASES = [
    # Plan pages and what hangs from them.
    Case("plan page", "plans.show", "GET", _plan()),
    Case("plan checks", "plans.checks", "GET", _plan("/checks")),
    Case("plan print", "plans.print_all", "GET", _plan("/print")),
    Case(
        "plan history",
        "history.for_plan",
        "GET",
        lambda ids: f"/history/plans/{ids['code']}/{ids['year']}",
    ),
    Case("plan versions", "versions.index", "GET", _plan("/versions")),
    Case("plan version 1", "versions.show", "GET", _plan("/versions/1")),
    Case("plan compare", "versions.compare", "GET", _plan("/compare")),
    Case("plan export docx", "exports.plan", "GET", _plan("/export.docx")),
    Case("plan export xlsx", "exports.plan", "GET", _plan("/export.xlsx")),
    Case(
        "plan changes since", "live.changes", "GET", lambda ids: _plan("/changes")(ids) + "?since=0"
    ),
    Case(
        "project changes since",
        "live.changes",
        "GET",
        lambda ids: _plan("/changes")(ids) + f"?since=0&project={ids['project']}",
    ),
    Case(
        "presence",
        "live.presence",
        "POST",
        _plan("/presence"),
        ok=204,
        data=lambda ids: {"cell": f"cell-{ids['indicator']}-target", "project": ids["project"]},
        htmx=True,
    ),
    Case(
        "add project",
        "plans.add_project",
        "POST",
        _plan("/projects"),
        who="answers",
        states=EDITABLE,
        ok=303,
    ),
    Case(
        "submit",
        "plans.review",
        "POST",
        _plan("/submit"),
        who="answers",
        states=(),  # an open comment stops it: 303 and why,
        ok=303,
        state_refused=303,
    ),
    Case(
        "return",
        "plans.review",
        "POST",
        _plan("/return"),
        who="reviews",
        states=("submitted",),
        ok=303,
        state_refused=303,
        data=lambda ids: {"reason": "请补充依据"},
    ),
    Case(
        "approve",
        "plans.review",
        "POST",
        _plan("/approve"),
        who="reviews",
        states=("submitted",),
        ok=303,
        state_refused=303,
        data=lambda ids: {"confirm": "yes"},
    ),
    Case(
        "adjust",
        "plans.review",
        "POST",
        _plan("/adjust"),
        who="answers",
        states=("approved",),
        ok=303,
        state_refused=303,
        data=lambda ids: {"reason": "预算调整"},
    ),
    Case("next year", "next_year.create", "POST", _plan("/next-year"), who="answers", ok=303),
    Case("undo", "undo.undo", "POST", _plan("/undo"), who="answers", states=EDITABLE, htmx=True),
    Case("redo", "undo.redo", "POST", _plan("/redo"), who="answers", states=EDITABLE, htmx=True),
    Case(
        "comment on the plan",
        "comments.add_to_plan",
        "POST",
        lambda ids: f"/plans/{ids['plan']}/comments",
        who="reviews",
        states=UNFROZEN,
        ok=303,
        data=lambda ids: {"field": "overall_goal", "text": "请写明年度目标"},
    ),
    Case(
        "start a plan for the department",
        "plans.new",
        "POST",
        lambda ids: "/plans/new",
        who="answers",
        ok=303,
        outside=403,
        data=lambda ids: {"code": ids["code"], "name": "", "year": "2023", "layout": "classic"},
    ),
    # Cells: a plan's, a project's and an indicator's.
    Case("plan cell", "cells.show", "GET", _cell("plan", "plan", "overall_goal"), htmx=True),
    Case("project cell", "cells.show", "GET", _cell("project", "project", "money"), htmx=True),
    Case(
        "indicator cell", "cells.show", "GET", _cell("indicator", "indicator", "target"), htmx=True
    ),
    Case(
        "plan cell editor",
        "cells.edit",
        "GET",
        _cell("plan", "plan", "overall_goal", "/edit"),
        who="answers",
        states=EDITABLE,
        htmx=True,
    ),
    Case(
        "indicator cell editor",
        "cells.edit",
        "GET",
        _cell("indicator", "indicator", "target", "/edit"),
        who="answers",
        states=EDITABLE,
        htmx=True,
    ),
    Case(
        "save an indicator cell",
        "cells.save",
        "PUT",
        _cell("indicator", "indicator", "target"),
        who="answers",
        states=EDITABLE,
        data=lambda ids: {"target": "≥90%", "version-target": ids["target_version"]},
        htmx=True,
    ),
    Case(
        "save a plan cell",
        "cells.save",
        "PUT",
        _cell("plan", "plan", "overall_goal"),
        who="answers",
        states=EDITABLE,
        data=lambda ids: {"overall_goal": "新的目标", "version-overall_goal": ids["goal_version"]},
        htmx=True,
    ),
    Case(
        "preview a plan cell",
        "cells.preview",
        "POST",
        _cell("plan", "plan", "overall_goal", "/preview"),
        who="answers",
        states=EDITABLE,
        data=lambda ids: {"overall_goal": "**目标**"},
        htmx=True,
    ),
    Case(
        "cell history",
        "history.for_cell",
        "GET",
        lambda ids: f"/history/cells/indicator/{ids['indicator']}?field=target",
    ),
    # Projects and their rows.
    Case("project page", "projects.show", "GET", lambda ids: f"/projects/{ids['project']}"),
    Case(
        "project history",
        "history.for_project",
        "GET",
        lambda ids: f"/history/projects/{ids['project']}",
    ),
    Case(
        "project export",
        "exports.project",
        "GET",
        lambda ids: f"/projects/{ids['project']}/export.xlsx",
    ),
    Case(
        "delete project",
        "projects.delete",
        "POST",
        lambda ids: f"/projects/{ids['project']}/delete",
        who="answers",
        states=EDITABLE,
        ok=303,
    ),
    Case(
        "add row",
        "indicators.add",
        "POST",
        lambda ids: f"/projects/{ids['project']}/indicators",
        who="answers",
        states=EDITABLE,
        data=lambda ids: {"category_id": ids["category"]},
        htmx=True,
    ),
    Case(
        "insert row",
        "indicators.insert",
        "POST",
        lambda ids: f"/indicators/{ids['indicator']}/insert",
        who="answers",
        states=EDITABLE,
        data=lambda ids: {"where": "below"},
        htmx=True,
    ),
    Case(
        "move row",
        "indicators.move",
        "POST",
        lambda ids: f"/indicators/{ids['movable']}/move",
        who="answers",
        states=EDITABLE,
        data=lambda ids: {"category_id": ids["move_to"]},
        htmx=True,
    ),
    Case(
        "delete row",
        "indicators.delete",
        "POST",
        lambda ids: f"/indicators/{ids['indicator']}/delete",
        who="answers",
        states=EDITABLE,
        htmx=True,
    ),
    Case(
        "undelete row",
        "indicators.undelete",
        "POST",
        lambda ids: f"/indicators/{ids['deleted']}/undelete",
        who="answers",
        states=EDITABLE,
        htmx=True,
    ),
    Case(
        "paste",
        "paste.paste",
        "POST",
        lambda ids: f"/projects/{ids['project']}/paste",
        who="answers",
        states=EDITABLE,
        data=lambda ids: {"start": f"cell-{ids['indicator']}-target", "text": "≥91%"},
        htmx=True,
    ),
    Case(
        "restore a change",
        "history.restore_change",
        "POST",
        lambda ids: f"/history/{ids['change']}/restore",
        who="answers",
        states=EDITABLE,
        ok=303,
    ),
    # Comments.
    Case(
        "comment on a project",
        "comments.add",
        "POST",
        lambda ids: f"/projects/{ids['project']}/comments",
        who="reviews",
        states=UNFROZEN,
        ok=303,
        data=lambda ids: {
            "text": "请补充依据",
            "indicator_id": ids["indicator"],
            "field": "target",
        },
    ),
    Case(
        "reply",
        "comments.reply",
        "POST",
        lambda ids: f"/comments/{ids['comment']}/replies",
        who="replies",
        states=UNFROZEN,
        ok=303,
        data=lambda ids: {"text": "已补充"},
    ),
    Case(
        "resolve",
        "comments.resolve",
        "POST",
        lambda ids: f"/comments/{ids['comment']}/resolve",
        who="answers",
        states=UNFROZEN,
        ok=303,
    ),
    Case(
        "comments of a cell",
        "comments.place",
        "GET",
        lambda ids: (
            f"/comments/place?project={ids['project']}&indicator={ids['indicator']}&field=target"
        ),
        htmx=True,
    ),
    Case(
        "comments of a plan's section",
        "comments.place",
        "GET",
        lambda ids: f"/comments/place?plan={ids['plan']}&field=overall_goal",
        htmx=True,
    ),
    # An upload of 405002's file, and an upload into a department by its code.
    Case(
        "upload into the department",
        "imports.upload",
        "POST",
        lambda ids: "/imports/",
        who="answers",
        ok=303,
        outside=403,
        files=lambda ids: _upload_of(ids["code"]),
    ),
    Case(
        "upload preview",
        "imports.show",
        "GET",
        lambda ids: f"/imports/{ids['token']}",
        who="uploader",
        states=EDITABLE,
        refused=404,
        state_refused=422,
    ),
    Case(
        "confirm upload",
        "imports.confirm",
        "POST",
        lambda ids: f"/imports/{ids['token']}",
        who="uploader",
        states=EDITABLE,
        ok=303,
        refused=404,
        state_refused=422,
        data=lambda ids: {"fingerprint": ids["fingerprint"], "apply": ids["apply"]},
    ),
    Case(
        "cancel upload",
        "imports.cancel",
        "POST",
        lambda ids: f"/imports/{ids['token']}/cancel",
        who="uploader",
        ok=303,
        refused=404,
    ),
]

# Routes only an administrator reaches: refused 403 to everyone else before anything is read
# (test_admin_only_routes_reveal_nothing checks the 403 is the same for a missing object), and
# an administrator reads every department, so nobody who may use them is out of scope.
ADMIN_ONLY = {
    "departments.index": "部门管理: administrators only",
    "departments.show": "部门管理: administrators only (test_admin_only_routes_reveal_nothing)",
    "departments.correct": "部门管理: administrators only (test_admin_only_routes_reveal_nothing)",
    "departments.confirm_delete": "部门管理: administrators only (test_admin_only_routes_reveal_nothing)",
    "departments.delete": "部门管理: administrators only (test_admin_only_routes_reveal_nothing)",
    "departments.restore": "部门管理: administrators only (test_admin_only_routes_reveal_nothing)",
    "departments.set_parent": "部门管理: administrators only (test_admin_only_routes_reveal_nothing)",
    "users.index": "用户管理: administrators only",
    "users.create": "用户管理: administrators only",
    "users.update": "用户管理: administrators only; a user, not a department's plan",
    "users.password": "用户管理: administrators only; a user, not a department's plan",
    "users.unlock": "用户管理: administrators only; a user, not a department's plan",
    "users.reviews": "用户管理: administrators only; a user, not a department's plan",
    "users.log": "访问记录: administrators only",
}
# Routes that need no case: no department's object in their address or arguments, or ADMIN_ONLY.
EXEMPT = {
    "static": "stylesheets and scripts, the same for everyone",
    "auth.login": "the login page",
    "auth.logout": "one's own session",
    "account.password_form": "one's own password",
    "account.change_password": "one's own password",
    "home.index": "首页: a list, scoped in its query (test_home_lists_and_sums_only_what_the_user_reads)",
    "search.index": "a list, scoped in its query (test_search_finds_only_what_the_user_reads)",
    "imports.new": "an empty upload form",
    **ADMIN_ONLY,
}


def secrets_of(code):
    """What gives a department away: its code, its name, its plan's unique target and comment.
    A page for somebody outside it holding one of them has leaked it."""
    return (code, NAMES[code], TARGETS[code], COMMENTS[code])


# A CSRF token as Flask-WTF signs it (data.timestamp.signature), wherever a page puts it.
_TOKEN = re.compile(r"[\w-]{20,}\.[\w-]{5,8}\.[\w-]{20,}")


def blank_tokens(body):
    """A page's body without its CSRF tokens, which differ from session to session."""
    return _TOKEN.sub("<csrf token>", body)
