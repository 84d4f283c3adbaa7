"""Route by route, another department's plan is one that does not exist (issue 14, "Must show" 1).

For every route with an object (tests/web/scope_cases.py), the editor and the viewer of another
department and a reviewer not assigned to 405002 ask for 405002's object: 404, the very body the
same route gives for an object that does not exist, none of 405002's names, codes, targets or
comments in it, nothing changed, and the attempt logged. The same request from 405002's own
users gets what their role allows. 首页, its totals, the reviewers' queue and search list only
what the user reads; a route with an object and no case fails the first test.
"""

import re

import pytest

from app.domain.formatting import figure
from app.models import Department, Plan, Project, RefusedRead, User
from tests.web.scope_cases import (
    ADMIN_ONLY,
    CASES,
    COMMENTS,
    EXEMPT,
    INSIDE,
    MISSING,
    NAMES,
    OTHER,
    OUTSIDE,
    OWN,
    TARGETS,
    USERS,
    World,
    blank_tokens,
    secrets_of,
)

# Names of URL arguments (and query arguments) that stand for a department's object.
OBJECT_ARGUMENTS = re.compile(r"plan|project|indicator|comment|change|version|number|code|token|id")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    world = World(tmp_path_factory.mktemp("scope_routes"))
    world.enter("adjusting")  # editable, with an approved version: every case has its data
    return world


def _body(response):
    return response.get_data(as_text=True)


def test_every_route_with_an_object_has_a_case(world):
    covered = {case.endpoint for case in CASES}
    missing = [
        f"{rule.rule} ({rule.endpoint})"
        for rule in world.app.url_map.iter_rules()
        if rule.endpoint not in covered
        and rule.endpoint not in EXEMPT
        and any(OBJECT_ARGUMENTS.search(argument) for argument in rule.arguments)
    ]
    assert missing == [], "routes with an object and no case in tests/web/scope_cases.py"
    endpoints = {rule.endpoint for rule in world.app.url_map.iter_rules()}
    assert covered - endpoints == set() and set(EXEMPT) - endpoints == set()
    # Every route is one or the other: a route reading an object from its query is seen too.
    assert endpoints - covered - set(EXEMPT) == set()


@pytest.mark.parametrize("who", OUTSIDE)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_another_departments_object_is_one_that_does_not_exist(world, case, who):
    client, ids = world.clients[who], world.reset()
    before = world.snapshot()
    with world.app.app_context():
        logged = RefusedRead.select().count()
    response = case.send(client, ids[OWN])
    body = _body(response)
    assert response.status_code == case.outside, body[:300]
    missing = case.send(client, MISSING)
    assert missing.status_code == case.outside
    assert blank_tokens(body) == blank_tokens(_body(missing))
    for header in ("Content-Type", "HX-Trigger", "Location"):
        assert response.headers.get(header) == missing.headers.get(header)
    leaked = [secret for secret in secrets_of(OWN) if secret in body]
    assert leaked == []
    assert world.snapshot() == before
    if case.outside == 404 and "token" not in case.url(MISSING):
        with world.app.app_context():
            refused = list(RefusedRead.select().where(RefusedRead.id > logged))
        # Both logged, so both cost the same; told apart for the administrator.
        assert [(row.username, row.url, row.out_of_scope) for row in refused] == [
            (who, case.url(ids[OWN]), True),
            (who, case.url(MISSING), False),
        ]


@pytest.mark.parametrize("who", INSIDE)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_departments_own_users_get_what_their_role_allows(world, case, who):
    ids = world.reset()
    response = case.send(world.clients[who], ids[OWN])
    assert response.status_code == case.expected(who, "adjusting"), _body(response)[:300]


# Where a reader finds each of 405002's texts the other tests look for: its name and code head
# the plan and its print; its target and comment are on the project page.
GUARDED = {
    "plan page": (NAMES[OWN], OWN),
    "plan print": (NAMES[OWN], OWN, TARGETS[OWN]),
    "project page": (NAMES[OWN], OWN, TARGETS[OWN], COMMENTS[OWN]),
}


