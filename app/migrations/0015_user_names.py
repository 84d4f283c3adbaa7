"""Users' real names (姓名): optional, so every existing user starts with none ('')."""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(migrator.add_column("user", "full_name", CharField(default="")))
