"""The counts of each plan's findings, kept for 首页 (app/services/check_counts.py).

No backfill: a plan without a row is counted the first time 首页 lists it.
"""

import datetime

from peewee import DateTimeField, ForeignKeyField, IntegerField, Model


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Plan(Base):
        class Meta:
            table_name = "plan"

    class PlanCheck(Base):
        plan = ForeignKeyField(Plan, unique=True, on_delete="CASCADE")
        change_id = IntegerField(default=0)
        errors = IntegerField(default=0)
        warnings = IntegerField(default=0)
        infos = IntegerField(default=0)
        checked_at = DateTimeField(default=datetime.datetime.now)

    db.create_tables([PlanCheck])
