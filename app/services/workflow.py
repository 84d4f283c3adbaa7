"""Changing a plan's review status, recorded in its history (the rules: app/domain/workflow.py)."""

from app.db import database
from app.domain.workflow import STATUSES, next_status
from app.services.history import record_change


def change_status(plan, action, user="", reason=""):
    """Move a plan to the status an action leads to, or WorkflowError saying why not."""
    reason = reason.strip()
    target = next_status(plan.status, action, reason)
    with database.atomic():
        old = plan.status
        plan.status, plan.status_reason = target, reason
        plan.save(only=[type(plan).status, type(plan).status_reason])
        note = f"{STATUSES[target]}：{reason}" if reason else STATUSES[target]
        record_change("plan", plan, "status", "status", STATUSES[old], note, user)
