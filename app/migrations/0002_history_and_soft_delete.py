"""History of changes, and soft deletion of projects and indicators so that they can be restored.

A frozen copy of the Change table as it was; `deleted_at` columns are added in place.
"""

import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("project", "deleted_at", DateTimeField(null=True)),
        migrator.add_column("indicator", "deleted_at", DateTimeField(null=True)),
    )

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Plan(Base):
        class Meta:
            table_name = "plan"

    class Project(Base):
        class Meta:
            table_name = "project"

    class Change(Base):
        at = DateTimeField(default=datetime.datetime.now)
        user = CharField(default="")
        plan = ForeignKeyField(Plan, on_delete="CASCADE")
        project = ForeignKeyField(Project, null=True, on_delete="CASCADE")
        entity = CharField()
        record_id = IntegerField()
        field = CharField(default="")
        action = CharField()
        old = TextField(null=True)
        new = TextField(null=True)

        class Meta:
            indexes = ((("entity", "record_id", "field"), False),)

    db.create_tables([Change])
