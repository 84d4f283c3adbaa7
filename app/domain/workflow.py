"""A plan's review status (DESIGN.md §8): 草稿 → 已提交 → 已退回 (with reasons) or 已批复.

One table of transitions and one function that says where an action leads. Submitted and
approved plans are locked for their department's editors (app/domain/permissions.py); the
status is written, and recorded, by app/services/workflow.py.
"""

STATUSES = {"draft": "草稿", "submitted": "已提交", "returned": "已退回", "approved": "已批复"}

# action → (statuses it starts from, status it ends in)
TRANSITIONS = {
    "submit": (("draft", "returned"), "submitted"),
    "return": (("submitted",), "returned"),
    "approve": (("submitted",), "approved"),
}


class WorkflowError(ValueError):
    """A status change that does not apply; the message is for the user, in Chinese."""


def can_take(action, status):
    """Whether a plan in `status` can take `action` (submit, return, approve)."""
    return status in TRANSITIONS[action][0]


def next_status(status, action, reason=""):
    """The status `action` leads to from `status`, or WorkflowError; returning needs a reason."""
    if not can_take(action, status):
        raise WorkflowError(f"当前状态为“{STATUSES[status]}”，不能执行此操作")
    if action == "return" and not reason.strip():
        raise WorkflowError("退回时请写明理由")
    return TRANSITIONS[action][1]
