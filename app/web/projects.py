"""The project page: the 预算项目绩效表 of one budget project, as the official form lays it out."""

import re

from flask import Blueprint, flash, g, redirect, render_template, url_for

from app.domain.permissions import can_comment, can_edit, can_resolve
from app.services.comments import for_project
from app.services.next_year import previous_targets
from app.services.plans import delete_project, live_project, project_names, project_table
from app.web.access import require
from app.web.links import plan_url

_PLAIN = re.compile(r"[0-9A-Za-z_-]+")  # written by url_for as it is

bp = Blueprint("projects", __name__, url_prefix="/projects")


@bp.get("/<int:project_id>")
def show(project_id):
    """The official form of one project, every field editable in place for those who may,
    each 指标值 with last year's beside it (on screen)."""
    project = live_project(g.user, project_id)
    plan = project.plan
    categories, rows, open_counts = project_table(project)
    indicators = [row.indicator for row in rows if row.indicator]
    return render_template(
        "projects/show.html",
        project=project,
        plan=plan,
        rows=rows,
        categories=categories,
        siblings=project_names(plan),
        editable=can_edit(g.user, plan),
        comments=for_project(project),
        open_counts=open_counts,
        last_year=previous_targets(project, indicators),
        may_comment=can_comment(g.user, plan),
        may_resolve=can_resolve(g.user, plan),
    )


@bp.app_template_global()
def indicator_row_urls(project):
    """The addresses an indicator table's rows use, built once for the table (templates/projects/
    _row_actions.html): `add` (a row into a 二级), `row` + id + /insert, /move or /delete, and
    `history` + id (a row's history). Seven url_for a row would be a fifth of a long table's
    rendering."""
    return {
        "add": url_for("indicators.add", project_id=project.id),
        "row": url_for("indicators.delete", indicator_id=0).removesuffix("0/delete"),
        "history": url_for("history.for_cell", entity="indicator", record_id=0).removesuffix("0"),
    }


@bp.app_template_global()
def cell_address(c):
    """A cell group's address, `c.save_url` (templates/cells/_cell.html: saved to, shown again,
    + /edit its editor), from one url_for a request: an editable table asks it for every cell."""
    if not (_PLAIN.fullmatch(c.entity) and _PLAIN.fullmatch(c.group)):
        return c.save_url
    base = g.get("cell_address_base")
    if base is None:
        base = url_for("cells.show", entity="plan", record_id=0, group="x")
        base = g.cell_address_base = base.removesuffix("plan/0/x")
    return f"{base}{c.entity}/{c.record.id}/{c.group}"


@bp.post("/<int:project_id>/delete")
def delete(project_id):
    """Delete a project (restorable from the plan's history) and go back to the plan."""
    project = live_project(g.user, project_id)
    require(can_edit(g.user, project.plan))
    delete_project(g.user, project.id)
    flash(f"已删除项目“{project.name}”。可在本年度的修改记录中恢复。", "success")
    return redirect(plan_url(project.plan), code=303)
