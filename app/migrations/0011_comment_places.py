"""Comments at any place of a plan, in threads: `plan` (filled from the comment's project),
`field` (the cell group commented on, '' for a whole project or row) and `parent` (a reply's
thread); `project` becomes optional, for comments on the plan's narrative.

The NOT NULL changes come before `parent` exists: SQLite rebuilds the table for them, and a
rebuild with rows pointing at the old table would take them with it.
"""

from peewee import CharField, ForeignKeyField, Model


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Plan(Base):
        class Meta:
            table_name = "plan"

    class Comment(Base):
        class Meta:
            table_name = "comment"

    migrator.migrate(
        migrator.add_column(
            "comment",
            "plan_id",
            ForeignKeyField(Plan, field=Plan.id, null=True, on_delete="CASCADE"),
        ),
        migrator.add_column("comment", "field", CharField(default="")),
    )
    db.execute_sql(
        "UPDATE comment SET plan_id = "
        "(SELECT project.plan_id FROM project WHERE project.id = comment.project_id)"
    )
    migrator.migrate(
        migrator.add_not_null("comment", "plan_id"),
        migrator.drop_not_null("comment", "project_id"),
    )
    migrator.migrate(
        migrator.add_column(
            "comment",
            "parent_id",
            ForeignKeyField(Comment, field=Comment.id, null=True, on_delete="CASCADE"),
        ),
    )
