"""首页: every department and year with its status, findings, open comments, last change and
money; filtered by status; and what waits for the user who looks (待我处理)."""

import re
from types import SimpleNamespace

from flask import Blueprint, g, render_template, request

from app.services.overview import my_tasks, overview
from app.services.plans import IMPLAUSIBLE_BUDGET
from app.web.links import plan_url

bp = Blueprint("home", __name__)

_PLAIN = re.compile(r"[0-9A-Za-z_-]+")  # a department code url_for writes as it is
_CODE, _YEAR = "--code--", 987654321  # stand-ins, put into each address by `_plan_urls`


@bp.get("/")
def index():
    """Every plan of the city (or those in `?status=`), with the user's own tasks on top."""
    listed = overview(g.user, request.args.get("status"))
    every_plan = None if listed.status else [line.plan for line in listed.lines]
    return render_template(
        "home/index.html",
        overview=listed,
        tasks=my_tasks(g.user, every_plan),
        budget_limit=IMPLAUSIBLE_BUDGET,
        plan_url=_plan_urls(),
    )


def _plan_urls():
    """links.plan_url for 首页's hundred rows, building each endpoint's address once and putting
    each plan's code and year into it (url_for was the costliest call a row made); a code
    url_for would escape goes through url_for."""
    built = {}

    def address(plan, endpoint="plans.show"):
        code = plan.department.code
        if not _PLAIN.fullmatch(code):
            return plan_url(plan, endpoint)
        if endpoint not in built:
            stand_in = SimpleNamespace(year=_YEAR, department=SimpleNamespace(code=_CODE))
            built[endpoint] = plan_url(stand_in, endpoint).split(_CODE)
        before, after = built[endpoint]
        return f"{before}{code}{after.replace(str(_YEAR), str(plan.year), 1)}"

    return address
