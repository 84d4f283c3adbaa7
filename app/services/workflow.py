"""Changing a plan's review status, recorded in its history (the rules: app/domain/workflow.py).

The plan is re-read and locked inside the transaction, and the user's right asked there, so a
save and a submit that meet cannot both win: the save lands before the submit or is refused.
Submitting is refused while the review rules find an error or a comment is open; approving
freezes the plan as a version (app/services/versions.py); an 调整 keeps its reason until the
changed plan is approved.
"""

from app.db import database
from app.domain.permissions import can_take_action
from app.domain.workflow import STATUSES, WorkflowError, next_status, submit_blockers
from app.services import scope
from app.services.checking import check_plan
from app.services.comments import open_count
from app.services.errors import Forbidden
from app.services.history import record_change
from app.services.records import lock_plan
from app.services.versions import freeze


def change_status(user, plan_id, action, reason=""):
    """Move a plan to the status an action leads to, as `user`; WorkflowError saying why not,
    Forbidden when the user may not take the action, OutOfScope (a NotFound) for a plan of a
    department they do not read. Returns the plan as it is now."""
    reason = reason.replace("\r\n", "\n").strip()
    with database.atomic():
        plan = lock_plan(plan_id, exclusive=True)
        scope.check(user, plan.department_id, f"plan {plan_id}")
        if not can_take_action(user, plan, action):
            raise Forbidden(f"{action} plan {plan_id}")
        target = next_status(plan.status, action, reason)
        if action == "submit":
            blockers = submit_blockers(_errors(plan), open_count(plan))
            if blockers:
                raise WorkflowError(blockers)
        if action == "approve":
            freeze(plan, user)
            plan.adjustment = ""
        elif action == "adjust":
            plan.adjustment = reason
        old = plan.status
        plan.status, plan.status_reason = target, reason
        model = type(plan)
        plan.save(only=[model.status, model.status_reason, model.adjustment])
        note = f"{STATUSES[target]}：{reason}" if reason else STATUSES[target]
        record_change("plan", plan, "status", "status", STATUSES[old], note, user.username)
        return plan


def _errors(plan):
    """The messages of the plan's E findings, each saying where."""
    return [
        f"{f.project}：{f.message}" if f.project else f.message
        for f in check_plan(plan)
        if f.severity == "E"
    ]
