"""A deleted plan is out of reach of every service that writes into a plan, whoever calls it:
each asks for the plan inside its transaction and finds none (NotFound)."""

import pytest

from app.models import Change, Plan
from app.services import comments, history, next_year
from app.services.errors import NotFound
from app.services.plans import PlanRefused, delete_plan, new_project, restore_plan
from app.services.records import load_for_edit
from tests.conftest import account, database_snapshot


@pytest.fixture
def deleted(app, seeded):
    """The seed's plan with a comment on its narrative and an edit, then deleted."""
    with app.app_context():
        plan = Plan.get()
        thread = comments.add(account(), None, "请补充", field="overall_goal", plan_id=plan.id)
        history.record_change("plan", plan, "edit", "overall_goal", "旧目标", plan.overall_goal)
        delete_plan(account(), plan.id, "重复建立")
        return plan, thread


@pytest.mark.parametrize(
    "write",
    [
        lambda plan, thread: new_project(account(), plan.id),
        lambda plan, thread: history.restore(
            account(), Change.get((Change.action == "edit") & (Change.plan == plan.id))
        ),
        lambda plan, thread: comments.reply(account(), thread.id, "回复"),
        lambda plan, thread: comments.plan_of_thread(account(), thread),
        lambda plan, thread: delete_plan(account(), plan.id, "再删一次"),
        lambda plan, thread: load_for_edit(account(), "project", plan.ordered_projects()[0].id),
    ],
    ids=["new project", "restore", "reply", "thread", "delete again", "edit a project"],
)
def test_a_deleted_plan_is_not_found_by_a_write(app, deleted, write):
    plan, thread = deleted
    with app.app_context():
        before = database_snapshot()
        with pytest.raises(NotFound):
            write(plan, thread)
        assert database_snapshot() == before


def test_a_plan_not_deleted_is_not_restored(app, seeded):
    with app.app_context(), pytest.raises(PlanRefused, match="该计划没有被删除，无需恢复"):
        restore_plan(account(), Plan.get().id)


def test_last_years_targets_are_not_read_from_a_deleted_plan(app, seeded):
    with app.app_context():
        last_year = Plan.get()
        this_year = next_year.start_next_year(account(), last_year.id).plan
        project = this_year.ordered_projects()[0]
        indicators = list(project.ordered_indicators())
        assert next_year.previous_targets(project, indicators)  # the copy's source
        delete_plan(account(), last_year.id, "重复建立")
        assert next_year.previous_targets(project, indicators) == {}
