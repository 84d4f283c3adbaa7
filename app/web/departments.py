"""The admin's page of departments (部门管理): every department with its plans and users and its
主管部门 (set here: its users read the department's plans), correcting a department's code and
name (with their history), deleting a plan created by mistake (after a confirmation, with a
reason) and restoring a deleted plan."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from app.domain.departments import CODE_LENGTH, NAME_LENGTH
from app.domain.permissions import can_manage_departments
from app.domain.workflow import STATUSES
from app.services import departments
from app.services.plans import (
    MAX_REASON,
    PlanRefused,
    all_plans_of,
    delete_plan,
    deleted_plans,
    ever_approved,
    plan_by_id,
    restore_plan,
)
from app.web.access import require
from app.web.links import plan_url

bp = Blueprint("departments", __name__, url_prefix="/departments")


@bp.before_request
def _admins_only():
    require(can_manage_departments(g.user))


@bp.get("/")
def index():
    """Every department with its plans and users counted, and the deleted plans to restore."""
    return _index()


def _index(status=200, parent_error=None):
    """The page; `parent_error`: (department id, message, what was typed) for a refused 主管部门."""
    page = render_template(
        "departments/index.html",
        lines=departments.lines(),
        deleted=deleted_plans(),
        parent_error=parent_error,
        code_length=CODE_LENGTH,
    )
    return page, status


@bp.post("/<int:department_id>/parent")
def set_parent(department_id):
    """Set or remove a department's 主管部门 (by its code); a refusal shows the page again with
    the message beside the field, nothing changed."""
    department = departments.department_by_id(department_id)
    typed = request.form.get("parent", "")
    try:
        changed = departments.set_parent(g.user, department.code, typed or None)
    except departments.DepartmentRefused as error:
        return _index(422, (department.id, str(error), typed))
    if changed is None:
        flash(f"{department.code} {department.name}的主管部门没有改动。", "success")
    else:
        old, new = changed
        said = f"{old or '（无）'} → {new or '（无）'}"
        flash(f"已修改{department.code} {department.name}的主管部门：{said}", "success")
    return redirect(url_for("departments.index", _anchor=f"department-{department.id}"), code=303)


def _show(department, status=200, error=None, typed=None):
    plans = all_plans_of(department)
    return (
        render_template(
            "departments/show.html",
            department=department,
            plans=plans,
            approved=ever_approved(plans),
            statuses=STATUSES,
            changes=departments.history(department),
            titles=departments.FIELD_TITLES,
            error=error,
            typed=typed or {"code": department.code, "name": department.name},
            code_length=CODE_LENGTH,
            name_length=NAME_LENGTH,
        ),
        status,
    )


@bp.get("/<int:department_id>")
def show(department_id):
    """A department: the form correcting its code and name, its plans, its history."""
    return _show(departments.department_by_id(department_id))


@bp.post("/<int:department_id>")
def correct(department_id):
    """Correct a department's code and/or name; a refusal shows the form again with what was
    typed and why, nothing changed."""
    form = request.form
    code, name = form.get("code", ""), form.get("name", "")
    try:
        changed = departments.correct(g.user, department_id, code, name)
    except departments.DepartmentRefused as error:
        department = departments.department_by_id(department_id)
        return _show(department, 422, str(error), {"code": code, "name": name})
    if changed:
        said = "；".join(f"{departments.FIELD_TITLES[f]}：{old} → {new}" for f, old, new in changed)
        flash(f"已修改。{said}", "success")
    else:
        flash("编码和名称都没有改动。", "success")
    return redirect(url_for("departments.show", department_id=department_id), code=303)


@bp.get("/plans/<int:plan_id>/delete")
def confirm_delete(plan_id):
    """Ask to confirm the deletion of a plan, and why."""
    return _confirm(plan_by_id(g.user, plan_id))


def _confirm(plan, status=200, error=None, reason=""):
    page = render_template(
        "departments/delete.html",
        plan=plan,
        statuses=STATUSES,
        error=error,
        reason=reason,
        max_reason=MAX_REASON,
    )
    return page, status


@bp.post("/plans/<int:plan_id>/delete")
def delete(plan_id):
    """Delete a plan created by mistake (restorable from this page); refused without a reason
    or for a plan ever approved."""
    plan = plan_by_id(g.user, plan_id)
    reason = request.form.get("reason", "")
    try:
        plan = delete_plan(g.user, plan_id, reason)
    except PlanRefused as error:
        return _confirm(plan, 422, str(error), reason)
    flash(
        f"已删除{plan.department.name}{plan.year}年的绩效目标；可在下方“已删除的计划”中恢复。",
        "success",
    )
    return redirect(url_for("departments.index", _anchor="deleted-plans"), code=303)


@bp.post("/plans/<int:plan_id>/restore")
def restore(plan_id):
    """Bring a deleted plan back as it was, and open it."""
    try:
        plan = restore_plan(g.user, plan_id)
    except PlanRefused as error:
        flash(str(error), "error")
        return redirect(url_for("departments.index", _anchor="deleted-plans"), code=303)
    flash(f"已恢复{plan.department.name}{plan.year}年的绩效目标。", "success")
    return redirect(plan_url(plan), code=303)
