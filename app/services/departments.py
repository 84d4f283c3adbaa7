"""The administrator's departments: each with its plans and users counted, correcting a
department's code and name, setting its 主管部门 (whose users read its plans:
app/services/scope.py), and the history of those changes.

Plans, users and exports refer to a department by id, so a corrected code or name shows
everywhere at once: the plans' addresses (/plans/<code>/<year>), 首页, search, exports. What
does not follow is what was fixed on purpose: an approved version keeps the document as it was
approved. A file naming the former code (last year's) is imported into the department as it
is now (`follow_correction`). A correction is filed as a `DepartmentChange` (who, when,
old → new), not a plan's `Change`: it is the department's, whatever plans it has.
"""

from dataclasses import dataclass

from peewee import JOIN, IntegrityError, fn

from app.db import database
from app.domain.departments import (
    clean_code,
    clean_name,
    code_problem,
    name_problem,
    parent_problem,
)
from app.domain.document import Notice
from app.domain.permissions import can_manage_departments
from app.models import Department, DepartmentChange, Plan, Upload, User
from app.services.errors import Forbidden, NotFound

FIELD_TITLES = {"code": "部门编码", "name": "部门名称", "parent": "主管部门"}
# Who the history names for a correction made with `flask department` on the server: whoever
# may run commands there is the site's administrator.
COMMAND_LINE = "（命令行）"


class DepartmentRefused(ValueError):
    """A correction that is not made; the message says why, in Chinese."""


@dataclass(frozen=True)
class Line:
    """A department as the departments page lists it."""

    department: Department
    plans: int  # not deleted
    deleted_plans: int
    users: int


def lines():
    """Every department with its plans and users counted (by the database), by code."""
    plans = Plan.select(fn.COUNT(Plan.id)).where(
        (Plan.department == Department.id) & Plan.not_deleted()
    )
    deleted = Plan.select(fn.COUNT(Plan.id)).where(
        (Plan.department == Department.id) & Plan.deleted()
    )
    users = User.select(fn.COUNT(User.id)).where(User.department == Department.id)
    parent = Department.alias()
    query = (
        Department.select(
            Department,
            parent,
            plans.alias("plan_count"),
            deleted.alias("deleted_count"),
            users.alias("users"),
        )
        .join_from(Department, parent, JOIN.LEFT_OUTER, on=(Department.parent == parent.id))
        .order_by(Department.code)
    )
    return [Line(row, row.plan_count or 0, row.deleted_count or 0, row.users or 0) for row in query]


def department_by_id(department_id):
    """A department by id, or NotFound."""
    department = Department.get_or_none(Department.id == department_id)
    if department is None:
        raise NotFound(f"department {department_id}")
    return department


def current_code(code):
    """The code now of the department whose code was `code` before a correction; None when a
    department has that code now, or none ever had it."""
    if Department.select().where(Department.code == code).exists():
        return None
    change = (
        DepartmentChange.select(DepartmentChange, Department)
        .join(Department)
        .where((DepartmentChange.field == "code") & (DepartmentChange.old == code))
        .order_by(DepartmentChange.id.desc())
        .first()
    )
    return change.department.code if change else None


def follow_correction(document):
    """Make a document (last year's file, say) that names its department by a code corrected
    since name the code now, with a notice saying so: its plan goes into the department as it
    is, not into a new one under the former code."""
    former = document.department_code
    current = current_code(former) if former else None
    if current is not None:
        document.department_code = current
        message = f"文件中的部门编码 {former} 已更正为 {current}，导入到 {current}"
        document.notices.append(Notice(0, message))


def history(department):
    """The corrections of a department's code and name and its 主管部门 set, the latest first."""
    return list(
        DepartmentChange.select()
        .where(DepartmentChange.department == department)
        .order_by(DepartmentChange.at.desc(), DepartmentChange.id.desc())
    )


def correct(user, department_id, code, name):
    """Give a department a corrected code and/or name, as an administrator; the fields that
    changed, as [(field, old, new)] (none: nothing to change). DepartmentRefused, with nothing
    written, for a code or name not allowed or a code another department has."""
    if not can_manage_departments(user):
        raise Forbidden(f"department {department_id}")
    return correct_as(user.username, department_id, code, name)


