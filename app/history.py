"""The history pages: who changed what and when, old → new, per plan, project or cell; restore.

A restore is itself a recorded change, and a deleted indicator or project comes back from here.
"""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from app.accounts import require
from app.changes import MODELS, CannotRestore, history, restore, scope
from app.editing import FIELDS, groups
from app.models import Change, Indicator, Plan, Project
from app.permissions import can_edit

bp = Blueprint("history", __name__, url_prefix="/history")

ACTIONS = {
    "edit": "修改",
    "create": "新增",
    "delete": "删除",
    "restore": "恢复",
    "move": "移动",
    "status": "审核",
}
ENTITIES = {"plan": "计划", "project": "项目", "indicator": "指标"}
# Fields a change may name that are not edited in a cell (app/editing.py names those).
OTHER_FIELDS = {"position": "位置", "category": "二级指标", "status": "状态"}


def _describe(changes):
    """Rows for the template: each change with the names of what it touched."""
    changes = list(changes)
    names = {
        ("project", p.id): p.name or p.code
        for p in Project.select().where(
            Project.id.in_({c.record_id for c in changes if c.entity == "project"})
        )
    }
    names.update(
        (("indicator", i.id), i.name or "（未命名）")
        for i in Indicator.select().where(
            Indicator.id.in_({c.record_id for c in changes if c.entity == "indicator"})
        )
    )
    rows = []
    for change in changes:
        spec = FIELDS.get(change.entity, {}).get(change.field)
        rows.append(
            {
                "change": change,
                "action": ACTIONS.get(change.action, change.action),
                "entity": ENTITIES.get(change.entity, change.entity),
                "record": names.get((change.entity, change.record_id), ""),
                "field": spec.label if spec else OTHER_FIELDS.get(change.field, ""),
                "restorable": change.action == "delete"
                or (change.action in ("edit", "restore") and spec is not None),
            }
        )
    return rows


def _page(plan, project, title, changes, cell=None):
    return render_template(
        "history/index.html",
        plan=plan,
        project=project,
        title=title,
        rows=_describe(changes),
        cell=cell,
        editable=can_edit(g.user, plan),
    )


@bp.get("/plans/<department_code>/<int:year>")
def for_plan(department_code, year):
    plan = Plan.find(department_code, year) or abort(404)
    return _page(plan, None, "修改记录", history(plan))


@bp.get("/projects/<int:project_id>")
def for_project(project_id):
    project = Project.get_or_none(Project.id == project_id) or abort(404)
    return _page(project.plan, project, f"修改记录：{project.name}", history(project.plan, project))


@bp.get("/cells/<entity>/<int:record_id>")
def for_cell(entity, record_id):
    """One record's history, or one cell's when `field` is given (a group name covers its fields)."""
    model = MODELS.get(entity) or abort(404)
    record = model.get_or_none(model.id == record_id) or abort(404)  # deleted ones too
    plan_id, project_id = scope(entity, record)
    field = request.args.get("field") or None
    fields = groups(entity).get(field, (field,)) if field else None
    changes = history(plan_id, project_id, entity, record_id, fields)
    project = Project.get_by_id(project_id) if project_id else None
    label = (
        ENTITIES.get(entity, entity) + "“" + (getattr(record, "name", "") or str(record.id)) + "”"
    )
    if field and field in FIELDS.get(entity, {}):
        label += "的" + FIELDS[entity][field].label
    return _page(
        Plan.get_by_id(plan_id),
        project,
        f"修改记录：{label}",
        changes,
        cell=(entity, record_id, field),
    )


@bp.post("/<int:change_id>/restore")
def restore_change(change_id):
    change = Change.get_or_none(Change.id == change_id) or abort(404)
    require(can_edit(g.user, change.plan))
    try:
        restore(change, g.user.username)
        flash("已恢复。", "success")
    except CannotRestore as error:
        flash(str(error), "error")
    back = request.referrer or url_for(
        "history.for_plan", department_code=change.plan.department.code, year=change.plan.year
    )
    return redirect(back, code=303)
