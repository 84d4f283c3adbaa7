"""Files uploaded for import, kept between their preview and their confirmation."""

import datetime

from peewee import (
    BlobField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class Upload(Base):
        token = CharField(unique=True)
        user = ForeignKeyField(User, on_delete="CASCADE")
        filename = CharField()
        data = BlobField()
        year = IntegerField(null=True)
        department_code = CharField()
        department_name = CharField(default="")
        created_at = DateTimeField(default=datetime.datetime.now)

    db.create_tables([Upload])
