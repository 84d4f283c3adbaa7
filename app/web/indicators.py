"""Row operations on a project's indicator table: add, insert, move, delete and undo.

Each answers with the whole indicator table re-rendered, so the merged 一级/二级 cells stay
right without reloading the page; a failed operation answers 422 with a toast message.
"""

from flask import Blueprint, abort, g, render_template, request, url_for

from app.domain.permissions import can_edit
from app.services import rows as row_service
from app.services.errors import NotFound
from app.services.history import CannotRestore, last_deletion, restore
from app.services.next_year import previous_targets
from app.services.plans import live_project, project_table
from app.services.records import find, load
from app.services.rows import RowError
from app.web import hx
from app.web.access import require

bp = Blueprint("indicators", __name__)


def _live_indicator(indicator_id):
    """A live indicator of a live project, with its project and plan; 403 unless editable."""
    indicator = load(g.user, "indicator", indicator_id)
    require(can_edit(g.user, indicator.project.plan))
    return indicator


def _table(project, trigger=None, toast=None):
    """The indicator table fragment, with the project's findings; `trigger` events fire once it
    is in the page."""
    categories, rows, open_counts = project_table(project)
    body = render_template(
        "cells/_checked_table.html",
        project=project,
        rows=rows,
        categories=categories,
        editable=True,
        open_counts=open_counts,
        last_year=previous_targets(project, [row.indicator for row in rows if row.indicator]),
    )
    headers = hx.trigger(trigger, after_settle=True) if trigger else {}
    if toast:
        headers.update(hx.toast(**toast))
    return body, 200, headers


def _refused(message):
    return message, 422, {"HX-Reswap": "none", **hx.toast(message)}


def _int(name):
    try:
        return int(request.form.get(name, ""))
    except ValueError:
        abort(400)


@bp.post("/projects/<int:project_id>/indicators")
def add(project_id):
    """Add an empty indicator at the end of a 二级 (an empty slot included) and open it."""
    project = live_project(g.user, project_id)
    require(can_edit(g.user, project.plan))
    try:
        indicator = row_service.add(g.user, project.id, _int("category_id"))
    except RowError as error:
        return _refused(str(error))
    return _table(project, trigger={"jixiao:edit": {"id": f"cell-{indicator.id}-name"}})


@bp.post("/indicators/<int:indicator_id>/insert")
def insert(indicator_id):
    """Insert an empty indicator above or below another, in its 二级, and open it."""
    indicator = _live_indicator(indicator_id)
    try:
        new = row_service.insert(g.user, indicator.id, request.form.get("where", ""))
    except RowError as error:
        return _refused(str(error))
    return _table(indicator.project, trigger={"jixiao:edit": {"id": f"cell-{new.id}-name"}})


@bp.post("/indicators/<int:indicator_id>/move")
def move(indicator_id):
    """Move an indicator up or down within its 二级, or to the end of another 二级."""
    indicator = _live_indicator(indicator_id)
    try:
        if "category_id" in request.form:
            row_service.move_to(g.user, indicator.id, _int("category_id"))
        else:
            row_service.move(g.user, indicator.id, request.form.get("direction", ""))
    except RowError as error:
        return _refused(str(error))
    return _table(indicator.project, trigger={"jixiao:focus": {"id": f"row-{indicator.id}"}})


@bp.post("/indicators/<int:indicator_id>/delete")
def delete(indicator_id):
    """Delete an indicator; the toast that says so can undo it."""
    indicator = _live_indicator(indicator_id)
    change = row_service.delete(g.user, indicator.id)
    name = indicator.name or "（未命名）"
    toast = {
        "message": f"已删除指标“{name}”。",
        "undo": url_for("indicators.undelete", indicator_id=indicator.id),
        "target": f"#indicators-{indicator.project_id}",
        "change": change.id,
    }
    return _table(indicator.project, toast=toast)


@bp.post("/indicators/<int:indicator_id>/undelete")
def undelete(indicator_id):
    """Bring back a deleted indicator (the toast's undo)."""
    indicator = find(g.user, "indicator", indicator_id)
    project = live_project(g.user, indicator.project_id)
    require(can_edit(g.user, project.plan))
    change = last_deletion("indicator", indicator.id)
    if change is None:
        raise NotFound(f"deletion of indicator {indicator_id}")
    try:
        restore(g.user, change)
    except CannotRestore as error:
        return _refused(str(error))
    return _table(project, trigger={"jixiao:focus": {"id": f"row-{indicator.id}"}})
