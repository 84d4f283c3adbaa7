"""Which plans a user reads, as SQL: the one rule every query of plans, and of what hangs from
them (projects, indicators, comments, history, versions), goes through (issue 14).

app/domain/permissions.reading_scope says whose plans a user reads; here it becomes a condition
on a department id column, put in the WHERE of the query itself: 首页, search and the queue
are one query each, never a filter over every plan in Python. A department's units are found
by a recursive query (`units_of`), so a 主管部门 over units over units reads them all, and a
loop (refused when set, app/domain/departments.parent_problem) cannot hang it.

A single record asked for by its address is checked with `check`: out of scope is
`OutOfScope`, a NotFound, answered exactly as a plan that does not exist.
"""

from peewee import SQL, fn

from app.domain.permissions import (
    ADMIN,
    EVERY_DEPARTMENT,
    OWN_DEPARTMENT,
    reading_scope,
)
from app.models import Department, ReviewerDepartment
from app.services.errors import OutOfScope


class _CommandLine:
    """Whoever runs `flask …` on the server: the site's administrator, reading everything."""

    id = None
    username = "（命令行）"
    role = ADMIN
    active = True
    department_id = None


COMMAND_LINE = _CommandLine()


def units_of(roots):
    """A subquery of the ids of the departments in `roots` (ids, or a subquery of ids) and of
    their units, at any depth."""
    base = Department.select(Department.id).where(Department.id.in_(roots))
    tree = base.cte("scope_unit", recursive=True, columns=("id",))
    unit = Department.alias()
    below = unit.select(unit.id).join(tree, on=(unit.parent == tree.c.id))
    tree = base.union(below).cte("scope_unit", recursive=True, columns=("id",))
    return tree.select_from(tree.c.id)


def assigned(user):
    """A subquery of the ids of the departments assigned to a reviewer."""
    return ReviewerDepartment.select(ReviewerDepartment.department).where(
        ReviewerDepartment.user == user.id
    )


def condition(user, department):
    """The WHERE condition on a department id column (`Plan.department`, `Department.id`…) that
    keeps what `user` reads; None when they read everything."""
    kind = reading_scope(user)
    if kind == EVERY_DEPARTMENT:
        return None
    if kind == OWN_DEPARTMENT:
        if user.department_id is None:
            return SQL("1 = 0")
        return department.in_(units_of([user.department_id]))
    mine = assigned(user)
    return ~fn.EXISTS(mine) | department.in_(units_of(mine))


def within(query, user, department):
    """`query` keeping only the rows of departments `user` reads (`department`: the column)."""
    where = condition(user, department)
    return query if where is None else query.where(where)


def reads(user, department_id):
    """Whether `user` reads the plans of a department (by id). The common cases ask nothing of
    the database: everything, or one's own department; the answer is kept on the user object,
    which lives for one request."""
    kind = reading_scope(user)
    if kind == EVERY_DEPARTMENT:
        return True
    if kind == OWN_DEPARTMENT and department_id == user.department_id:
        return department_id is not None
    known = user.__dict__.setdefault("_reads", {})
    if department_id not in known:
        query = Department.select(Department.id).where(Department.id == department_id)
        known[department_id] = within(query, user, Department.id).exists()
    return known[department_id]


def reads_code(user, code):
    """Whether `user` reads the plans of the department with `code` (False: none has it)."""
    department_id = Department.select(Department.id).where(Department.code == code).scalar()
    return department_id is not None and reads(user, department_id)


def check_nothing(user):
    """Ask of no department what `check` asks of one, and answer nothing: a page that names
    nothing then takes the time of one refused out of scope, so that the time of a 404 does not
    tell whether another department's plan exists (app/web/errors.py)."""
    reads(user, None)


def check(user, department_id, what):
    """Nothing when `user` reads the department's plans; else OutOfScope(`what`)."""
    if not reads(user, department_id):
        raise OutOfScope(what)
