"""A plan's review status (DESIGN.md §8): 草稿 → 已提交 → 已退回 (with reasons) or 已批复, and
after approval 调整中 → 已提交 again, so every change to an approved plan is reviewed.

One table of transitions and one function that says where an action leads. Submitted and
approved plans are locked for their department's editors (app/domain/permissions.py); the
status is written, and recorded, by app/services/workflow.py. Each approval freezes a version
of the plan (app/services/versions.py).
"""

STATUSES = {
    "draft": "草稿",
    "submitted": "已提交",
    "returned": "已退回",
    "approved": "已批复",
    "adjusting": "调整中",
}

# action → (statuses it starts from, status it ends in)
TRANSITIONS = {
    "submit": (("draft", "returned", "adjusting"), "submitted"),
    "return": (("submitted",), "returned"),
    "approve": (("submitted",), "approved"),
    "adjust": (("approved",), "adjusting"),
}
ACTIONS = tuple(TRANSITIONS)

# The actions that need a reason, and what to say when it is missing.
REASONS_REQUIRED = {"return": "退回时请写明理由", "adjust": "调整已批复的绩效目标，请写明调整理由"}
MAX_REASON = 2000


class WorkflowError(ValueError):
    """A status change that does not apply; the message is for the user, in Chinese."""


def can_take(action, status):
    """Whether a plan in `status` can take `action` (submit, return, approve, adjust)."""
    return status in TRANSITIONS[action][0]


def next_status(status, action, reason=""):
    """The status `action` leads to from `status`, or WorkflowError; returning and adjusting
    need a reason."""
    if not can_take(action, status):
        raise WorkflowError(f"当前状态为“{STATUSES[status]}”，不能执行此操作")
    if action in REASONS_REQUIRED and not reason.strip():
        raise WorkflowError(REASONS_REQUIRED[action])
    if len(reason) > MAX_REASON:
        raise WorkflowError(f"理由最多{MAX_REASON}个字")
    return TRANSITIONS[action][1]


def submit_blockers(errors, open_comments):
    """Why a plan cannot be submitted yet: '' when it can. `errors` are the messages of its
    E findings, `open_comments` the number of comments nobody has marked resolved."""
    reasons = []
    if errors:
        first = "；".join(errors[:3])
        more = f"等{len(errors)}处" if len(errors) > 3 else ""
        reasons.append(f"还有{len(errors)}个错误（{first}{more}），请在“审核”页逐条修改")
    if open_comments:
        reasons.append(f"还有{open_comments}条审核意见未处理，请处理后标为已处理")
    return "不能提交：" + "；".join(reasons) + "。" if reasons else ""
