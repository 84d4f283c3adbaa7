"""Who may do what (DESIGN.md §8). Pure: every view asks here, on the server, for every object.

viewer reads; editor reads and edits the plans of its own department and resolves comments on
them; reviewer reads, comments on projects and rows, and returns or approves submitted plans;
admin does everything, users included. What a plan's status allows binds everyone, admins too:
a submitted plan waits for its review, an approved one is frozen until its editors start an
调整 (adjustment), which is reviewed again.

The services ask these again inside their write transactions (app/services/records.py), so a
status changed by someone else between the page and the save is seen.
"""

VIEWER, EDITOR, REVIEWER, ADMIN = "viewer", "editor", "reviewer", "admin"
ROLES = (VIEWER, EDITOR, REVIEWER, ADMIN)
ROLE_TITLES = {VIEWER: "领导（查看）", EDITOR: "填报人", REVIEWER: "审核人", ADMIN: "管理员"}

# Plan statuses in which a plan may be changed (see app/domain/workflow.py), and the frozen one.
EDITABLE_STATUSES = ("draft", "returned", "adjusting")
FROZEN_STATUSES = ("approved",)


def can_read(user):
    """Read the site's pages at all: any active user. Which plans they read is `reading_scope`."""
    return user is not None and user.active


# Whose plans a user reads (issue 14). The services turn these into the WHERE of every query of
# plans and of what hangs from them (app/services/scope.py).
EVERY_DEPARTMENT = "every"  # the bureau's leaders and the administrators
OWN_DEPARTMENT = "own"  # the user's department and its units (所属单位), at any depth
ASSIGNED_DEPARTMENTS = "assigned"  # a reviewer's departments and their units; none: every one


def reading_scope(user):
    """Whose plans `user` reads: EVERY_DEPARTMENT for an admin and for a viewer without a
    department (the bureau's leaders); ASSIGNED_DEPARTMENTS for a reviewer (a section of the
    finance bureau, whose list may be empty: then every department, as a small office has it);
    OWN_DEPARTMENT for an editor and a department's viewer (an editor whose department was
    removed reads nothing)."""
    if user.role == ADMIN or (user.role == VIEWER and user.department_id is None):
        return EVERY_DEPARTMENT
    if user.role == REVIEWER:
        return ASSIGNED_DEPARTMENTS
    return OWN_DEPARTMENT


def can_edit(user, plan):
    """Change a plan's narrative, projects and indicators: its department's editors and admins,
    while it is a draft or returned."""
    if not can_read(user) or plan.status not in EDITABLE_STATUSES:
        return False
    return user.role == ADMIN or (user.role == EDITOR and user.department_id == plan.department_id)


def is_role(role):
    """Whether a text is one of the roles."""
    return role in ROLES


def has_assigned_departments(role):
    """Whether a user of `role` is given a list of departments to review (审核部门): a reviewer."""
    return role == REVIEWER


def needs_department(role):
    """An editor works for one department; the other roles may have one or not."""
    return role == EDITOR


def can_start_plans(user):
    """Start a plan for some department: admins for any, editors for their own."""
    return can_read(user) and user.role in (ADMIN, EDITOR)


def can_create_plan(user, department_id):
    """Start a plan for a department (None: a department that does not exist yet)."""
    if not can_read(user):
        return False
    return user.role == ADMIN or (
        user.role == EDITOR and department_id is not None and user.department_id == department_id
    )


def can_submit(user, plan):
    """Submit a plan for review: its department's editors (whatever its status) and admins."""
    return can_read(user) and (
        user.role == ADMIN or (user.role == EDITOR and user.department_id == plan.department_id)
    )


def can_take_action(user, plan, action):
    """Whether `user` may take a workflow action on a plan (whatever its status): submitting
    and starting an 调整 are for those who answer for the plan; returning and approving for
    reviewers."""
    return can_submit(user, plan) if action in ("submit", "adjust") else can_review(user)


def can_review(user):
    """Return or approve submitted plans."""
    return can_read(user) and user.role in (REVIEWER, ADMIN)


def can_comment(user, plan):
    """Reviewers (and admins) comment on a plan's projects and rows, until it is approved."""
    return can_review(user) and plan.status not in FROZEN_STATUSES


def can_resolve(user, plan):
    """A comment is marked resolved by those who answer for the plan, until it is approved."""
    return can_submit(user, plan) and plan.status not in FROZEN_STATUSES


def can_reply(user, plan):
    """Reply in a comment's thread: those who comment on the plan and those who answer for it,
    until it is approved."""
    return can_comment(user, plan) or can_resolve(user, plan)


def can_manage_users(user):
    """Create users and change their roles, departments and passwords."""
    return can_read(user) and user.role == ADMIN


def can_manage_departments(user):
    """Correct a department's code and name, delete a plan created by mistake and restore it."""
    return can_read(user) and user.role == ADMIN


def keeps_admin(user, account, role, active):
    """Whether an admin's change of `account` leaves them an active admin: nobody can disable
    or demote themselves, so the site never loses its last way in by a slip."""
    return account.id != user.id or (role == ADMIN and active)
