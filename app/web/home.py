"""首页: every department and year with its status, findings, open comments, last change and
money; filtered by status; and what waits for the user who looks (待我处理)."""

from flask import Blueprint, g, render_template, request

from app.services.overview import my_tasks, overview
from app.services.plans import IMPLAUSIBLE_BUDGET

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Every plan of the city (or those in `?status=`), with the user's own tasks on top."""
    return render_template(
        "home/index.html",
        overview=overview(request.args.get("status")),
        tasks=my_tasks(g.user),
        budget_limit=IMPLAUSIBLE_BUDGET,
    )
