"""Pages that stay current: who has which cell or project open (`presence`), and an index on
the history by plan and id, for "what changed in this plan since change N"."""

import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Plan(Base):
        class Meta:
            table_name = "plan"

    class Presence(Base):
        user = CharField()
        plan = ForeignKeyField(Plan, on_delete="CASCADE")
        cell = CharField(default="")
        project_id = IntegerField(null=True)
        seen_at = DateTimeField(default=datetime.datetime.now)

        class Meta:
            indexes = ((("plan", "user"), True),)

    db.create_tables([Presence])
    migrator.migrate(migrator.add_index("change", ("plan_id", "id"), False))
