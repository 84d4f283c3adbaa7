"""首页: every department and year the site holds, with project counts and 预算数 totals."""

from flask import Blueprint, render_template

from app.models import Department, Plan, Project

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    plans = list(
        Plan.select(Plan, Department).join(Department).order_by(Department.code, Plan.year.desc())
    )
    totals = Project.totals(plans)
    return render_template("home/index.html", plans=plans, totals=totals)
