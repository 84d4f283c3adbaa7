"""Ctrl+V of a block copied from Excel or WPS into a project's indicator table.

POST /projects/<project_id>/paste, with the page's CSRF token (X-CSRFToken) like every POST.
Form fields: `start`, the DOM id of the cell the block's top-left cell goes to
(`cell-<indicator id>-<group>`, group one of name, description, target, basis); `text`, the
clipboard's text as the spreadsheet put it; `preview` "1" for a dry run. app/services/paste.py
decides what is written. The answer is JSON:

- 200 `{"preview": true, "changes": [{"row", "indicator", "label", "old", "new"}], "cells": N,
  "rows_added": K, "message": "将修改N个单元格，新增K行"}` for a dry run: nothing written.
  `row` is the block's row (1-based), `indicator` the row's name (（新行）for a row the paste
  adds, （未命名）for a row without one), `label` the column's (指标值).
- 200 `{"done": true, "cells": N, "rows_added": K, "message": "已粘贴：修改N个单元格，新增K行",
  "reload": true}` once written, in one transaction and one undo step; the table is to be read
  afresh. When nothing differs, N and K are 0 and the message says so.
- 422 `{"message": "第2行第3列（指标值）：…"}` for a cell refused, a block wider than the
  columns from the start cell, too long, or empty: nothing written.
- 403 `{"message": …}` when the user may not edit the plan now; 404 `{"message": …}` for a start
  cell that is not in this project.
"""

import re

from flask import Blueprint, g, jsonify, request

from app.services import paste as paste_service
from app.services.errors import Forbidden, NotFound, OutOfScope
from app.services.plans import live_project
from app.web.access import why_refused
from app.web.errors import record_refused_read

bp = Blueprint("paste", __name__)

# An indicator cell's DOM id, as app/web/cells.py names it.
_CELL_ID = re.compile(r"cell-(\d+)-([a-z_]+)")


@bp.post("/projects/<int:project_id>/paste")
def paste(project_id):
    """Write (or, with preview=1, show) a copied block from a cell of the indicator table."""
    start = _CELL_ID.fullmatch(request.form.get("start", ""))
    if start is None:
        return _answer(404, message="找不到要粘贴到的单元格，请刷新页面后重试")
    preview = request.form.get("preview") == "1"
    try:
        pasted = paste_service.paste(
            g.user,
            project_id,
            int(start[1]),
            start[2],
            request.form.get("text", ""),
            preview=preview,
        )
    except NotFound as missing:
        # Answered as a missing cell, logged as not_found logs a 404 (the same time for both).
        record_refused_read(out_of_scope=isinstance(missing, OutOfScope))
        return _answer(404, message="找不到要粘贴到的单元格，请刷新页面后重试")
    except Forbidden:
        return _answer(403, message=_forbidden(project_id))
    except paste_service.PasteError as refused:
        return _answer(422, message=str(refused))
    cells, added = len(pasted.changes), pasted.rows_added
    if preview:
        return _answer(
            200,
            preview=True,
            changes=[vars(change) for change in pasted.changes],
            cells=cells,
            rows_added=added,
            message=f"将修改{cells}个单元格，新增{added}行",
        )
    message = (
        f"已粘贴：修改{cells}个单元格，新增{added}行"
        if cells or added
        else "内容与表中相同，未作修改"
    )
    return _answer(200, done=True, cells=cells, rows_added=added, message=message, reload=True)


def _forbidden(project_id):
    """Why the user may not paste into the plan now, as it is now."""
    try:
        plan = live_project(g.user, project_id).plan
    except NotFound:
        return "这个项目已被删除"
    return why_refused(plan)


def _answer(status, **body):
    return jsonify(body), status
