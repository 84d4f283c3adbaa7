"""Each plan's findings counted by severity (E, W, I), kept so that 首页 need not check a city.

Checking a plan reads all its projects and runs every rule: fine for one plan page, too slow for
首页 listing a hundred departments on every view. The counts are kept in `PlanCheck` with the
plan's largest `Change.id` at the time. Every write records a change (app/services/history.py),
so a plan whose largest change id is still the one kept has not changed since, and its counts
stand; only the plans that moved are checked again.

The id is read before the plan is checked: a write landing in between leaves an older id with
the newer counts, and the plan is simply counted once more on the next view, never the other
way round. Two viewers counting the same plan at once both upsert; the later id wins.

A city's first view after the counts were dropped would check every plan at once (a hundred
plans take seconds): 首页 asks for at most `RECOUNTS_PER_VIEW` per view, and shows the rest as
still to come.

Counts kept under one version of the rules say nothing about the next: `forget()` drops them
all, and `flask init-db` (which an upgrade runs) calls it.
"""

import datetime

from peewee import EXCLUDED, JOIN, DatabaseError, fn

from app.db import cannot_write, database
from app.models import Change, Plan, PlanCheck
from app.services import checking

RECOUNTS_PER_VIEW = 10


def last_change_id():
    """The largest change id of the plan in the enclosing query (NULL for none): a subquery
    answered by one look into the (plan, id) index, where a MAX grouped by plan reads every
    change of the plans listed (a city's history: 50,000 rows for 首页's every view)."""
    return Change.select(fn.MAX(Change.id)).where(Change.plan == Plan.id)


def counts_for(plans, most=None):
    """{plan id: (errors, warnings, infos)} for some plans (with their departments), checking
    again only those changed since they were last counted.

    With `most`, at most that many plans are checked in this call (in the order given); the
    others, still to be counted, map to None: a view stays quick after an upgrade has dropped
    every count, and each further view counts the next ones.
    """
    plans = list(plans)
    if not plans:
        return {}
    ids = [plan.id for plan in plans]
    rows = (
        Plan.select(
            Plan.id,
            fn.COALESCE(last_change_id(), 0),
            PlanCheck.change_id,
            PlanCheck.errors,
            PlanCheck.warnings,
            PlanCheck.infos,
        )
        .join(PlanCheck, JOIN.LEFT_OUTER, on=(PlanCheck.plan == Plan.id))
        .where(Plan.id.in_(ids))
        .tuples()
    )
    counts, stale = {}, {}
    for plan_id, last, kept_change, errors, warnings, infos in rows:
        if kept_change is not None and kept_change == last:
            counts[plan_id] = (errors, warnings, infos)
        else:
            stale[plan_id] = last
    for plan in plans:
        if plan.id in stale:
            if most is not None and most <= 0:
                counts[plan.id] = None
                continue
            counts[plan.id] = _recount(plan, stale[plan.id])
            most = None if most is None else most - 1
    return counts


def _recount(plan, change_id):
    """Check a plan, keep its counts as of `change_id`, and return them."""
    found = checking.counts(checking.check_plan(plan))
    counted = (found["E"], found["W"], found["I"])
    row = {
        PlanCheck.plan: plan.id,
        PlanCheck.change_id: change_id,
        PlanCheck.errors: counted[0],
        PlanCheck.warnings: counted[1],
        PlanCheck.infos: counted[2],
        PlanCheck.checked_at: datetime.datetime.now(),
    }
    upsert = PlanCheck.insert(row).on_conflict(
        conflict_target=[PlanCheck.plan],
        update={
            PlanCheck.change_id: EXCLUDED.change_id,
            PlanCheck.errors: EXCLUDED.errors,
            PlanCheck.warnings: EXCLUDED.warnings,
            PlanCheck.infos: EXCLUDED.infos,
            PlanCheck.checked_at: EXCLUDED.checked_at,
        },
        # A viewer who counted an older state of the plan does not overwrite a newer count.
        where=(PlanCheck.change_id <= EXCLUDED.change_id),
    )
    try:
        with database.atomic():
            upsert.execute()
    except DatabaseError as error:
        # The counts are a convenience: a database that cannot be written now (a full disk)
        # still shows 首页, counted afresh.
        if not cannot_write(error):
            raise
    return counted


def forget():
    """Drop every kept count: the next view of 首页 counts each plan again."""
    with database.atomic():
        PlanCheck.delete().execute()
