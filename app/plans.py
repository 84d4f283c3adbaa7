"""The plan page: a department's goals for one year, the leaders' reading view."""

from flask import Blueprint, abort, render_template

from app.models import Plan

bp = Blueprint("plans", __name__, url_prefix="/plans")


@bp.get("/<department_code>/<int:year>")
def show(department_code, year):
    plan = Plan.find(department_code, year) or abort(404)
    projects = list(plan.ordered_projects())
    total = {
        name: sum((getattr(p, name) or 0) for p in projects)
        for name in ("budget", "fiscal_funds", "other_funds")
    }
    return render_template("plans/show.html", plan=plan, projects=projects, total=total)
