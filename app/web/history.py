"""The history pages: who changed what and when, old → new, per plan, project or cell; restore.

A restore is itself a recorded change, and a deleted indicator or project comes back from here.
Each page shows PAGE_SIZE changes, newest first, with 较早/较新 links cut by change id
(`?before=` / `?after=`, app/services/history.py page_of): a plan's history of thousands of
changes costs one page's work.
"""

from urllib.parse import urlencode

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from app.domain.fields import FIELDS, groups
from app.domain.permissions import can_edit
from app.services.history import (
    CannotRestore,
    changes_of,
    find_change,
    page_of,
    record_names,
    restore,
)
from app.services.plans import find_plan, plan_by_id
from app.services.records import filed_under, find
from app.web.access import require
from app.web.links import plan_url

bp = Blueprint("history", __name__, url_prefix="/history")

ACTIONS = {
    "edit": "修改",
    "create": "新增",
    "delete": "删除",
    "restore": "恢复",
    "move": "移动",
    "status": "审核",
    "resolve": "处理",
    "reply": "回复",
    "force": "强制导入",
    "undo": "撤销",
    "redo": "重做",
    "delete_plan": "删除计划",
    "restore_plan": "恢复计划",
}
# An undo or redo of a whole row says what became of the row.
ROW_OUTCOMES = {True: "（删除该行）", False: "（恢复该行）"}
ENTITIES = {"plan": "计划", "project": "项目", "indicator": "指标", "comment": "审核意见"}
# Fields a change may name that are not edited in a cell (app/domain/fields.py names those).
OTHER_FIELDS = {"position": "位置", "category": "二级指标", "status": "状态"}


def _describe(changes):
    """Rows for the template: each change with the names of what it touched."""
    changes = list(changes)
    names = record_names(changes)
    rows = []
    for change in changes:
        spec = FIELDS.get(change.entity, {}).get(change.field)
        rows.append(
            {
                "change": change,
                "action": _action(change),
                "entity": ENTITIES.get(change.entity, change.entity),
                "record": names.get((change.entity, change.record_id), ""),
                "field": spec.label if spec else OTHER_FIELDS.get(change.field, ""),
                "restorable": change.action == "delete"
                or (change.action in ("edit", "restore") and spec is not None),
            }
        )
    return rows


def _action(change):
    name = ACTIONS.get(change.action, change.action)
    if change.action in ("undo", "redo") and not change.field:
        name += ROW_OUTCOMES[change.new is None]
    return name


def _page(plan, project, title, changes, address, cell=None, error=None):
    """A history page; `address` is (endpoint, values) of the listing, for its 较早/较新 links."""
    page = page_of(
        changes, request.args.get("before", type=int), request.args.get("after", type=int)
    )
    return render_template(
        "history/index.html",
        plan=plan,
        project=project,
        title=title,
        rows=_describe(page.changes),
        older=page.older and url_for(address[0], **address[1], before=page.older),
        newer=page.newer and url_for(address[0], **address[1], after=page.newer),
        links=_row_links(),
        cell=cell,
        editable=can_edit(g.user, plan),
        error=error,
    )


def _row_links():
    """The start of each row's addresses, built once for the page: a row appends its own ids
    (the cell's history: `entity/record_id`; a restore: `change_id/restore`)."""
    cell = url_for("history.for_cell", entity="plan", record_id=0)
    change = url_for("history.restore_change", change_id=0)
    return {
        "cell": cell.removesuffix("plan/0"),
        "restore": change.removesuffix("0/restore"),
    }


@bp.app_template_global()
def cell_history_url(entity, record_id, field):
    """The history page of one cell group, from one url_for a request: every editor of a
    project page links to its cell's (templates/cells/_cell.html), a hundred on a long table."""
    base = g.get("cell_history_base")
    if base is None:
        base = url_for("history.for_cell", entity="plan", record_id=0).removesuffix("plan/0")
        g.cell_history_base = base
    return f"{base}{entity}/{record_id}?{urlencode({'field': field})}"


@bp.get("/plans/<department_code>/<int:year>")
def for_plan(department_code, year):
    """The changes of a plan and all its projects, newest first, a page at a time."""
    plan = find_plan(g.user, department_code, year)
    address = ("history.for_plan", {"department_code": plan.department.code, "year": plan.year})
    return _page(plan, None, "修改记录", changes_of(plan), address)


@bp.get("/projects/<int:project_id>")
def for_project(project_id):
    """The changes of one project and its rows, newest first, a page at a time (a deleted
    project's too)."""
    project = find(g.user, "project", project_id)
    plan = plan_by_id(g.user, project.plan_id)  # NotFound when the plan is deleted
    address = ("history.for_project", {"project_id": project.id})
    return _page(plan, project, f"修改记录：{project.name}", changes_of(plan, project), address)


@bp.get("/cells/<entity>/<int:record_id>")
def for_cell(entity, record_id):
    """One record's history, or one cell's when `field` is given (a group name covers its
    fields), a page at a time."""
    return _record_page(entity, record_id, request.args.get("field") or None)


def _record_page(entity, record_id, field, error=None):
    record = find(g.user, entity, record_id)  # deleted ones too
    plan_id, project_id = filed_under(entity, record)
    fields = groups(entity).get(field, (field,)) if field else None
    found = changes_of(plan_id, project_id, entity, record_id, fields)
    project = find(g.user, "project", project_id) if project_id else None
    label = (
        ENTITIES.get(entity, entity) + "“" + (getattr(record, "name", "") or str(record.id)) + "”"
    )
    if field and field in FIELDS.get(entity, {}):
        label += "的" + FIELDS[entity][field].label
    page = _page(
        plan_by_id(g.user, plan_id),
        project,
        f"修改记录：{label}",
        found,
        ("history.for_cell", {"entity": entity, "record_id": record_id, "field": field}),
        cell=(entity, record_id, field),
        error=error,
    )
    return page, 422 if error else 200


@bp.post("/<int:change_id>/restore")
def restore_change(change_id):
    """Undo one change: the field's earlier value back, or a deleted row back. A restore that
    cannot be made answers 422 with the record's history and the reason above it."""
    recorded = find_change(g.user, change_id)
    require(can_edit(g.user, recorded.plan))
    try:
        restore(g.user, recorded)
    except CannotRestore as error:
        return _record_page(recorded.entity, recorded.record_id, recorded.field, str(error))
    flash("已恢复。", "success")
    back = request.referrer or plan_url(recorded.plan, "history.for_plan")
    return redirect(back, code=303)
