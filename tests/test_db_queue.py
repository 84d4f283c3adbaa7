"""Writers of one process take turns for SQLite in Python, in the order they came (app/db.py),
instead of sleeping in SQLite's busy handler: the first in is the first out, a nested atomic()
does not wait for itself, a failed write lets the next one in, and eight people saving at once
never meet "database is locked" even with SQLite's own waiting switched off.

Each writer is a thread with its own connection, as a request of the server would be.
"""

import threading
import time

import pytest
from peewee import SqliteDatabase

from app.db import database
from app.domain.fields import Edit, version
from app.models import Change, Indicator, LoginEvent
from app.services.saving import save_cell
from tests.conftest import account

WAIT = 10  # seconds before a test gives up on a thread (a deadlock), never a measure of speed


@pytest.fixture(autouse=True)
def _sqlite_only(app):
    if not isinstance(database.obj, SqliteDatabase):
        pytest.skip("PostgreSQL locks rows: its writers do not queue in the process")


def _in_thread(work):
    """Start `work` in a thread with a connection of its own; returns (thread, failures)."""
    failures = []

    def run():
        try:
            work()
        except Exception as error:  # noqa: BLE001 (reported to the test)
            failures.append(error)
        finally:
            database.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, failures


def _until(condition):
    """Wait until `condition()` holds (another thread gets there), or fail the test."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "the other thread never got there"
        time.sleep(0.001)


def _event(name):
    LoginEvent.create(username=name, success=True)


def _names():
    return [e.username for e in LoginEvent.select().order_by(LoginEvent.id)]


def test_writers_go_in_the_order_they_came(app):
    queue = database.obj.write_queue
    order, inside, let_go = [], threading.Event(), threading.Event()

    def first():
        with database.atomic():
            _event("first")
            inside.set()
            assert let_go.wait(WAIT)

    def later(name):
        with database.atomic():
            order.append(name)
            _event(name)

    runs = [_in_thread(first)]
    assert inside.wait(WAIT)
    names = ["b", "c", "d", "e", "f"]
    for count, name in enumerate(names, 1):
        runs.append(_in_thread(lambda name=name: later(name)))
        _until(lambda count=count: queue.waiting() == count)  # in line behind the others
    let_go.set()
    for thread, failures in runs:
        thread.join(WAIT)
        assert not thread.is_alive() and failures == []
    assert order == names
    assert _names() == ["first", *names]
    assert not queue.busy() and queue.waiting() == 0


def test_a_write_outside_a_transaction_waits_its_turn_too(app):
    """A session's last-seen time is written on its own, not in a service's transaction: it too
    waits in the queue, not in SQLite's busy handler."""
    queue = database.obj.write_queue
    inside, let_go = threading.Event(), threading.Event()

    def first():
        with database.atomic():
            _event("first")
            inside.set()
            assert let_go.wait(WAIT)

    runs = [_in_thread(first)]
    assert inside.wait(WAIT)
    runs.append(_in_thread(lambda: _event("on its own")))
    _until(lambda: queue.waiting() == 1)
    let_go.set()
    for thread, failures in runs:
        thread.join(WAIT)
        assert not thread.is_alive() and failures == []
    assert _names() == ["first", "on its own"]
    assert not queue.busy()


def test_a_nested_atomic_does_not_wait_for_its_own_transaction(app):
    queue = database.obj.write_queue
    seen = {}

    def work():
        with database.atomic():
            _event("outer")
            with database.atomic():  # a savepoint inside the writer's own transaction
                _event("nested")
                seen["held inside"] = queue.held()
            with pytest.raises(ValueError), database.atomic():
                _event("undone")
                raise ValueError("rolled back to its savepoint")
            _event("after")
        seen["held after"] = queue.held()

    thread, failures = _in_thread(work)
    thread.join(WAIT)
    assert not thread.is_alive(), "the nested atomic() waited for itself"
    assert failures == []
    assert seen == {"held inside": True, "held after": False}
    assert _names() == ["outer", "nested", "after"]
    assert not queue.busy()


