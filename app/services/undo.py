"""Undo and redo of a user's own last changes in a plan (Ctrl+Z, Ctrl+Y), kept in the history.

A user's steps in a plan (app/services/history.py `step`: one save, one row inserted, one paste)
form an editor's undo stack. It is read from the history each time, so it survives a reload:

- `undo` takes back the user's latest step that is not undone, as a new step of `undo` changes
  naming it (`Change.undoes`): edited fields get their old values, a created row is deleted, a
  deleted or restored row comes back (or goes again), a row moved up or down moves back.
- `redo` re-applies the step the user undid last, as a step of `redo` changes, as long as the
  user has made no new change in the plan since (a new change clears the redo stack).

Only the user's own steps, and never over a later change: when someone else (or the user, in a
step not undone) changed a record or field of the step after it, the undo is refused saying who
and when, and nothing changes. A step undone (or redone) together with its undo and redo
changes counts as nothing, so a colleague who undid their own change does not block yours. The
values are checked as a save of their group would be (预算数 = 财政资金 + 其他资金), and the
plan's right to edit is asked inside the transaction: a submitted plan is not changed.
"""

import datetime
from dataclasses import dataclass, field

from app.db import database
from app.domain.fields import FIELDS, FieldError, check_together, group_of, groups, parse, version
from app.models import Change
from app.services.errors import NotFound
from app.services.history import record_change, record_names, step
from app.services.records import editable_plan, find
from app.services.rows import renumber

# What a step may hold to be taken back: changes of the table, not of the workflow or comments.
UNDOABLE_ACTIONS = ("edit", "create", "delete", "restore", "move")
UNDOABLE_ENTITIES = ("plan", "project", "indicator")
ENTITY_NAMES = {"plan": "计划", "project": "项目", "indicator": "指标"}
ROW_VERBS = {"create": "新增", "delete": "删除", "restore": "恢复", "move": "移动"}


class CannotUndo(ValueError):
    """An undo or redo refused; the message says why, in Chinese. Nothing was changed."""


class NothingToUndo(CannotUndo):
    """There is no step to undo (or redo)."""


@dataclass
class Undone:
    """What an undo or redo did: `message` for the user, the cells to show afresh as
    (entity, record id, group), and whether rows came, went or moved (the table is read afresh)."""

    message: str
    step: int
    cells: list = field(default_factory=list)
    rows_changed: bool = False


def undo(user, plan_id):
    """Take back `user`'s latest step in the plan that is not undone (see the module's text).
    NothingToUndo, CannotUndo saying why, or Forbidden when the user may not edit the plan now."""
    with database.atomic():
        editable_plan(user, plan_id, exclusive=True)
        target = _undo_target(plan_id, user.username)
        if target is None:
            raise NothingToUndo("没有可以撤销的改动")
        return _apply(user, plan_id, target, "undo")


def redo(user, plan_id):
    """Apply again the step `user` undid last in the plan, unless they changed the plan since.
    NothingToUndo, CannotUndo saying why, or Forbidden when the user may not edit the plan now."""
    with database.atomic():
        editable_plan(user, plan_id, exclusive=True)
        target = _redo_target(plan_id, user.username)
        if target is None:
            raise NothingToUndo("没有可以重做的改动")
        return _apply(user, plan_id, target, "redo")


# The stack, read from the history ------------------------------------------------------------


def _own(plan_id, username):
    return (Change.plan == plan_id) & (Change.user == username)


def _own_steps(plan_id, username):
    """The user's own steps in the plan that changed the table (undo and redo steps aside)."""
    return (
        Change.select(Change.step)
        .where(
            _own(plan_id, username)
            & Change.undoes.is_null()
            & Change.action.in_(UNDOABLE_ACTIONS)
            & Change.entity.in_(UNDOABLE_ENTITIES)
        )
        .distinct()
    )


def _last_turns(condition):
    """{step: (action, step of it)}: the latest undo or redo of each step that has one."""
    latest = {}
    query = (
        Change.select(Change.undoes, Change.action, Change.step)
        .where(Change.undoes.is_null(False) & condition)
        .order_by(Change.id)
    )
    for change in query:
        latest[change.undoes] = (change.action, change.step)
    return latest


