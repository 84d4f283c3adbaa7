"""Accounts: users with roles, server-side sessions, login throttling and the login log;
the review status of a plan.

Frozen copies of the tables as they were.
"""

import datetime

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def up(migrator, db):
    now = datetime.datetime.now

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Department(Base):
        class Meta:
            table_name = "department"

    class User(Base):
        username = CharField(unique=True)
        password_hash = CharField()
        role = CharField()
        department = ForeignKeyField(Department, null=True, on_delete="SET NULL")
        active = BooleanField(default=True)
        created_at = DateTimeField(default=now)

    class UserSession(Base):
        token_hash = CharField(unique=True)
        user = ForeignKeyField(User, on_delete="CASCADE")
        address = CharField(default="")
        created_at = DateTimeField(default=now)
        last_seen = DateTimeField(default=now)

    class LoginThrottle(Base):
        key = CharField(unique=True)
        failures = IntegerField(default=0)
        first_failure = DateTimeField(null=True)
        locked_until = DateTimeField(null=True)

    class LoginEvent(Base):
        at = DateTimeField(default=now, index=True)
        username = CharField()
        address = CharField(default="")
        success = BooleanField()
        reason = CharField(default="")

    db.create_tables([User, UserSession, LoginThrottle, LoginEvent])
    migrator.migrate(
        migrator.add_column("plan", "status", CharField(default="draft")),
        migrator.add_column("plan", "status_reason", TextField(default="")),
    )
