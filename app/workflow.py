"""A plan's review status (DESIGN.md §8): 草稿 → 已提交 → 已退回 (with reasons) or 已批复.

Submitted and approved plans are locked for their department's editors (see
app/permissions.py); every change of status is recorded in the plan's history.
"""

from app.changes import record_change
from app.db import database

STATUSES = {"draft": "草稿", "submitted": "已提交", "returned": "已退回", "approved": "已批复"}

# action → (statuses it starts from, status it ends in)
TRANSITIONS = {
    "submit": (("draft", "returned"), "submitted"),
    "return": (("submitted",), "returned"),
    "approve": (("submitted",), "approved"),
}


class WorkflowError(ValueError):
    """A status change that does not apply; the message is for the user, in Chinese."""


def change_status(plan, action, user="", reason=""):
    """Move a plan to the status an action leads to; returning needs a reason."""
    sources, target = TRANSITIONS[action]
    if plan.status not in sources:
        raise WorkflowError(f"当前状态为“{STATUSES[plan.status]}”，不能执行此操作")
    reason = reason.strip()
    if action == "return" and not reason:
        raise WorkflowError("退回时请写明理由")
    with database.atomic():
        old = plan.status
        plan.status, plan.status_reason = target, reason
        plan.save(only=[type(plan).status, type(plan).status_reason])
        note = f"{STATUSES[target]}：{reason}" if reason else STATUSES[target]
        record_change("plan", plan, "status", "status", STATUSES[old], note, user)