@pytest.mark.parametrize("name", list(GUARDED))
def test_the_texts_looked_for_are_on_the_pages_they_guard(world, name):
    """A leak test that looks for texts a page never shows proves nothing: these are there."""
    case = next(case for case in CASES if case.name == name)
    ids = world.reset()
    body = _body(case.send(world.clients["editor"], ids[OWN]))
    assert [text for text in GUARDED[name] if text not in body] == []
    other = _body(case.send(world.clients["other_editor"], ids[OTHER]))
    assert NAMES[OTHER] in other and not any(text in other for text in GUARDED[name])


# One's own object with one of 405002's beside it, in the query or the form: (who, method, address,
# form), built from the user's own ids and the smuggled ones (405002's, or MISSING's).
SMUGGLED = {
    "a comment panel of one's project, at 405002's row": (
        "other_editor",
        "GET",
        lambda mine, x: (
            f"/comments/place?project={mine['project']}&indicator={x['indicator']}&field=target"
        ),
        lambda mine, x: {},
    ),
    "changes of one's plan, in 405002's project": (
        "other_editor",
        "GET",
        lambda mine, x: (
            f"/plans/{mine['code']}/{mine['year']}/changes?since=0&project={x['project']}"
        ),
        lambda mine, x: {},
    ),
    "presence in one's plan, at 405002's cell": (
        "other_editor",
        "POST",
        lambda mine, x: f"/plans/{mine['code']}/{mine['year']}/presence",
        lambda mine, x: {"cell": f"cell-{x['indicator']}-target", "project": x["project"]},
    ),
    "a paste into one's project, starting at 405002's cell": (
        "other_editor",
        "POST",
        lambda mine, x: f"/projects/{mine['project']}/paste",
        lambda mine, x: {"start": f"cell-{x['indicator']}-target", "text": "≥1", "preview": "1"},
    ),
    "a comment on one's project, at 405002's row": (
        "section",
        "POST",
        lambda mine, x: f"/projects/{mine['project']}/comments",
        lambda mine, x: {"text": "请补充", "indicator_id": x["indicator"], "field": "target"},
    ),
}


def _kept(snapshot):
    """A snapshot without who has what open: polling one's own plan keeps one's presence."""
    return {name: rows for name, rows in snapshot.items() if name != "Presence"}


@pytest.mark.parametrize("name", list(SMUGGLED))
def test_an_object_smuggled_beside_ones_own_is_answered_as_a_missing_one(world, name):
    who, method, url, data = SMUGGLED[name]
    ids = world.reset()
    client, mine = world.clients[who], ids[OTHER]
    before = world.snapshot()
    answers = [
        client._send(method, url(mine, x), data(mine, x), htmx=method != "GET")
        if method != "GET"
        else client.get(url(mine, x))
        for x in (ids[OWN], MISSING)
    ]
    smuggled, missing = (_body(answer) for answer in answers)
    assert answers[0].status_code == answers[1].status_code, smuggled[:300]
    assert blank_tokens(smuggled) == blank_tokens(missing)
    assert [secret for secret in secrets_of(OWN) if secret in smuggled] == []
    assert _kept(world.snapshot()) == _kept(before)


def test_admin_only_routes_reveal_nothing(world):
    """部门管理 and 用户管理 refuse everyone but administrators before reading anything: the
    same 403 for a department, plan or user that exists and one that does not."""
    ids = world.reset()
    with world.app.app_context():
        department = Department.get(Department.code == OWN).id
        user = User.get(User.username == "editor").id
    # Each address with the ids of 405002's objects, and with ids nothing has.
    addresses = {
        "departments.show": ("GET", "/departments/{department}"),
        "departments.correct": ("POST", "/departments/{department}"),
        "departments.set_parent": ("POST", "/departments/{department}/parent"),
        "departments.confirm_delete": ("GET", "/departments/plans/{plan}/delete"),
        "departments.delete": ("POST", "/departments/plans/{plan}/delete"),
        "departments.restore": ("POST", "/departments/plans/{plan}/restore"),
        "users.update": ("POST", "/users/{user}"),
        "users.password": ("POST", "/users/{user}/password"),
        "users.unlock": ("POST", "/users/{user}/unlock"),
        "users.reviews": ("POST", "/users/{user}/reviews"),
    }
    real = {"department": department, "plan": ids[OWN]["plan"], "user": user}
    nothing = dict.fromkeys(real, 999999)
    pages = ("index", "create", "log")
    assert {e for e in ADMIN_ONLY if e.split(".")[1] not in pages} == set(addresses)
    before = world.snapshot()
    for who in ("editor", "other_editor", "section", "viewer"):
        client = world.clients[who]
        for method, address in addresses.values():
            there, nowhere = address.format(**real), address.format(**nothing)
            answers = [
                client._send(method, url, {"code": OWN}, htmx=False) for url in (there, nowhere)
            ]
            assert [a.status_code for a in answers] == [403, 403], (who, there)
            assert blank_tokens(_body(answers[0])) == blank_tokens(_body(answers[1]))
    assert world.snapshot() == before


