"""Plans: the leaders' reading view of a department's year, adding a plan, adding a project."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from app.accounts import require
from app.changes import record_change
from app.db import database
from app.forms import PlanForm
from app.models import Department, Plan, Project
from app.permissions import ADMIN, EDITOR, can_create_plan, can_edit, can_review, can_submit
from app.workflow import STATUSES, WorkflowError, change_status

bp = Blueprint("plans", __name__, url_prefix="/plans")


def plan_url(plan):
    """The plan page's address."""
    return url_for("plans.show", department_code=plan.department.code, year=plan.year)


@bp.get("/<department_code>/<int:year>")
def show(department_code, year):
    plan = Plan.find(department_code, year) or abort(404)
    projects = list(plan.ordered_projects())
    total = {
        name: sum((getattr(p, name) or 0) for p in projects)
        for name in ("budget", "fiscal_funds", "other_funds")
    }
    return render_template(
        "plans/show.html",
        plan=plan,
        projects=projects,
        total=total,
        editable=can_edit(g.user, plan),
        statuses=STATUSES,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    require(g.user.role in (ADMIN, EDITOR))
    form = PlanForm()
    if request.method == "GET" and g.user.role == EDITOR:
        form.code.data = g.user.department.code
    if form.validate_on_submit():
        department = Department.get_or_none(Department.code == form.code.data)
        require(can_create_plan(g.user, department.id if department else None))
        if department is None and not (form.name.data or "").strip():
            form.name.errors.append("这是新部门，请填写部门名称")
        elif department is not None and Plan.find(department.code, form.year.data):
            form.year.errors.append(f"{department.name}{form.year.data}年的绩效目标已存在")
        else:
            with database.atomic():
                if department is None:
                    department = Department.create(code=form.code.data, name=form.name.data.strip())
                plan = Plan.create(
                    department=department, year=form.year.data, layout=form.layout.data
                )
                record_change("plan", plan, "create", new=f"{plan.year}年", user=g.user.username)
            flash(f"已新建{department.name}{plan.year}年的绩效目标。", "success")
            return redirect(plan_url(plan), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("plans/new.html", form=form), status


@bp.post("/<department_code>/<int:year>/projects")
def add_project(department_code, year):
    plan = Plan.find(department_code, year) or abort(404)
    require(can_edit(g.user, plan))
    with database.atomic():
        position = plan.ordered_projects().count()
        project = Project.create(plan=plan, name="新项目", position=position)
        record_change("project", project, "create", new=project.name, user=g.user.username)
    flash("已新增项目，请填写项目编码、名称和各项内容。", "success")
    return redirect(url_for("projects.show", project_id=project.id), code=303)


@bp.post("/<department_code>/<int:year>/<any(submit, return, approve):action>")
def review(department_code, year, action):
    """Submit a plan for review (its editors), or return or approve it (reviewers)."""
    plan = Plan.find(department_code, year) or abort(404)
    require(can_submit(g.user, plan) if action == "submit" else can_review(g.user))
    try:
        change_status(plan, action, g.user.username, request.form.get("reason", ""))
    except WorkflowError as error:
        flash(str(error), "error")
    else:
        flash(f"状态已改为“{STATUSES[plan.status]}”。", "success")
    return redirect(plan_url(plan), code=303)
