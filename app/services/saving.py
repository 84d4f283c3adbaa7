"""Saving a cell group without losing anyone's update: one transaction that checks and writes.

`save_cell` parses what was typed, then reads the record with its plan inside its write
transaction (SQLite's BEGIN IMMEDIATE, PostgreSQL's FOR UPDATE), checks there that the user may
edit it, detects a value someone else changed meanwhile, cross-checks the group's fields, and
writes only the fields the user changed: two people editing different cells of one row never
conflict. It returns an `Outcome` holding all the view needs. Nothing that needs no database
happens inside the transaction, where it would keep every other writer waiting.
"""

from dataclasses import dataclass, field

from app.db import database
from app.domain.fields import FIELDS, FieldError, as_text, check_together, parse, version
from app.domain.permissions import can_edit
from app.services.errors import Forbidden
from app.services.history import record_change, step
from app.services.records import filed_under, load, load_for_edit, plan_of


@dataclass
class Outcome:
    """What a save did. `status` is 200 (saved), 422 (refused) or 409 (someone changed it)."""

    status: int
    record: object
    typed: dict = field(default_factory=dict)  # field → the text to show in the editor
    versions: dict = field(default_factory=dict)  # field → version for the next save
    errors: dict = field(default_factory=dict)  # field → message
    conflicts: dict = field(default_factory=dict)  # field → the other person's value


def save_cell(user, record_id, edit):
    """Save an `Edit` (app/domain/fields.py) of one record's group, as `user`.

    NotFound for a missing or deleted record, Forbidden when the user may not edit its plan.
    """
    entity, names = edit.entity, edit.names
    specs = FIELDS[entity]
    # What was typed is read before the transaction: it needs no database, and every moment
    # spent inside keeps the other writers waiting.
    parsed, errors = {}, {}
    for name in names:
        try:
            parsed[name] = parse(specs[name], edit.typed[name])
        except FieldError as error:
            errors[name] = str(error)
    if errors:  # nothing will be written: no transaction, no wait for the other writers
        record = load(user, entity, record_id)
        if not can_edit(user, plan_of(entity, record)):  # refused before any word on the values
            raise Forbidden(f"{entity} {record_id}")
        return Outcome(422, record, dict(edit.typed), dict(edit.seen), errors)
    with database.atomic(), step():  # the fields of a group saved together are one undo step
        record = load_for_edit(user, entity, record_id)
        outcome = Outcome(200, record, dict(edit.typed), dict(edit.seen))

        changed = [n for n in names if version(parsed[n]) != edit.seen[n]]
        for name in changed:
            theirs = getattr(record, name)
            if version(theirs) not in (edit.seen[name], version(parsed[name])):
                outcome.conflicts[name] = theirs
                outcome.versions[name] = version(theirs)
        if outcome.conflicts:
            outcome.status = 409
            return outcome

        merged = {n: parsed[n] if n in changed else getattr(record, n) for n in names}
        outcome.errors = check_together(entity, edit.group, merged)
        if outcome.errors:
            outcome.status = 422
            return outcome

        written, where = [], filed_under(entity, record)
        for name in changed:
            old = getattr(record, name)
            if version(old) == version(parsed[name]):
                continue
            setattr(record, name, parsed[name])
            record_change(entity, record, "edit", name, old, parsed[name], user.username, where)
            written.append(getattr(type(record), name))
        if written:
            record.save(only=written)
        outcome.typed = {n: as_text(getattr(record, n)) for n in names}
        outcome.versions = {n: version(getattr(record, n)) for n in names}
        return outcome
