"""Who may do what (DESIGN.md §8). Pure: every view asks here, on the server, for every object.

viewer reads; editor reads and edits the plans of its own department and resolves comments on
them; reviewer reads, comments on projects and rows, and returns or approves submitted plans;
admin does everything, users included.
"""

VIEWER, EDITOR, REVIEWER, ADMIN = "viewer", "editor", "reviewer", "admin"
ROLES = (VIEWER, EDITOR, REVIEWER, ADMIN)
ROLE_TITLES = {VIEWER: "领导（查看）", EDITOR: "填报人", REVIEWER: "审核人", ADMIN: "管理员"}

# Plan statuses in which its department's editors may change it (see app/workflow.py).
EDITABLE_STATUSES = ("draft", "returned")


def can_read(user):
    return user is not None and user.active


def can_edit(user, plan):
    """Change a plan's narrative, projects and indicators."""
    if not can_read(user):
        return False
    if user.role == ADMIN:
        return True
    return (
        user.role == EDITOR
        and user.department_id == plan.department_id
        and plan.status in EDITABLE_STATUSES
    )


def can_create_plan(user, department_id):
    """Start a plan for a department (None: a department that does not exist yet)."""
    if not can_read(user):
        return False
    return user.role == ADMIN or (
        user.role == EDITOR and department_id is not None and user.department_id == department_id
    )


def can_submit(user, plan):
    return can_read(user) and (
        user.role == ADMIN or (user.role == EDITOR and user.department_id == plan.department_id)
    )


def can_review(user):
    return can_read(user) and user.role in (REVIEWER, ADMIN)


def can_comment(user):
    """Reviewers (and admins) comment on projects and rows."""
    return can_review(user)


def can_resolve(user, plan):
    """A comment is marked resolved by those who answer for the plan."""
    return can_submit(user, plan)


def can_manage_users(user):
    return can_read(user) and user.role == ADMIN
