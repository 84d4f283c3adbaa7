"""首页: every department and year the site holds, with project counts and 预算数 totals."""

from flask import Blueprint, render_template

from app.services.plans import all_plans

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Every department's plans by year, with their project counts and 预算数 totals."""
    plans, totals = all_plans()
    return render_template("home/index.html", plans=plans, totals=totals)
