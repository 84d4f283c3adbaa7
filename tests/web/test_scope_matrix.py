"""The matrix (issue 14, "Must show" 2): every route with an object × every kind of user × every
status of the plan × with and without the CSRF token.

The kinds of user: 405002's editor and viewer and 406001's, a reviewer with no assignment (who
reads every department) and one assigned 406001 only, the bureau's viewer, an administrator
(tests/web/scope_cases.py: USERS). Each request is one of:
- out of scope (another department's user, or the reviewer not assigned): `case.outside`, 404;
- not allowed: without the CSRF token 400; for the role 403 (404 for an upload that is not the
  user's own); for the plan's status 403, 422 (an upload's preview of a plan in review) or 303
  with the reason in a flash message (the workflow's buttons);
- allowed: the case's `ok` status (200, 204 or 303).
A refused request changes nothing in the database; an allowed write is undone (`World.reset`)
so that the next request meets the same world. The counts are printed at the end of the module
and asserted state by state.
"""

import time
from collections import Counter

import pytest

from tests.web.scope_cases import CASES, INSIDE, OWN, STATES, USERS, World

SUMMARY = {}


@pytest.fixture(scope="module")
def world(tmp_path_factory, request):
    world = World(tmp_path_factory.mktemp("scope_matrix"))
    yield world
    _report(request.config)


def _report(config):
    """The counts of every state, and their sum, on the terminal (whatever -s says)."""
    if not SUMMARY:
        return
    capture = config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        _write(config.pluginmanager.get_plugin("terminalreporter"))


def _write(terminal):
    total = sum(SUMMARY.values(), Counter())
    terminal.write_line("")
    terminal.write_line("scope matrix (tests/web/test_scope_matrix.py):")
    for state, counts in [*SUMMARY.items(), ("all", total)]:
        terminal.write_line(
            f"  {state:>9}: {counts['requests']} requests, {counts['out of scope']} refused out"
            f" of scope, {counts['not allowed']} refused not allowed"
            f" ({counts['no token']} without the token), {counts['allowed']} allowed,"
            f" {counts['changed']} database changes by refused requests, {counts['seconds']:.1f} s"
        )
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(total.items()) if k.startswith("status "))
    terminal.write_line(f"  refused with: {statuses}")


def _expected(case, user, state, token):
    """(kind, status) of a request: 'out of scope', 'not allowed' or 'allowed'."""
    if case.writes and not token:
        return "not allowed", 400
    if user not in INSIDE:
        return "out of scope", case.outside
    if case.allowed(user, state):
        return "allowed", case.ok
    return "not allowed", case.expected(user, state)


@pytest.mark.parametrize("state", STATES)
def test_every_request_is_refused_or_allowed_as_the_rules_say(world, state):
    started = time.perf_counter()
    ids = world.enter(state)[OWN]
    counts, wrong = Counter(), []
    known = None  # the database as the last refused request left it
    for case in CASES:
        for user in USERS:
            for token in (True, False) if case.writes else (True,):
                kind, status = _expected(case, user, state, token)
                if kind != "allowed" and known is None:
                    known = world.snapshot()
                response = case.send(world.clients[user], ids, token=token)
                counts["requests"] += 1
                counts[kind] += 1
                counts["no token"] += not token
                where = f"{case.name} as {user}{'' if token else ' without the token'}"
                if response.status_code != status:
                    wrong.append(f"{where}: {response.status_code}, expected {status} ({kind})")
                if kind == "allowed":
                    if case.writes:
                        world.reset()
                    known = None
                    continue
                counts[f"status {response.status_code}"] += 1
                after = world.snapshot()
                if after != known:
                    counts["changed"] += 1
                    wrong.append(f"{where}: refused, yet the database changed")
                    world.reset()
                    known = None
    counts["seconds"] = time.perf_counter() - started
    SUMMARY[state] = counts
    assert wrong == []
    assert counts["changed"] == 0
    writes = sum(1 for case in CASES if case.writes)
    assert counts["requests"] == len(USERS) * (len(CASES) + writes)
    assert counts["no token"] == len(USERS) * writes
    assert counts["out of scope"] == (len(USERS) - len(INSIDE)) * len(CASES)
    assert counts["allowed"] == sum(case.allowed(user, state) for case in CASES for user in INSIDE)
    assert counts["allowed"] + counts["not allowed"] + counts["out of scope"] == counts["requests"]