def correct_as(username, department_id, code, name):
    """`correct`, filed under `username` (the command line: COMMAND_LINE), without asking
    whose right it is."""
    code, name = clean_code(code), clean_name(name)
    problem = code_problem(code) or name_problem(name)
    if problem:
        raise DepartmentRefused(problem)
    try:
        with database.atomic():
            department = department_by_id(department_id)
            if code != department.code:
                _code_free(code)
            changed = [
                (field, getattr(department, field), new)
                for field, new in (("code", code), ("name", name))
                if getattr(department, field) != new
            ]
            for field, old, new in changed:
                _write(department, field, old, new, username)
            return changed
    except IntegrityError:  # another administrator took the code meanwhile
        raise DepartmentRefused(f"部门编码 {code} 刚被其他部门使用，未作修改") from None


def _code_free(code):
    taken = Department.get_or_none(Department.code == code)
    if taken is not None:
        raise DepartmentRefused(f"部门编码 {code} 已被“{taken.name}”使用，未作修改")


def rename_as_file_says(department, name, username):
    """The department's name as an imported file words it (an administrator's import, which
    the preview listed), recorded like a correction on the page."""
    if name != department.name:
        _write(department, "name", department.name, name, username)


def _write(department, field, old, new, username):
    setattr(department, field, new)
    department.save(only=[getattr(Department, field)])
    if field == "code":  # a file waiting for its import confirmed names the department by code
        Upload.update(department_code=new).where(Upload.department_code == old).execute()
    DepartmentChange.create(department=department, field=field, old=old, new=new, user=username)


def set_parent(user, code, parent_code):
    """Make the department of `parent_code` (None or '': none) the 主管部门 of the department of
    `code`, as an administrator; returns (old, new) as the history words them, None when it
    was so already. DepartmentRefused, nothing written, for an unknown department or parent,
    the department itself, or one of its own units (the chain would never end)."""
    if not can_manage_departments(user):
        raise Forbidden(f"department {code}")
    return set_parent_as(user.username, code, parent_code)


def set_parent_as(username, code, parent_code):
    """`set_parent`, filed under `username` (the command line: COMMAND_LINE)."""
    code, parent_code = clean_code(code), clean_code(parent_code)
    with database.atomic():
        parents = _parents_locked()
        department = Department.get_or_none(Department.code == code)
        if department is None:
            raise DepartmentRefused(f"没有编码为 {code} 的部门")
        parent = None
        if parent_code:
            parent = Department.get_or_none(Department.code == parent_code)
            if parent is None:
                raise DepartmentRefused(f"没有编码为 {parent_code} 的部门，主管部门未作修改")
            if parent.id == department.id:
                raise DepartmentRefused(f"{code} 不能是自己的主管部门")
            problem = parent_problem(department.id, parent.id, parents)
            if problem:
                raise DepartmentRefused(f"{problem}：{parent_code} 是 {code} 的所属单位")
        if department.parent_id == (parent.id if parent else None):
            return None
        old = _called(department.parent) if department.parent_id else ""
        department.parent = parent
        department.save(only=[Department.parent])
        new = _called(parent) if parent else ""
        DepartmentChange.create(
            department=department, field="parent", old=old, new=new, user=username
        )
        return old, new


def _parents_locked():
    """{department id: its parent's id} of every department, read under lock: on PostgreSQL two
    administrators setting A over B and B over A at once would each see no loop; the rows
    locked, the second waits and sees the first's. (SQLite: BEGIN IMMEDIATE keeps writers out.)
    FOR NO KEY UPDATE leaves plans and users that merely point at a department free."""
    query = Department.select(Department.id, Department.parent).order_by(Department.id)
    if database.obj.for_update:
        query = query.for_update("FOR NO KEY UPDATE")
    return dict(query.tuples())


def _called(department):
    """A department as the history of a 主管部门 names it: code and name."""
    return f"{department.code} {department.name}"
