"""Undo steps: the changes of one user action share a `step` (app/services/undo.py); a step that
undoes or redoes an earlier one names it in `undoes`. Every change recorded before was one
action of its own, so its step is its own id."""

from peewee import IntegerField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("change", "step", IntegerField(default=0, index=True)),
        migrator.add_column("change", "undoes", IntegerField(null=True, index=True)),
        migrator.add_index("change", ("plan_id", "user", "step"), False),
    )
    db.execute_sql('UPDATE "change" SET step = id')
