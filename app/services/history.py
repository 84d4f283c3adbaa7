"""The history of changes: recording who changed what (old → new), listing it, and restoring.

Every write of a plan, project or indicator files a `Change` here: an edit of a field, a row
created, deleted, moved or restored, a status change. A restore is itself a recorded change, and
a deleted row comes back from here.

The changes of one user action form one `step` (a money group saved, a row inserted, a block
pasted): a service opens `with step():` around its writes, and Ctrl+Z undoes the step as a
whole (app/services/undo.py). A change filed outside any step is a step of its own.
"""

import contextvars
import datetime
from contextlib import contextmanager
from dataclasses import dataclass

from app.db import database
from app.domain.fields import (
    FIELDS,
    FieldError,
    as_text,
    check_together,
    group_of,
    groups,
    parse,
    version,
)
from app.models import Change, Comment, Department, Indicator, Plan, Project
from app.services import scope
from app.services.errors import NotFound
from app.services.records import editable_plan, filed_under, find


class CannotRestore(ValueError):
    """A change that cannot be undone; the message says why, in Chinese."""


class Step:
    """The step being recorded: its id is the id of its first change (None before that)."""

    def __init__(self, undoes=None):
        self.id = None
        self.undoes = undoes


_current = contextvars.ContextVar("jixiao_step", default=None)


