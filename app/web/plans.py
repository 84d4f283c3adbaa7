"""Plans: the leaders' reading view of a department's year, adding a plan, adding a project,
and moving a plan through review."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from app.domain.fields import group_of
from app.domain.permissions import (
    can_create_plan,
    can_edit,
    can_start_plans,
    can_take_action,
    needs_department,
)
from app.domain.workflow import STATUSES, WorkflowError
from app.services import check_counts, checking, versions
from app.services.plans import (
    deleted_plan_of,
    deleted_slot,
    department_with_code,
    find_plan,
    has_plan,
    money_totals,
    new_project,
    project_table,
    start_plan,
)
from app.services.workflow import change_status
from app.web.access import require
from app.web.forms import PlanForm
from app.web.links import plan_url

bp = Blueprint("plans", __name__, url_prefix="/plans")


@bp.get("/<department_code>/<int:year>")
def show(department_code, year):
    """The plan's narrative, its projects with money and spending plan, and its status."""
    plan = find_plan(g.user, department_code, year)
    projects = list(plan.ordered_projects())
    return render_template(
        "plans/show.html",
        plan=plan,
        projects=projects,
        total=money_totals(projects),
        editable=can_edit(g.user, plan),
        counts=_counts(plan),
        latest_version=versions.latest_number(plan),
        has_last_year=versions.has_plan_of(plan, plan.year - 1),
    )


def _counts(plan):
    """{E, W, I: how many} of the plan's findings, as kept for 首页 (counted again only when
    the plan has changed since)."""
    errors, warnings, infos = check_counts.counts_for([plan])[plan.id]
    return {"E": errors, "W": warnings, "I": infos}


@bp.get("/<department_code>/<int:year>/checks")
def checks(department_code, year):
    """The plan as the bureau reviews it: every rule's findings, by project, each linked to
    its cell."""
    plan = find_plan(g.user, department_code, year)
    located = checking.located_findings(plan)
    by_project = {}
    for item in located:
        by_project.setdefault(item.project, []).append((item, _cell_link(plan, item)))
    return render_template(
        "plans/checks.html",
        plan=plan,
        by_project=by_project,
        counts=checking.counts([item.finding for item in located]),
        severities=checking.SEVERITIES,
    )


def _cell_link(plan, item):
    """Where a finding is on the pages: its cell on the project page (`?open=` asks the page to
    open its editor there), or the plan's section."""
    finding = item.finding
    if finding.field in ("overall_goal", "safeguards"):
        return f"{plan_url(plan)}#{finding.field.replace('_', '-')}"
    if item.project is None or finding.field == "summary":
        return f"{plan_url(plan)}#summaries"
    entity = "project" if item.indicator_id is None else "indicator"
    group = checking.GROUP_OF_FIELD.get((entity, finding.field)) or group_of(entity, finding.field)
    page = url_for("projects.show", project_id=item.project.id)
    if not group:
        return page
    if entity == "indicator":
        cell = f"cell-{item.indicator_id}-{group}"
    else:
        cell = f"cell-project-{item.project.id}-{group}"
    return f"{page}?open={cell}#{cell}"


@bp.get("/<department_code>/<int:year>/print")
def print_all(department_code, year):
    """The whole plan in one print job: the narrative, then every project's table."""
    plan = find_plan(g.user, department_code, year)
    tables = [(p, *project_table(p)[:2]) for p in plan.ordered_projects()]
    return render_template("plans/print.html", plan=plan, tables=tables)


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Start a plan for a department (a new one, or an existing one by code) and a year."""
    require(can_start_plans(g.user))
    form = PlanForm()
    if request.method == "GET" and needs_department(g.user.role):
        form.code.data = g.user.department.code  # an editor starts plans for their own
    if form.validate_on_submit():
        existing = department_with_code(form.code.data)
        require(can_create_plan(g.user, existing.id if existing else None))
        name = (form.name.data or "").strip()
        if existing is None and not name:
            form.name.errors.append("这是新部门，请填写部门名称")
        elif existing is not None and deleted_plan_of(existing, form.year.data):
            form.year.errors.append(deleted_slot(existing.name, form.year.data))
        elif existing is not None and has_plan(existing, form.year.data):
            form.year.errors.append(f"{existing.name}{form.year.data}年的绩效目标已存在")
        else:
            plan = start_plan(
                form.code.data, name, form.year.data, form.layout.data, g.user.username
            )
            flash(f"已新建{plan.department.name}{plan.year}年的绩效目标。", "success")
            return redirect(plan_url(plan), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("plans/new.html", form=form), status


@bp.post("/<department_code>/<int:year>/projects")
def add_project(department_code, year):
    """Add an empty project at the end of the plan and open its page."""
    plan = find_plan(g.user, department_code, year)
    require(can_edit(g.user, plan))
    project = new_project(g.user, plan.id)
    flash("已新增项目，请填写项目编码、名称和各项内容。", "success")
    return redirect(url_for("projects.show", project_id=project.id), code=303)


@bp.post("/<department_code>/<int:year>/<any(submit, return, approve, adjust):action>")
def review(department_code, year, action):
    """Submit a plan for review or start an 调整 of an approved one (its editors), or return
    or approve it (reviewers). Approving asks to be confirmed: it freezes the plan."""
    plan = find_plan(g.user, department_code, year)
    require(can_take_action(g.user, plan, action))
    if action == "approve" and request.form.get("confirm") != "yes":
        flash("批复前请勾选“已核对，确认批复”。批复后将保存为不可更改的版本。", "error")
        return redirect(plan_url(plan) + "#approve", code=303)
    try:
        plan = change_status(g.user, plan.id, action, request.form.get("reason", ""))
    except WorkflowError as error:
        flash(str(error), "error")
    else:
        flash(f"状态已改为“{STATUSES[plan.status]}”。", "success")
    return redirect(plan_url(plan), code=303)
