"""Projects carried over from last year's plan are marked 延续 (`continuing`); every project
stored before was entered for its own year, so it is not."""

from peewee import BooleanField


def up(migrator, db):
    migrator.migrate(migrator.add_column("project", "continuing", BooleanField(default=False)))