def _undone(turns):
    """{step: the undo step that took it back} of the steps undone now."""
    return {target: at for target, (action, at) in turns.items() if action == "undo"}


def _undo_target(plan_id, username):
    undone = _undone(_last_turns(_own(plan_id, username)))
    latest = (
        _own_steps(plan_id, username)
        .where(Change.step.not_in(list(undone)))
        .order_by(Change.step.desc())
        .first()
    )
    return latest.step if latest else None


def _redo_target(plan_id, username):
    """The step undone last, if that undo came after the user's latest new step."""
    undone = _undone(_last_turns(_own(plan_id, username)))
    if not undone:
        return None
    newest = _own_steps(plan_id, username).order_by(Change.step.desc()).first()
    target, undone_at = max(undone.items(), key=lambda item: item[1])
    return target if newest is None or undone_at > newest.step else None


# Taking a step back or applying it again -----------------------------------------------------


@dataclass
class _Field:
    record: object
    name: str
    now: str  # the text the step left (undo) or found (redo): what the field must hold now
    to: str  # the text it gets


@dataclass
class _Row:
    record: object
    deleted_now: bool
    deleted_to: bool


def _apply(user, plan_id, target, direction):
    changes = list(Change.select().where(Change.step == target).order_by(Change.id))
    verb = "撤销" if direction == "undo" else "重做"
    for change in changes:
        _check_kind(change, verb)
    _check_later(changes, target, user.username, verb)
    ordered = reversed(changes) if direction == "undo" else changes
    fields, rows, moves, records = {}, {}, [], {}
    for change in ordered:
        key = (change.entity, change.record_id)
        if key not in records:
            records[key] = _record(user, change, verb)
        record = records[key]
        if change.action == "move":
            moves.append((change, record))
        elif change.field:
            before, after = (
                (change.new, change.old) if direction == "undo" else (change.old, change.new)
            )
            key = (change.entity, change.record_id, change.field)
            if key in fields:
                fields[key].to = after or ""
            else:
                fields[key] = _Field(record, change.field, before or "", after or "")
        else:
            deleted_after = _deleted_after(change.action)
            deleted_to = not deleted_after if direction == "undo" else deleted_after
            key = (change.entity, change.record_id)
            if key in rows:
                rows[key].deleted_to = deleted_to
            else:
                rows[key] = _Row(record, not deleted_to, deleted_to)
    for (entity, _), row in rows.items():
        _check_row(entity, row, verb)
    for (entity, record_id), record in records.items():
        if (entity, record_id) not in rows:
            _check_live(entity, record, verb)
    values = _values(fields, verb)
    done = Undone(_describe(changes, verb), target)
    with step(undoes=target) as taken:
        for (entity, _), row in rows.items():
            if row.deleted_now != row.deleted_to:
                _write_row(entity, row, direction, user.username)
                done.rows_changed = True
        for (entity, record_id), (record, written) in values.items():
            for name, (old, new) in written.items():
                setattr(record, name, new)
                record_change(entity, record, direction, name, old, new, user.username)
                done.cells.append((entity, record_id, group_of(entity, name)))
            record.save(only=[getattr(type(record), name) for name in written])
        for change, record in moves:
            _move(change, record, direction, user.username, verb)
            done.rows_changed = True
    done.step = taken.id or target
    done.cells = list(dict.fromkeys(done.cells))
    return done


def _check_kind(change, verb):
    if change.entity == "plan" and change.action == "create":
        raise CannotUndo(f"上一步新建了计划，不能{verb}")
    if change.action not in UNDOABLE_ACTIONS or change.entity not in UNDOABLE_ENTITIES:
        raise CannotUndo(f"上一步包含审核、意见等改动，不能{verb}，请在修改记录中逐项恢复")
    if change.action == "move" and change.field != "position":
        raise CannotUndo(f"移到其他二级指标不能{verb}，请在表中把它移回去")
    if change.field and change.action != "move" and change.field not in FIELDS[change.entity]:
        raise CannotUndo(f"上一步改了表中不能修改的栏目，不能{verb}")


