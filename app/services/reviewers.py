"""The departments assigned to each reviewer (审核部门): a finance bureau's sections (行政政法科,
教科文科 …) each review a list of departments, and read those and their units only
(app/services/scope.py). A reviewer with no list reviews every department, as a small office
has it. Only a reviewer has a list; accounts.update_user clears it when the role changes.

The list is replaced as a whole, in one transaction: a code that no department has refuses the
whole list, naming the code, and the list stays as it was.
"""

from app.db import database
from app.domain.departments import split_codes
from app.domain.permissions import ROLE_TITLES, has_assigned_departments
from app.models import Department, ReviewerDepartment, User


class ReviewsRefused(ValueError):
    """A list of 审核部门 not set; the message says why, in Chinese."""


def reviews_of(user):
    """The departments assigned to a user, by code (none: a reviewer reviews every one)."""
    return list(
        Department.select()
        .join(ReviewerDepartment)
        .where(ReviewerDepartment.user == user.id)
        .order_by(Department.code)
    )


def reviews_of_users(users):
    """{user id: the departments assigned, by code} for a page of users, in one query."""
    found = {user.id: [] for user in users}
    rows = (
        ReviewerDepartment.select(ReviewerDepartment, Department)
        .join(Department)
        .where(ReviewerDepartment.user.in_(list(found)))
        .order_by(Department.code)
    )
    for row in rows:
        found[row.user_id].append(row.department)
    return found


def codes_of(text_or_codes):
    """The codes of a typed list ("412001、405002") or of a sequence of codes, each once."""
    if isinstance(text_or_codes, str):
        return split_codes(text_or_codes)
    return split_codes(" ".join(text_or_codes))


def refusal(role, codes):
    """Why a user of `role` may not be given these codes to review, before any query; None when
    they may (any codes for a reviewer, none for the other roles)."""
    if codes and not has_assigned_departments(role):
        return f"只有审核人可以指定审核部门（该用户是{ROLE_TITLES.get(role, role)}）"
    return None


def set_reviews(user, codes):
    """Replace the departments assigned to `user` by those of `codes` (a typed list or codes;
    empty: none, every department). ReviewsRefused, with nothing written, for a user who is not
    a reviewer or a code no department has. Returns the departments now assigned."""
    codes = codes_of(codes)
    problem = refusal(user.role, codes)
    if problem:
        raise ReviewsRefused(problem)
    with database.atomic():
        return write(user, codes)


def write(user, codes):
    """Replace the list inside the caller's transaction (accounts.create_user's too); raise
    ReviewsRefused for a code no department has, so that the transaction writes nothing."""
    if database.obj.for_update:
        # PostgreSQL: two administrators replacing one list at once take turns (each would
        # delete, then both insert the same rows). SQLite: BEGIN IMMEDIATE does it.
        User.select(User.id).where(User.id == user.id).for_update("FOR NO KEY UPDATE").execute()
    departments = list(
        Department.select().where(Department.code.in_(codes)).order_by(Department.code)
    )
    known = {department.code for department in departments}
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ReviewsRefused(f"没有编码为 {'、'.join(unknown)} 的部门，审核部门未作修改")
    clear(user)
    if departments:
        ReviewerDepartment.insert_many(
            [(user.id, department.id) for department in departments],
            fields=[ReviewerDepartment.user, ReviewerDepartment.department],
        ).execute()
    return departments


def clear(user):
    """No departments assigned to `user` any more."""
    ReviewerDepartment.delete().where(ReviewerDepartment.user == user.id).execute()