@contextmanager
def step(undoes=None):
    """Every change filed inside is one step, undone and redone together. A step opened inside
    another joins it (a paste that inserts rows through rows.insert is still one step).
    `undoes`: the step an undo or a redo is about (app/services/undo.py only)."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    token = _current.set(Step(undoes))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def record_change(entity, record, action, field="", old=None, new=None, user="", where=None):
    """File one change in the history, in the step being recorded (else in a step of its own);
    `where` is what `filed_under(entity, record)` would answer, when already known."""
    plan_id, project_id = where or filed_under(entity, record)
    current = _current.get()
    change = Change.create(
        plan=plan_id,
        project=project_id,
        entity=entity,
        record_id=record.id,
        field=field,
        action=action,
        old=None if old is None else as_text(old),
        new=None if new is None else as_text(new),
        user=user,
        step=current.id if current is not None and current.id is not None else 0,
        undoes=current.undoes if current is not None else None,
    )
    if change.step == 0:  # the first change of its step names it
        change.step = change.id
        Change.update(step=change.id).where(Change.id == change.id).execute()
        if current is not None:
            current.id = change.id
    return change


def changes_of(plan, project=None, entity=None, record_id=None, fields=None):
    """Changes of a plan (all its projects) or of one project, newest first (in the order they
    were recorded: each is stamped when filed); narrowed to a record and to some of its fields.
    `page_of` cuts a page out of it."""
    query = Change.select().where(Change.plan == plan)
    if project is not None:
        query = query.where(Change.project == project)
    if entity:
        query = query.where(Change.entity == entity)
    if record_id:
        query = query.where(Change.record_id == record_id)
    if fields:
        query = query.where(Change.field.in_(fields))
    return query.order_by(Change.id.desc())


PAGE_SIZE = 100  # changes on one history page


@dataclass(frozen=True)
class HistoryPage:
    """One page of a history, newest first. `older` is the change id whose earlier changes make
    the next page (`before=`), `newer` the one whose later changes make the previous page
    (`after=`); None at either end."""

    changes: list
    older: int | None
    newer: int | None


def page_of(changes, before=None, after=None, size=PAGE_SIZE):
    """The page of a `changes_of` listing that ends just before change `before` (older
    changes), or starts just after change `after` (newer ones), or its newest page.

    Pages are cut by change id, not by counting rows: a page costs the same however long the
    history, and a change filed meanwhile neither repeats a row nor skips one."""
    if after is not None:
        rows = list(changes.where(Change.id > after).order_by(Change.id).limit(size + 1))
        more = len(rows) > size
        rows = rows[:size][::-1]
        older = rows[-1].id if rows else after + 1
        return HistoryPage(rows, older, rows[0].id if more else None)
    if before is not None:
        changes = changes.where(Change.id < before)
    rows = list(changes.order_by(Change.id.desc()).limit(size + 1))
    more = len(rows) > size
    rows = rows[:size]
    newer = None
    if before is not None:
        newer = rows[0].id if rows else before - 1
    return HistoryPage(rows, rows[-1].id if more else None, newer)


def find_change(user, change_id):
    """One recorded change with its plan and the plan's department; NotFound, or OutOfScope when
    `user` may not read its plan."""
    found = (
        Change.select(Change, Plan, Department)
        .join(Plan)
        .join(Department)
        .where(Change.id == change_id)
        .first()
    )
    if found is None:
        raise NotFound(f"change {change_id}")
    scope.check(user, found.plan.department_id, f"change {change_id}")
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
    comments = {c.record_id for c in changes if c.entity == "comment"}
    for comment in Comment.select().where(Comment.id.in_(comments)) if comments else ():
        names[("comment", comment.id)] = _shortened(comment.text)
    return names


def _shortened(text, length=20):
    return text if len(text) <= length else text[:length] + "…"


def restore(user, change):
    """Undo one recorded change as `user`: the field gets its old value back, a deleted row
    comes back. CannotRestore says why not; Forbidden when the user may not edit the plan now.

    A restored value is checked as a save of its whole group would be (预算数 must still equal
    财政资金 + 其他资金, the spending plan must still rise). The restore is itself recorded.
    """
    with database.atomic(), step():
        # The plan first, then the record, locked: a save of a sibling field cannot slip between
        # the check of the group and the write (see app/services/records.py).
        editable_plan(user, change.plan_id, exclusive=change.entity == "plan")
        try:
            record = find(user, change.entity, change.record_id, for_update=change.entity != "plan")
        except NotFound:
            raise CannotRestore("该记录已不存在，无法恢复") from None
        if change.entity == "indicator" and record.project.deleted_at is not None:
            raise CannotRestore("该行所在的项目已被删除，请先恢复项目")
        if change.action == "delete":
            return _undelete(user, change, record)
        if change.action not in ("edit", "restore") or not change.field:
            raise CannotRestore("这类改动不能恢复")
        if getattr(record, "deleted_at", None) is not None:
            raise CannotRestore("该行已被删除，请先恢复该行")
        value = _restorable(change, record)
        old = getattr(record, change.field)
        setattr(record, change.field, value)
        record.save(only=[getattr(type(record), change.field)])
        return record_change(
            change.entity, record, "restore", change.field, old, value, user.username
        )


def _undelete(user, change, record):
    if record.deleted_at is None:
        raise CannotRestore("该行没有被删除，无需恢复")
    record.deleted_at = None
    record.save(only=[type(record).deleted_at])
    return record_change(change.entity, record, "restore", user=user.username, new=_label(record))


def _restorable(change, record):
    """The old value of a change, read as the field reads a typed value, if it may stand with
    the other fields of its group as they are now; else CannotRestore saying why."""
    spec = FIELDS[change.entity][change.field]
    try:
        value = parse(spec, change.old or "")
    except FieldError as error:
        raise CannotRestore(f"旧值不能恢复：{error}") from None
    if version(getattr(record, change.field)) == version(value):
        raise CannotRestore("当前值已经是这个值")
    group = group_of(change.entity, change.field)
    together = {name: getattr(record, name) for name in groups(change.entity)[group]}
    together[change.field] = value
    problems = check_together(change.entity, group, together)
    if problems:
        reason = "；".join(problems.values())
        raise CannotRestore(f"恢复后{spec.label}与同组的其他值不一致：{reason}。请在表中一并修改")
    return value


def _label(record):
    return getattr(record, "name", "") or f"#{record.id}"


def soft_delete(entity, record, user=""):
    """Mark a project or indicator deleted (restorable from history) and record it."""
    with database.atomic(), step():
        record.deleted_at = datetime.datetime.now()
        record.save(only=[type(record).deleted_at])
        return record_change(entity, record, "delete", old=_label(record), user=user)
