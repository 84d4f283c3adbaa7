"""The administrator's corrections: a department's code and name changes kept
(`department_change`), and a plan deleted by mistake kept restorable (`plan.deleted_at`, who
deleted it and why). Every existing plan is live: `deleted_at` NULL."""

import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Department(Base):
        class Meta:
            table_name = "department"

    class DepartmentChange(Base):
        at = DateTimeField(default=datetime.datetime.now)
        user = CharField(default="")
        department = ForeignKeyField(Department, backref="changes", on_delete="CASCADE")
        field = CharField()
        old = TextField()
        new = TextField()

    db.create_tables([DepartmentChange])
    migrator.migrate(
        migrator.add_column("plan", "deleted_at", DateTimeField(null=True)),
        migrator.add_column("plan", "deleted_by", CharField(default="")),
        migrator.add_column("plan", "deleted_reason", TextField(default="")),
    )
