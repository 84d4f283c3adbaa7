"""Approved versions of plans (frozen snapshots) and the reason of an 调整 in progress."""

import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Plan(Base):
        class Meta:
            table_name = "plan"

    class PlanVersion(Base):
        plan = ForeignKeyField(Plan, backref="versions", on_delete="CASCADE")
        number = IntegerField()
        approved_at = DateTimeField(default=datetime.datetime.now)
        approved_by = CharField()
        reason = TextField(default="")
        document = TextField()
        digest = CharField()

        class Meta:
            indexes = ((("plan", "number"), True),)

    db.create_tables([PlanVersion])
    migrator.migrate(migrator.add_column("plan", "adjustment", TextField(default="")))
