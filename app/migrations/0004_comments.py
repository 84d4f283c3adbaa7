"""Reviewers' comments on a project or one of its indicator rows. A frozen copy of the table."""

import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Project(Base):
        class Meta:
            table_name = "project"

    class Comment(Base):
        project = ForeignKeyField(Project, on_delete="CASCADE")
        indicator_id = IntegerField(null=True)
        user = CharField()
        text = TextField()
        at = DateTimeField(default=datetime.datetime.now)
        resolved_by = CharField(default="")
        resolved_at = DateTimeField(null=True)

    db.create_tables([Comment])
