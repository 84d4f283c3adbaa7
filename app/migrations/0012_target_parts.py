"""What each 指标值 says, stored beside it (app/domain/targets.py Target.parts). Rows that
exist are read by `init-db` (app/services/setup.py), which knows the parser; until then the
rules read an empty value's target themselves."""

from peewee import TextField


def up(migrator, db):
    migrator.migrate(migrator.add_column("indicator", "target_parts", TextField(default="")))