def _check_later(changes, target, username, verb):
    """CannotUndo naming who and when, if a record or field of the step was changed after it by
    anyone but the step itself (its undos and redos), counting nothing that is undone now."""
    last = max(change.id for change in changes)
    later = []
    for entity in {change.entity for change in changes}:
        ids = {change.record_id for change in changes if change.entity == entity}
        later.extend(
            Change.select().where(
                (Change.id > last) & (Change.entity == entity) & Change.record_id.in_(ids)
            )
        )
    # A project created, deleted or restored by the step: every later change inside it counts;
    # the project of a row the step changed: its deletion (or restoring) counts.
    projects = {c.record_id for c in changes if c.entity == "project" and not c.field}
    if projects:
        later.extend(Change.select().where((Change.id > last) & Change.project.in_(projects)))
    parents = {c.project_id for c in changes if c.entity == "indicator"}
    later.extend(
        Change.select().where(
            (Change.id > last)
            & (Change.entity == "project")
            & Change.record_id.in_(parents)
            & (Change.field == "")
        )
    )
    mine = {}
    for change in changes:
        mine.setdefault((change.entity, change.record_id), set()).add(change.field)
    touching = {c.id: c for c in later if _touches(c, mine, projects, parents)}
    later = [touching[key] for key in sorted(touching)]
    families = {c.undoes or c.step for c in later} - {target}
    undone = _undone(_last_turns(Change.undoes.in_(families))) if families else {}
    for change in later:
        family = change.undoes or change.step
        if family == target or family in undone:
            continue
        if change.undoes is not None and change.undoes < target:
            # An undo or redo of an older step, which stands now as it stood when the target
            # was made (else the value check below finds the difference).
            continue
        who = "您" if change.user == username else (change.user or "有人")
        raise CannotUndo(f"{who} {_when(change.at)} 之后又{_what(change)}，不能{verb}")


def _touches(later, mine, projects, parents):
    """Whether a later change touches what the step changed: the same field, the same row as a
    whole, anything in a project the step created, deleted or restored, or the deletion (or
    restoring) of the project of a row it changed."""
    if later.project_id in projects:
        return True
    if later.entity == "project" and later.record_id in parents and not later.field:
        return True
    fields = mine.get((later.entity, later.record_id))
    if fields is None:
        return False
    return not later.field or "" in fields or later.field in fields


def _when(at):
    if at.date() == datetime.date.today():
        return at.strftime("%H:%M")
    return f"{at.month}月{at.day}日 {at:%H:%M}"


def _what(change):
    """改过“指标值” or 删除了指标“活动次数”: what a later change did."""
    spec = FIELDS.get(change.entity, {}).get(change.field)
    if spec is not None:
        return f"改过“{spec.label}”"
    name = record_names([change]).get((change.entity, change.record_id), "")
    verb = ROW_VERBS.get(change.action, "改过").removesuffix("过")
    return f"{verb}了{ENTITY_NAMES.get(change.entity, '')}“{name}”"


def _record(user, change, verb):
    try:
        record = find(user, change.entity, change.record_id, for_update=change.entity != "plan")
    except NotFound:  # a row removed for good
        raise CannotUndo(f"这一步改过的记录已不存在，不能{verb}") from None
    return record


def _deleted_after(action):
    """Whether a whole-row change left its row deleted."""
    return action == "delete"


def _check_row(entity, row, verb):
    """A row the step created, deleted or restored must be as the step left it (undo) or found
    it (redo); an indicator comes back only into a live project."""
    deleted = row.record.deleted_at is not None
    if deleted != row.deleted_now:
        state = "已被删除" if deleted else "已经恢复"
        raise CannotUndo(f"这一行{state}，不能{verb}")
    if not row.deleted_to and entity == "indicator" and row.record.project.deleted_at is not None:
        raise CannotUndo(f"该行所在的项目已被删除，不能{verb}")


