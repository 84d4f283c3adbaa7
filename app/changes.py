"""Saving a cell group without losing anyone's update, recording every change, and restoring.

No Flask: views pass the user's name ('' until accounts exist). A save re-reads the record
inside its write transaction (SQLite's BEGIN IMMEDIATE, PostgreSQL's FOR UPDATE), so the version
check and the write cannot interleave with another save. Only fields the user changed are
checked and written: two people editing different cells of one row never conflict.
"""

import datetime
from dataclasses import dataclass, field

from app.db import database
from app.editing import FIELDS, FieldError, as_text, check_together, groups, parse, version
from app.models import Change, Indicator, Plan, Project

MODELS = {"plan": Plan, "project": Project, "indicator": Indicator}


class NotFound(LookupError):
    """The record does not exist, or was deleted."""


def load(entity, record_id, for_update=False):
    """The live record of an entity by id, or NotFound."""
    model = MODELS.get(entity)
    if model is None:
        raise NotFound(entity)
    query = model.select().where(model.id == record_id)
    if hasattr(model, "deleted_at"):
        query = query.where(model.deleted_at.is_null())
    # SQLite has no FOR UPDATE; its BEGIN IMMEDIATE already holds the write lock.
    if for_update and database.obj.for_update:
        query = query.for_update()
    record = query.first()
    if record is None:
        raise NotFound(f"{entity} {record_id}")
    return record


def scope(entity, record):
    """(plan id, project id or None) that a record's changes are filed under."""
    if entity == "plan":
        return record.id, None
    if entity == "project":
        return record.plan_id, record.id
    plan_id = Project.select(Project.plan).where(Project.id == record.project_id).scalar()
    return plan_id, record.project_id


def plan_of(entity, record):
    """The plan a record belongs to, in one query."""
    if entity == "plan":
        return record
    project_id = record.id if entity == "project" else record.project_id
    return Plan.select().join(Project).where(Project.id == project_id).get()


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


@dataclass
class Outcome:
    """What a save did. `status` is 200 (saved), 422 (refused) or 409 (someone changed it)."""

    status: int
    record: object
    typed: dict = field(default_factory=dict)  # field → the text to show in the editor
    versions: dict = field(default_factory=dict)  # field → version for the next save
    errors: dict = field(default_factory=dict)  # field → message
    conflicts: dict = field(default_factory=dict)  # field → the other person's value


def save_group(entity, record_id, group, typed, seen, user=""):
    """Save what the user typed into a group's fields; `seen` holds the versions they saw."""
    names = groups(entity).get(group)
    if names is None:
        raise NotFound(f"{entity}.{group}")
    specs = FIELDS[entity]
    typed = {name: typed.get(name, "") for name in names}
    with database.atomic():
        record = load(entity, record_id, for_update=True)
        outcome = Outcome(200, record, typed, {n: seen.get(n, "") for n in names})
        parsed = {}
        for name in names:
            try:
                parsed[name] = parse(specs[name], typed[name])
            except FieldError as error:
                outcome.errors[name] = str(error)
        if outcome.errors:
            outcome.status = 422
            return outcome

        changed = [n for n in names if version(parsed[n]) != seen.get(n)]
        for name in changed:
            theirs = getattr(record, name)
            if version(theirs) not in (seen.get(name), version(parsed[name])):
                outcome.conflicts[name] = theirs
                outcome.versions[name] = version(theirs)
        if outcome.conflicts:
            outcome.status = 409
            return outcome

        merged = {n: parsed[n] if n in changed else getattr(record, n) for n in names}
        outcome.errors = check_together(entity, group, merged)
        if outcome.errors:
            outcome.status = 422
            return outcome

        written, where = [], scope(entity, record)
        for name in changed:
            old = getattr(record, name)
            if version(old) == version(parsed[name]):
                continue
            setattr(record, name, parsed[name])
            record_change(entity, record, "edit", name, old, parsed[name], user, where)
            written.append(getattr(type(record), name))
        if written:
            record.save(only=written)
        outcome.typed = {n: as_text(getattr(record, n)) for n in names}
        outcome.versions = {n: version(getattr(record, n)) for n in names}
        return outcome


def history(plan, project=None, entity=None, record_id=None, fields=None):
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


class CannotRestore(ValueError):
    """A change that cannot be undone; the message says why, in Chinese."""


def restore(change, user=""):
    """Undo one recorded change: the field gets its old value back, a deleted row comes back.

    The restore is itself a recorded change.
    """
    model = MODELS[change.entity]
    with database.atomic():
        record = model.get_or_none(model.id == change.record_id)
        if record is None:
            raise CannotRestore("该记录已不存在，无法恢复")
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
