"""Undo and redo of the user's own last changes in a plan (Ctrl+Z, Ctrl+Y in static/app.js).

POST /plans/<department_code>/<year>/undo and …/redo, with the page's CSRF token like every
POST. The answer is JSON (app/services/undo.py decides what is undone):

- 200 `{"done": true, "message": "已撤销：…", "cells": [{"id", "url"}], "reload": false}`:
  `cells` are the cells to fetch afresh (`id` the cell's DOM id, `url` the GET address of its
  fragment, as app/web/cells.py makes them); `reload` is true when rows were created, deleted
  or moved, and the table is to be read afresh.
- 200 `{"done": false, "message": "没有可以撤销的改动", "cells": [], "reload": false}`: nothing
  to undo (or redo); nothing changed.
- 409 `{"done": false, "message": "张三 11:02 之后又改过“指标值”，不能撤销", …}`: refused,
  nothing changed.
- 403 `{"done": false, "message": …}`: the user may not edit this plan now (submitted, or not
  theirs). 404 for a plan that does not exist.

A plain form post (no htmx, not asking for JSON) is sent back to the page it came from with
the message as a flash, so the buttons work without JavaScript too.
"""

from flask import Blueprint, flash, g, jsonify, redirect, request

from app.services import undo as undo_service
from app.services.errors import Forbidden
from app.services.plans import find_plan
from app.web.access import why_refused
from app.web.hx import htmx
from app.web.links import cell_ref, plan_url

bp = Blueprint("undo", __name__)


@bp.post("/plans/<department_code>/<int:year>/undo")
def undo(department_code, year):
    """Take back the user's own last step in this plan."""
    return _answer(department_code, year, undo_service.undo)


@bp.post("/plans/<department_code>/<int:year>/redo")
def redo(department_code, year):
    """Apply again the step the user undid last in this plan."""
    return _answer(department_code, year, undo_service.redo)


def _answer(department_code, year, act):
    plan = find_plan(g.user, department_code, year)
    try:
        done = act(g.user, plan.id)
    except Forbidden:
        plan = find_plan(g.user, department_code, year)  # as it is now: submitted meanwhile?
        return _reply(plan, why_refused(plan, "不能修改，也不能撤销或重做"), 403)
    except undo_service.NothingToUndo as nothing:
        return _reply(plan, str(nothing), 200)
    except undo_service.CannotUndo as refused:
        return _reply(plan, str(refused), 409)
    cells = [cell_ref(entity, record_id, group) for entity, record_id, group in done.cells if group]
    return _reply(plan, done.message, 200, done=True, cells=cells, reload=done.rows_changed)


def _reply(plan, message, status, done=False, cells=(), reload=False):
    if htmx or request.accept_mimetypes.best == "application/json" or request.is_json:
        body = {"done": done, "message": message, "cells": list(cells), "reload": reload}
        return jsonify(body), status
    flash(message, "success" if done else "error")
    return redirect(request.referrer or plan_url(plan), code=303)
