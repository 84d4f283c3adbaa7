"""The first schema: departments, plans, the category framework, projects and indicators.

A frozen copy of the models as they were, so that later changes to app/models.py never
change what this migration creates.
"""

from peewee import CharField, DecimalField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Department(Base):
        code = CharField(unique=True)
        name = CharField()

    class Plan(Base):
        department = ForeignKeyField(Department, on_delete="CASCADE")
        year = IntegerField()
        layout = CharField(default="classic")
        overall_goal = TextField(default="")
        safeguards = TextField(default="")
        unmatched_summaries = TextField(default="")

        class Meta:
            indexes = ((("department", "year"), True),)

    class Category(Base):
        layout = CharField()
        parent = ForeignKeyField("self", null=True, on_delete="CASCADE")
        name = CharField()
        position = IntegerField()
        plan = ForeignKeyField(Plan, null=True, on_delete="CASCADE")

        class Meta:
            indexes = ((("layout", "parent", "name"), False),)

    class CategoryLabel(Base):
        plan = ForeignKeyField(Plan, on_delete="CASCADE")
        category = ForeignKeyField(Category, on_delete="CASCADE")
        label = CharField()

        class Meta:
            indexes = ((("plan", "category"), True),)

    def money():
        return DecimalField(max_digits=18, decimal_places=6, auto_round=True, null=True)

    def percent():
        return DecimalField(max_digits=7, decimal_places=2, auto_round=True, null=True)

    class Project(Base):
        plan = ForeignKeyField(Plan, on_delete="CASCADE")
        code = CharField(default="")
        name = CharField(default="")
        funds_use = TextField(default="")
        budget = money()
        fiscal_funds = money()
        other_funds = money()
        plan_q1 = percent()
        plan_q2 = percent()
        plan_q3 = percent()
        plan_q4 = percent()
        goal = TextField(default="")
        summary = TextField(default="")
        position = IntegerField(default=0)

        class Meta:
            indexes = ((("plan", "code"), False),)

    class Indicator(Base):
        project = ForeignKeyField(Project, on_delete="CASCADE")
        category = ForeignKeyField(Category)
        name = TextField(default="")
        description = TextField(default="")
        target = TextField(default="")
        basis = TextField(default="")
        position = IntegerField(default=0)

    db.create_tables([Department, Plan, Category, CategoryLabel, Project, Indicator])
