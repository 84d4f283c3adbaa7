"""Row operations on a project's indicator table: add, insert, move, delete and undo.

Each answers with the whole indicator table re-rendered, so the merged 一级/二级 cells stay
right without reloading the page; a failed operation answers 422 with a toast message.
"""

from flask import Blueprint, abort, g, render_template, request, url_for

from app import hx
from app.accounts import require
from app.changes import CannotRestore, restore
from app.indicator_rows import RowError, move_to
from app.indicator_rows import add as add_row
from app.indicator_rows import delete as delete_row
from app.indicator_rows import insert as insert_row
from app.indicator_rows import move as move_row
from app.models import Change, Comment, Indicator
from app.permissions import can_edit
from app.projects import live_project, table_rows

bp = Blueprint("indicators", __name__)


def _live_indicator(indicator_id):
    indicator = Indicator.get_or_none(
        (Indicator.id == indicator_id) & Indicator.deleted_at.is_null()
    )
    if indicator is None:
        abort(404)
    indicator.project = live_project(indicator.project_id)  # a deleted project's rows are gone too
    require(can_edit(g.user, indicator.project.plan))
    return indicator


def _table(project, trigger=None, toast=None):
    """The indicator table fragment; `trigger` events fire once it is in the page."""
    categories = project.plan.categories()
    body = render_template(
        "projects/_indicator_table.html",
        project=project,
        rows=table_rows(project, categories),
        categories=categories,
        editable=True,
        open_counts=Comment.open_counts(project),
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
    project = live_project(project_id)
    require(can_edit(g.user, project.plan))
    try:
        indicator = add_row(project, _int("category_id"), g.user.username)
    except RowError as error:
        return _refused(str(error))
    return _table(project, trigger={"jixiao:edit": {"id": f"cell-{indicator.id}-name"}})


@bp.post("/indicators/<int:indicator_id>/insert")
def insert(indicator_id):
    indicator = _live_indicator(indicator_id)
    try:
        new = insert_row(indicator, request.form.get("where", ""), g.user.username)
    except RowError as error:
        return _refused(str(error))
    return _table(indicator.project, trigger={"jixiao:edit": {"id": f"cell-{new.id}-name"}})


@bp.post("/indicators/<int:indicator_id>/move")
def move(indicator_id):
    indicator = _live_indicator(indicator_id)
    try:
        if "category_id" in request.form:
            move_to(indicator, _int("category_id"), g.user.username)
        else:
            move_row(indicator, request.form.get("direction", ""), g.user.username)
    except RowError as error:
        return _refused(str(error))
    return _table(indicator.project, trigger={"jixiao:focus": {"id": f"row-{indicator.id}"}})


@bp.post("/indicators/<int:indicator_id>/delete")
def delete(indicator_id):
    indicator = _live_indicator(indicator_id)
    change = delete_row(indicator, g.user.username)
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
    indicator = Indicator.get_or_none(Indicator.id == indicator_id) or abort(404)
    project = live_project(indicator.project_id)
    require(can_edit(g.user, project.plan))
    change = (
        Change.select()
        .where(
            (Change.entity == "indicator")
            & (Change.record_id == indicator.id)
            & (Change.action == "delete")
        )
        .order_by(Change.id.desc())
        .first()
    )
    if change is None:
        abort(404)
    try:
        restore(change, g.user.username)
    except CannotRestore as error:
        return _refused(str(error))
    return _table(project, trigger={"jixiao:focus": {"id": f"row-{indicator.id}"}})