def _total_row(body):
    """首页's 合计 row: (number of plans, 预算数 total) as shown."""
    row = re.search(r'<tr id="plans-total">(.*?)</tr>', body, re.S).group(1)
    plans = re.search(r"合计（(\d+)个年度计划）", row).group(1)
    cells = re.findall(r'<td class="num">([^<]*)', row)
    return int(plans), cells[1].strip()


def _budget(codes):
    with_budget = (
        Project.select()
        .join(Plan)
        .join(Department)
        .where(Department.code.in_(codes), Project.deleted_at.is_null(), Plan.deleted_at.is_null())
    )
    return figure(sum((p.budget or 0) for p in with_budget))


# Whose plans each user reads, in the world.
READS = {
    "editor": (OWN,),
    "own_viewer": (OWN,),
    "other_editor": (OTHER,),
    "other_viewer": (OTHER,),
    "section": (OTHER,),
    "own_section": (OWN,),
    "reviewer": (OWN, OTHER),
    "viewer": (OWN, OTHER),
    "root": (OWN, OTHER),
}


def _shows(body, codes):
    """Which of the two departments a list shows, by name."""
    return tuple(code for code in (OWN, OTHER) if NAMES[code] in body)


@pytest.mark.parametrize("who", list(USERS))
def test_home_lists_and_sums_only_what_the_user_reads(world, who):
    world.reset()
    body = _body(world.clients[who].get("/"))
    assert _shows(body, READS[who]) == READS[who]
    with world.app.app_context():
        assert _total_row(body) == (len(READS[who]), _budget(READS[who]))
    for code in {OWN, OTHER} - set(READS[who]):
        assert not any(secret in body for secret in secrets_of(code)[:2])


@pytest.mark.parametrize("who", list(USERS))
def test_the_reviewers_queue_holds_only_what_the_user_reads(world, who):
    world.enter("submitted")
    try:
        queue = _body(world.clients[who].get("/?status=submitted"))
        assert _shows(queue, READS[who]) == READS[who]
        assert _total_row(queue)[0] == len(READS[who])
        if USERS[who][0] in ("reviewer", "admin"):
            home = _body(world.clients[who].get("/"))
            tasks = re.search(r'id="tasks".*?</section>', home, re.S)
            assert tasks is not None, "a reviewer's 待我处理 lists the submitted plans"
            assert _shows(tasks.group(0), READS[who]) == READS[who]
    finally:
        world.enter("adjusting")


@pytest.mark.parametrize("who", list(USERS))
def test_search_finds_only_what_the_user_reads(world, who):
    world.reset()
    body = _body(world.clients[who].get("/search?q=总工会房屋租金"))
    assert _shows(body, READS[who]) == READS[who]
    for code in {OWN, OTHER} - set(READS[who]):
        assert not any(secret in body for secret in secrets_of(code)[:2])


def test_a_refused_read_is_logged_without_its_content(world):
    ids = world.reset()
    with world.app.app_context():
        RefusedRead.delete().execute()
    url = f"/projects/{ids[OWN]['project']}"
    assert world.clients["other_viewer"].get(url).status_code == 404
    assert world.clients["other_viewer"].get("/projects/999999").status_code == 404
    with world.app.app_context():
        rows = [(r.username, r.method, r.url, r.out_of_scope) for r in RefusedRead.select()]
    # Both logged (the same cost for both 404s), told apart: 无权查看 and 不存在 on 访问记录.
    assert rows == [
        ("other_viewer", "GET", url, True),
        ("other_viewer", "GET", "/projects/999999", False),
    ]
