"""The yearly cycle: starting next year's plan from this year's (以本年度为基础开始下一年度)."""

from flask import Blueprint, flash, g, redirect, render_template

from app.domain.permissions import can_create_plan
from app.services.next_year import NextYearRefused, next_plan, start_next_year
from app.services.plans import find_plan
from app.web.access import require
from app.web.links import plan_url

bp = Blueprint("next_year", __name__, url_prefix="/plans")


@bp.post("/<department_code>/<int:year>/next-year")
def create(department_code, year):
    """Copy a plan into the year after it and open the copy; 409 with a link when next
    year's plan is there already."""
    plan = find_plan(g.user, department_code, year)
    require(can_create_plan(g.user, plan.department_id))
    try:
        copied = start_next_year(g.user, plan.id)
    except NextYearRefused as refused:
        page = render_template(
            "next_year/refused.html", plan=plan, message=str(refused), existing=refused.existing
        )
        return page, 409
    flash(
        f"已以{plan.year}年为基础新建{copied.plan.year}年的绩效目标："
        f"已复制{copied.projects}个项目、{copied.indicators}条指标；请核对编码和文中的年份。",
        "success",
    )
    return redirect(plan_url(copied.plan), code=303)


def register(app):
    """Give templates `next_plan(plan)`: the plan of the year after, or None."""
    app.jinja_env.globals["next_plan"] = next_plan