def test_a_failed_write_lets_the_next_writer_in(app):
    queue = database.obj.write_queue
    with pytest.raises(ValueError), database.atomic():
        _event("failed")
        raise ValueError("the save refused halfway")
    assert not queue.busy()

    thread, failures = _in_thread(lambda: _event("next"))  # on its own, and in a transaction
    thread.join(WAIT)
    assert not thread.is_alive() and failures == []

    def in_a_transaction():
        with database.atomic():
            _event("next in a transaction")

    thread, failures = _in_thread(in_a_transaction)
    thread.join(WAIT)
    assert not thread.is_alive() and failures == []
    assert _names() == ["next", "next in a transaction"]
    assert not queue.busy() and queue.waiting() == 0


def test_a_refused_value_is_answered_without_waiting_for_the_writers(app, seeded):
    """Nothing is written for a value that does not parse: its 422 does not queue."""
    queue = database.obj.write_queue
    with app.app_context():
        row = Indicator.select().order_by(Indicator.id).first()
        user = account("root")
    inside, let_go = threading.Event(), threading.Event()

    def writer():
        with database.atomic():
            _event("a long write")
            inside.set()
            assert let_go.wait(WAIT)

    thread, failures = _in_thread(writer)
    assert inside.wait(WAIT)
    try:
        edit = Edit("indicator", "target", {"target": "x" * 201}, {"target": version(row.target)})
        outcome = save_cell(user, row.id, edit)
        assert outcome.status == 422 and "target" in outcome.errors
        assert queue.waiting() == 0
    finally:
        let_go.set()
        thread.join(WAIT)
    assert failures == []


EDITORS, SAVES = 8, 15


def test_editors_saving_at_once_never_meet_a_locked_database(app, seeded):
    """SQLite's busy handler switched off on every connection: a writer that found the file
    taken would be told "database is locked" at once. None is: they wait in the queue."""
    with app.app_context():
        rows = list(Indicator.select().order_by(Indicator.id).limit(EDITORS))
        user = account("root")
        changes_before = Change.select().count()
    start = threading.Barrier(EDITORS)
    answers = []

    def editor(row):
        database.connect(reuse_if_open=True)
        database.execute_sql("PRAGMA busy_timeout = 0")
        seen = row.target
        start.wait(WAIT)
        for round_ in range(SAVES):
            typed = f"{row.id}-{round_}"
            edit = Edit("indicator", "target", {"target": typed}, {"target": version(seen)})
            answers.append(save_cell(user, row.id, edit).status)
            seen = typed

    runs = [_in_thread(lambda row=row: editor(row)) for row in rows]
    for thread, failures in runs:
        thread.join(WAIT * 3)
        assert not thread.is_alive()
        assert failures == []  # no OperationalError("database is locked")
    assert answers == [200] * EDITORS * SAVES
    with app.app_context():
        stored = {
            r.id: r.target for r in Indicator.select().where(Indicator.id << [r.id for r in rows])
        }
        assert stored == {row.id: f"{row.id}-{SAVES - 1}" for row in rows}
        assert Change.select().count() - changes_before == EDITORS * SAVES


def test_a_writer_that_waited_too_long_leaves_the_line_and_the_next_one_gets_in():
    from peewee import OperationalError

    from app.db import WriteQueue

    queue, holder_in, let_go, outcomes = WriteQueue(), threading.Event(), threading.Event(), {}

    def holder():
        queue.acquire()
        holder_in.set()
        assert let_go.wait(WAIT)
        queue.release()

    def waiter(name, timeout):
        try:
            queue.acquire(timeout=timeout)
        except OperationalError as error:
            outcomes[name] = str(error)
            return
        outcomes[name] = "in"
        queue.release()

    first = threading.Thread(target=holder)
    first.start()
    assert holder_in.wait(WAIT)
    impatient = threading.Thread(target=waiter, args=("impatient", 0.05))
    impatient.start()
    impatient.join(WAIT)
    assert outcomes["impatient"] == "database is locked" and queue.waiting() == 0
    patient = threading.Thread(target=waiter, args=("patient", WAIT))
    patient.start()
    _until(lambda: queue.waiting() == 1)
    let_go.set()
    for thread in (first, patient):
        thread.join(WAIT)
    assert outcomes["patient"] == "in" and not queue.busy()
