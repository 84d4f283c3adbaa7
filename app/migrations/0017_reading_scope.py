"""Who reads what (issue 14): a department's 主管部门 (`department.parent_id`), the departments
assigned to each reviewer (`reviewer_department`; none: every department, as before), and the
log of reads answered 404, out of scope or of nothing there (`refused_read`). Every existing department has no
主管部门 and every reviewer no assignment, so everyone reads what they read before."""

import datetime

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Department(Base):
        class Meta:
            table_name = "department"

    class User(Base):
        class Meta:
            table_name = "user"

    class ReviewerDepartment(Base):
        user = ForeignKeyField(User, backref="reviews", on_delete="CASCADE")
        department = ForeignKeyField(Department, on_delete="CASCADE")

        class Meta:
            indexes = ((("user", "department"), True),)

    class RefusedRead(Base):
        at = DateTimeField(default=datetime.datetime.now, index=True)
        username = CharField()
        address = CharField(default="")
        method = CharField(default="GET")
        url = TextField()
        out_of_scope = BooleanField(default=True)

    db.create_tables([ReviewerDepartment, RefusedRead])
    parent = ForeignKeyField(
        Department, null=True, field=Department.id, on_delete="SET NULL", backref="units"
    )
    migrator.migrate(migrator.add_column("department", "parent_id", parent))
