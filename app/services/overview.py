"""首页's overview of the city: every plan the user reads with its status, findings, open
comments, last change and money, and the plans waiting for the user who looks ("待我处理").
The plans are read in one query with the reading scope in its WHERE (plans.readable_plans), and
every figure is taken over those plans only.

Each column is one grouped query over the plans listed, whatever their number: the findings
come from the counts kept by app/services/check_counts.py, the money from `plan_totals`.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from peewee import fn

from app.domain import permissions, workflow
from app.models import Change, Comment, Department, Plan
from app.services import check_counts
from app.services.check_counts import counts_for, last_change_id
from app.services.comments import open_threads
from app.services.plans import Totals, all_plans, plan_totals, readable_plans, status_counts


@dataclass(frozen=True)
class Line:
    """One plan on 首页."""

    plan: object
    errors: int | None  # None: not counted yet (see check_counts.RECOUNTS_PER_VIEW)
    warnings: int | None
    open_comments: int
    last_change: object | None  # the plan's latest LastChange, or None
    totals: Totals


class LastChange(NamedTuple):
    """When a plan was last changed, and by whom."""

    at: object
    user: str


@dataclass(frozen=True)
class Overview:
    """The plans listed (in `status`, or all), their grand total, and how many plans each
    status holds (for the filter)."""

    lines: list
    total: Totals
    status: str | None
    by_status: dict = field(default_factory=dict)
    uncounted: int = 0  # plans whose findings are still to be counted


@dataclass(frozen=True)
class Task:
    """A plan waiting for the user: `why` is one of review, returned, errors."""

    plan: object
    why: str
    errors: int = 0


def overview(user, status=None):
    """Every plan `user` reads (in `status`, when it is one of workflow.STATUSES), ready for
    首页."""
    if status not in workflow.STATUSES:
        status = None
    plans = all_plans(user, status)
    counts = counts_for(plans, check_counts.RECOUNTS_PER_VIEW)
    totals = plan_totals(plans)
    comments = open_comments(plans)
    changes = last_changes(plans)
    lines = [
        Line(
            plan=plan,
            errors=None if counts[plan.id] is None else counts[plan.id][0],
            warnings=None if counts[plan.id] is None else counts[plan.id][1],
            open_comments=comments.get(plan.id, 0),
            last_change=changes.get(plan.id),
            totals=totals.get(plan.id, Totals()),
        )
        for plan in plans
    ]
    total = sum((line.totals for line in lines), Totals())
    uncounted = sum(1 for line in lines if line.errors is None)
    return Overview(lines, total, status, status_counts(user), uncounted)


def open_comments(plans):
    """{plan id: open threads on its narrative and its live projects}, as a submit counts them
    (app/services/comments.py open_count)."""
    ids = [plan.id for plan in plans]
    if not ids:
        return {}
    query, open_ = open_threads()
    rows = (
        query.select(Comment.plan, fn.COUNT(Comment.id))
        .where(Comment.plan.in_(ids) & open_)
        .group_by(Comment.plan)
        .tuples()
    )
    return dict(rows)


def last_changes(plans):
    """{plan id: its latest LastChange} (a tuple a plan: a hundred Change objects cost more)."""
    ids = [plan.id for plan in plans]
    if not ids:
        return {}
    # One look into the (plan, id) index per plan, not a pass over the whole city's history.
    rows = (
        Change.select(Change.plan, Change.at, Change.user)
        .join(Plan, on=(Change.id == last_change_id()))
        .where(Plan.id.in_(ids))
        .tuples()
    )
    return {plan_id: LastChange(at, user) for plan_id, at, user in rows}


def my_tasks(user, every_plan=None):
    """The plans waiting for `user`, by department: for reviewers and admins, those submitted for
    review; for an editor, the department's plans returned (with the reason) and the editable
    ones with errors. None for a user who has no such list (a viewer). `every_plan`:
    all_plans(user) when the caller has it (首页 unfiltered), not read again. A reviewer's queue
    holds the departments assigned to them (app/services/scope.py)."""
    if user is None:
        return None
    if permissions.can_review(user):
        waiting = [status for status in workflow.STATUSES if workflow.can_take("approve", status)]
        if every_plan is not None:
            return [Task(plan, "review") for plan in every_plan if plan.status in waiting]
        query = _plans(user).where(Plan.status.in_(waiting))
        return [Task(plan, "review") for plan in query]
    if not permissions.can_start_plans(user):
        return None  # a viewer answers for no plan
    plans = [
        plan
        for plan in _plans(user).where(Plan.department == user.department_id)
        if permissions.can_edit(user, plan)
    ]
    counts = counts_for(plans)
    tasks = []
    for plan in plans:
        errors = counts[plan.id][0]
        if plan.status == "returned":
            tasks.append(Task(plan, "returned", errors))
        elif errors:
            tasks.append(Task(plan, "errors", errors))
    return tasks


def _plans(user):
    return readable_plans(user).order_by(Department.code, Plan.year.desc())
