"""The history of changes: recording who changed what (old → new), listing it, and restoring.

Every write of a plan, project or indicator files a `Change` here: an edit of a field, a row
created, deleted, moved or restored, a status change. A restore is itself a recorded change, and
a deleted row comes back from here.
"""

import datetime

from app.db import database
from app.domain.fields import FIELDS, FieldError, as_text, parse, version
from app.models import Change, Department, Indicator, Plan, Project
from app.services.errors import NotFound
from app.services.records import find, scope


class CannotRestore(ValueError):
    """A change that cannot be undone; the message says why, in Chinese."""


def record_change(entity, record, action, field="", old=None, new=None, user="", where=None):
    """File one change in the history; `where` is the record's `scope`, when already known."""
    plan_id, project_id = where or scope(entity, record)
    return Change.create(
        plan=plan_id,
        project=project_id,
        entity=entity,
        record_id=record.id,
        field=field,
        action=action,
        old=None if old is None else as_text(old),
        new=None if new is None else as_text(new),
        user=user,
    )


def changes_of(plan, project=None, entity=None, record_id=None, fields=None):
    """Changes of a plan (all its projects) or of one project, newest first; narrowed to a record
    and to some of its fields."""
    query = Change.select().where(Change.plan == plan)
    if project is not None:
        query = query.where(Change.project == project)
    if entity:
        query = query.where(Change.entity == entity)
    if record_id:
        query = query.where(Change.record_id == record_id)
    if fields:
        query = query.where(Change.field.in_(fields))
    return query.order_by(Change.at.desc(), Change.id.desc())


def find_change(change_id):
    """One recorded change with its plan and the plan's department, or NotFound."""
    found = (
        Change.select(Change, Plan, Department)
        .join(Plan)
        .join(Department)
        .where(Change.id == change_id)
        .first()
    )
    if found is None:
        raise NotFound(f"change {change_id}")
    return found


def last_deletion(entity, record_id):
    """The change that last deleted a row, or None."""
    return (
        Change.select()
        .where(
            (Change.entity == entity)
            & (Change.record_id == record_id)
            & (Change.action == "delete")
        )
        .order_by(Change.id.desc())
        .first()
    )


def record_names(changes):
    """{(entity, id): name} of the projects and indicators some changes touched, deleted included."""
    names = {}
    projects = {c.record_id for c in changes if c.entity == "project"}
    for project in Project.select().where(Project.id.in_(projects)) if projects else ():
        names[("project", project.id)] = project.name or project.code
    indicators = {c.record_id for c in changes if c.entity == "indicator"}
    for indicator in Indicator.select().where(Indicator.id.in_(indicators)) if indicators else ():
        names[("indicator", indicator.id)] = indicator.name or "（未命名）"
    return names


def restore(change, user=""):
    """Undo one recorded change: the field gets its old value back, a deleted row comes back.

    The restore is itself a recorded change.
    """
    with database.atomic():
        try:
            record = find(change.entity, change.record_id)
        except NotFound:
            raise CannotRestore("该记录已不存在，无法恢复") from None
        model = type(record)
        if change.action == "delete":
            if record.deleted_at is None:
                raise CannotRestore("该行没有被删除，无需恢复")
            record.deleted_at = None
            record.save(only=[model.deleted_at])
            return record_change(change.entity, record, "restore", user=user, new=_label(record))
        if change.action not in ("edit", "restore") or not change.field:
            raise CannotRestore("这类改动不能恢复")
        if getattr(record, "deleted_at", None) is not None:
            raise CannotRestore("该行已被删除，请先恢复该行")
        spec = FIELDS[change.entity][change.field]
        try:
            value = parse(spec, change.old or "")
        except FieldError as error:
            raise CannotRestore(f"旧值不能恢复：{error}") from None
        old = getattr(record, change.field)
        if version(old) == version(value):
            raise CannotRestore("当前值已经是这个值")
        setattr(record, change.field, value)
        record.save(only=[getattr(model, change.field)])
        return record_change(change.entity, record, "restore", change.field, old, value, user)


def _label(record):
    return getattr(record, "name", "") or f"#{record.id}"


def soft_delete(entity, record, user=""):
    """Mark a project or indicator deleted (restorable from history) and record it."""
    with database.atomic():
        record.deleted_at = datetime.datetime.now()
        record.save(only=[type(record).deleted_at])
        return record_change(entity, record, "delete", old=_label(record), user=user)