def _check_live(entity, record, verb):
    """A record whose cells the step changed is still there, and so is its project."""
    if entity == "plan":
        return
    if record.deleted_at is not None:
        raise CannotUndo(f"这一行已被删除，不能{verb}")
    if entity == "indicator" and record.project.deleted_at is not None:
        raise CannotUndo(f"该行所在的项目已被删除，不能{verb}")


def _values(fields, verb):
    """{(entity, id): (record, {field: (old, new)})} for the fields that change, each group
    checked as its save would be; CannotUndo when a value is not what the step left."""
    values = {}
    for (entity, record_id, name), wanted in fields.items():
        spec = FIELDS[entity][name]
        try:
            expected, value = _read(spec, wanted.now), _read(spec, wanted.to)
        except FieldError:
            raise CannotUndo(f"“{spec.label}”的记录不能读回，不能{verb}") from None
        current = getattr(wanted.record, name)
        if version(current) != version(expected):
            raise CannotUndo(f"“{spec.label}”已经不是这一步留下的值，不能{verb}")
        if version(current) != version(value):
            values.setdefault((entity, record_id), (wanted.record, {}))[1][name] = (current, value)
    for (entity, _), (record, written) in values.items():
        for group in {group_of(entity, name) for name in written}:
            together = {name: getattr(record, name) for name in groups(entity)[group]}
            together.update({name: new for name, (_, new) in written.items() if name in together})
            problems = check_together(entity, group, together)
            if problems:
                reason = "；".join(problems.values())
                raise CannotUndo(f"{verb}后与同组的其他值不一致：{reason}。请在表中一并修改")
    return values


def _read(spec, text):
    """A recorded value as the field holds it. An empty required text goes back as it was (a
    row's name before anyone typed one): the record held it, so it may hold it again."""
    if spec.required and spec.kind not in ("amount", "percent") and not text.strip():
        return ""
    return parse(spec, text)


def _write_row(entity, row, action, username):
    record = row.record
    label = getattr(record, "name", "") or f"#{record.id}"
    record.deleted_at = datetime.datetime.now() if row.deleted_to else None
    record.save(only=[type(record).deleted_at])
    if row.deleted_to:
        record_change(entity, record, action, old=label, user=username)
    else:
        record_change(entity, record, action, new=label, user=username)


def _move(change, record, direction, username, verb):
    """Swap a row moved up or down back (or again), if the table is still as the move left it."""
    start, end = int(change.old), int(change.new)
    now, to = (end, start) if direction == "undo" else (start, end)
    if record.deleted_at is not None:
        raise CannotUndo(f"移动的行已被删除，不能{verb}")
    rows = list(record.project.ordered_indicators())
    ids = [row.id for row in rows]
    if (
        record.id not in ids
        or ids.index(record.id) != now
        or not 0 <= to < len(rows)
        or rows[to].category_id != record.category_id
    ):
        raise CannotUndo(f"行的顺序已经变了，不能{verb}这次移动")
    rows[now], rows[to] = rows[to], rows[now]
    renumber(rows)
    record_change("indicator", record, direction, "position", now, to, username)


def _describe(changes, verb):
    """已撤销：指标“活动次数”的指标值 — what the step did, in a few words."""
    names = record_names(changes)
    first = changes[0]
    what = ENTITY_NAMES.get(first.entity, "")
    name = names.get((first.entity, first.record_id), "")
    records = {(c.entity, c.record_id) for c in changes}
    edits = [c for c in changes if c.field and c.action != "move"]
    if len(records) > 1:
        text = f"{len(changes)}处改动"
    elif edits and len(edits) == len(changes):
        labels = dict.fromkeys(FIELDS[first.entity][c.field].label for c in edits)
        text = f"{what}“{name}”的" + "、".join(labels) if name else "、".join(labels)
    else:
        verb_of_row = ROW_VERBS.get(first.action, "修改")
        text = f"{verb_of_row}{what}" + (f"“{name}”" if name else "")
    return f"已{verb}：{text}"
