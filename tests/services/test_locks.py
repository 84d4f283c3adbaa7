"""Writers meeting in the database: a status change or an import holds the plan, and a save that
arrives meanwhile waits for it, then sees what it did; nobody waits for anybody in a circle.

Two threads, each with its own connection, as two requests of the server would have. On SQLite
the first transaction (BEGIN IMMEDIATE) holds the second off; on PostgreSQL the plan's row lock
does (app/services/records.py), and these tests fail if that lock, or its order, is lost.
"""

import pytest

from app.domain.fields import Edit, version
from app.models import Indicator, Plan
from app.services.errors import Forbidden
from app.services.records import lock_plan
from app.services.saving import save_cell
from tests.conftest import account
from tests.meanwhile import hold, meanwhile


def _first_row(app):
    with app.app_context():
        plan = Plan.get()
        return plan.id, plan.ordered_projects()[0].ordered_indicators()[0]


def _edit(row, typed):
    return Edit("indicator", "target", {"target": typed}, {"target": version(row.target)})


def test_a_save_that_meets_a_submit_waits_and_is_refused(app, seeded):
    plan_id, row = _first_row(app)

    def submit(holding):
        lock_plan(plan_id, exclusive=True)
        Plan.update(status="submitted").where(Plan.id == plan_id).execute()
        hold(holding)

    thread, failures = meanwhile(submit)
    with app.app_context(), pytest.raises(Forbidden):
        save_cell(account("editor"), row.id, _edit(row, "≥1"))
    thread.join()
    assert failures == []
    with app.app_context():
        assert Indicator.get_by_id(row.id).target == row.target


def test_a_save_that_meets_an_import_waits_for_it_without_a_deadlock(app, seeded):
    plan_id, row = _first_row(app)

    def import_(holding):
        lock_plan(plan_id, exclusive=True)  # an import holds the plan, then writes its rows
        hold(holding)
        Indicator.update(basis="导入的依据").where(Indicator.id == row.id).execute()

    thread, failures = meanwhile(import_)
    with app.app_context():
        outcome = save_cell(account("editor"), row.id, _edit(row, "≥1"))
    thread.join()
    assert failures == [] and outcome.status == 200
    with app.app_context():
        saved = Indicator.get_by_id(row.id)
        assert (saved.target, saved.basis) == ("≥1", "导入的依据")
