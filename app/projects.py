"""The project page: the 预算项目绩效表 of one budget project, as the official form lays it out."""

from flask import Blueprint, abort, render_template

from app.indicator_table import indicator_rows
from app.models import Category, Department, Indicator, Plan, Project

bp = Blueprint("projects", __name__, url_prefix="/projects")


@bp.get("/<int:project_id>")
def show(project_id):
    project = (
        Project.select(Project, Plan, Department)
        .join(Plan)
        .join(Department)
        .where(Project.id == project_id)
        .first()
    ) or abort(404)
    plan = project.plan
    indicators = (
        Indicator.select(Indicator, Category)
        .join(Category)
        .where(Indicator.project == project)
        .order_by(Indicator.position, Indicator.id)
    )
    rows = indicator_rows(plan.categories(), list(indicators), plan.labels())
    siblings = list(plan.ordered_projects())
    return render_template(
        "projects/show.html", project=project, plan=plan, rows=rows, siblings=siblings
    )
