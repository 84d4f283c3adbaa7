"""Changing a plan's review status, recorded in its history (the rules: app/domain/workflow.py).

The plan is re-read and locked inside the transaction, and the user's right asked there, so a
save and a submit that meet cannot both win: the save lands before the submit or is refused.
"""

from app.db import database
from app.domain.permissions import can_review, can_submit
from app.domain.workflow import STATUSES, next_status
from app.services.errors import Forbidden
from app.services.history import record_change
from app.services.records import lock_plan


def change_status(user, plan_id, action, reason=""):
    """Move a plan to the status an action leads to, as `user`; WorkflowError saying why not,
    Forbidden when the user may not take the action. Returns the plan as it is now."""
    reason = reason.strip()
    with database.atomic():
        plan = lock_plan(plan_id, exclusive=True)
        allowed = can_submit(user, plan) if action == "submit" else can_review(user)
        if not allowed:
            raise Forbidden(f"{action} plan {plan_id}")
        target = next_status(plan.status, action, reason)
        old = plan.status
        plan.status, plan.status_reason = target, reason
        plan.save(only=[type(plan).status, type(plan).status_reason])
        note = f"{STATUSES[target]}：{reason}" if reason else STATUSES[target]
        record_change("plan", plan, "status", "status", STATUSES[old], note, user.username)
        return plan
