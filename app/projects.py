"""The project page: the 预算项目绩效表 of one budget project, as the official form lays it out."""

from flask import Blueprint, abort, flash, g, redirect, render_template

from app.accounts import require
from app.changes import soft_delete
from app.indicator_table import indicator_rows
from app.models import Comment, Department, Plan, Project
from app.permissions import can_comment, can_edit, can_resolve
from app.plans import plan_url

bp = Blueprint("projects", __name__, url_prefix="/projects")


def live_project(project_id):
    """The project with its plan and department, or a 404 when it is missing or deleted."""
    return (
        Project.select(Project, Plan, Department)
        .join(Plan)
        .join(Department)
        .where((Project.id == project_id) & Project.deleted_at.is_null())
        .first()
    ) or abort(404)


def table_rows(project, categories):
    """The rows of the project's indicator table (its plan's `categories()`), merged cells and
    empty slots included."""
    return indicator_rows(categories, list(project.ordered_indicators()), project.plan.labels())


@bp.get("/<int:project_id>")
def show(project_id):
    project = live_project(project_id)
    plan = project.plan
    categories = plan.categories()
    return render_template(
        "projects/show.html",
        project=project,
        plan=plan,
        rows=table_rows(project, categories),
        categories=categories,
        siblings=list(plan.ordered_projects()),
        editable=can_edit(g.user, plan),
        comments=Comment.for_project(project),
        open_counts=Comment.open_counts(project),
        may_comment=can_comment(g.user),
        may_resolve=can_resolve(g.user, plan),
    )


@bp.post("/<int:project_id>/delete")
def delete(project_id):
    project = live_project(project_id)
    require(can_edit(g.user, project.plan))
    soft_delete("project", project, g.user.username)
    flash(f"已删除项目“{project.name}”。可在本年度的修改记录中恢复。", "success")
    return redirect(plan_url(project.plan), code=303)
