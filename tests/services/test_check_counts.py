"""The findings counted per plan and kept for 首页 (app/services/check_counts.py)."""

from app.models import Change, Plan, PlanCheck, Project
from app.services import check_counts
from app.services.setup import init_db


def _kept():
    return {(row.plan_id, row.change_id, row.errors, row.warnings) for row in PlanCheck.select()}


def test_counts_are_kept_with_the_plans_last_change(app, seeded):
    with app.app_context():
        plan = Plan.get()
        last = Change.select().where(Change.plan == plan).order_by(Change.id.desc()).first()
        assert check_counts.counts_for([plan]) == {plan.id: (0, 3, 0)}
        assert _kept() == {(plan.id, last.id, 0, 3)}
        assert check_counts.counts_for([]) == {}


def test_two_viewers_counting_the_same_plan_both_succeed_and_the_newer_count_stays(app, seeded):
    with app.app_context():
        plan = Plan.get()
        check_counts.counts_for([plan])
        (kept,) = _kept()
        # Another viewer counted the same state at the same time: no unique-key error.
        assert check_counts._recount(plan, kept[1]) == (0, 3, 0)
        # One who read an older change id and writes last does not overwrite the newer count.
        check_counts._recount(plan, kept[1] - 1)
        assert _kept() == {kept}


def test_a_write_outside_the_history_is_not_seen_until_the_next_change(app, seeded):
    """What the counts rely on: every write records a change. A change recorded is seen."""
    with app.app_context():
        plan = Plan.get()
        check_counts.counts_for([plan])
        Project.update(other_funds=1).where(Project.code == "405002B19DX0002").execute()
        assert check_counts.counts_for([plan])[plan.id][0] == 0
        project = Project.get(Project.code == "405002B19DX0002")
        Change.create(
            plan=plan,
            project=project,
            entity="project",
            record_id=project.id,
            field="other_funds",
            action="edit",
            old="",
            new="1",
            user="root",
        )
        assert check_counts.counts_for([plan])[plan.id][0] == 1


def test_setting_up_the_database_again_forgets_the_counts(app, seeded):
    """An upgrade runs `flask init-db`: counts made by the old rules are not shown."""
    with app.app_context():
        check_counts.counts_for([Plan.get()])
        assert _kept()
        init_db()
        assert _kept() == set()
