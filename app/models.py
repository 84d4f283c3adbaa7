"""The domain models of DESIGN.md §2: departments, their yearly plans, projects and indicators.

Money is exact (`Decimal`, 万元, kept as integer 分); the spending plan is four cumulative
percentages (kept as integer basis points). The 一级/二级 framework lives in `Category` rows: the
layouts' own (plan is NULL) and, where a document used a pair outside its layout, rows owned by
that plan, so nothing the user wrote is dropped.
`CategoryLabel` keeps a plan's own wording of a category (效果指标) for display.
"""

import datetime
from decimal import Decimal

from peewee import (
    JOIN,
    BigIntegerField,
    BlobField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
    fn,
)

from app.db import database
from app.domain import framework, targets
from app.domain.numbers import AMOUNT_PLACES, PERCENT_PLACES


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class SoftDeleted:
    """A model whose rows a user deletes are kept, marked `deleted_at`, so they can be restored."""

    @classmethod
    def not_deleted(cls):
        """The condition of the rows that are not deleted, for `.where()`."""
        return cls.deleted_at.is_null()

    @classmethod
    def deleted(cls):
        """The condition of the rows that are deleted, for `.where()`."""
        return ~cls.not_deleted()


class ExactDecimalField(BigIntegerField):
    """A Decimal kept exactly, as an integer count of its smallest unit (10^-places).

    SQLite stores a DECIMAL column as a float (33.335 is not 33.335, and 100000000000.000001
    loses its last digit); an integer is exact there and on PostgreSQL alike. A value with more
    decimals than the column keeps is refused here, never rounded: app/domain/numbers.py refuses
    it first, with a message.
    """

    def __init__(self, places, *args, **kwargs):
        self.places = places
        super().__init__(*args, **kwargs)

    def db_value(self, value):
        if value is None:
            return None
        # In integers, not Decimal arithmetic, which would round past 28 digits.
        sign, digits, exponent = Decimal(value).as_tuple()
        number, shift = int("".join(map(str, digits))), exponent + self.places
        if shift < 0:
            number, rest = divmod(number, 10**-shift)
            if rest:
                raise ValueError(f"{value} has more than {self.places} decimals")
        else:
            number *= 10**shift
        return -number if sign else number

    def python_value(self, value):
        if value is None:
            return None
        return Decimal(f"{int(value)}E-{self.places}")


def _money():
    return ExactDecimalField(AMOUNT_PLACES, null=True)  # 万元, to the 分


def _percent():
    return ExactDecimalField(PERCENT_PLACES, null=True)  # %, to the basis point


class Department(BaseModel):
    """A department (部门) or one of its units (所属单位): a unit's `parent` is its 主管部门,
    whose users read the plans of all its units (app/services/scope.py)."""

    code = CharField(unique=True)
    name = CharField()
    parent = ForeignKeyField("self", null=True, backref="units", on_delete="SET NULL")


class Plan(SoftDeleted, BaseModel):
    """A department's plan of a year. A plan an administrator deletes (one created by mistake)
    is kept, marked `deleted_at`, with who deleted it and why, until it is restored
    (app/services/plans.py); every page, list and count leaves it out meanwhile, but it
    still holds its (department, year) slot."""

    department = ForeignKeyField(Department, backref="plans", on_delete="CASCADE")
    year = IntegerField()
    layout = CharField(default=framework.CLASSIC)
    overall_goal = TextField(default="")
    safeguards = TextField(default="")
    # 分项绩效目标 sections whose project was not found in the tables (Markdown).
    unmatched_summaries = TextField(default="")
    status = CharField(default="draft")  # see app/domain/workflow.py
    status_reason = TextField(default="")
    # Why the editors changed the plan after its approval (调整), until the change is approved.
    adjustment = TextField(default="")
    deleted_at = DateTimeField(null=True)
    deleted_by = CharField(default="")
    deleted_reason = TextField(default="")

    class Meta:
        indexes = ((("department", "year"), True),)

    @classmethod
    def find(cls, department_code, year):
        """The plan of a department (by code) and year that is not deleted, or None."""
        return (
            cls.select(cls, Department)
            .join(Department)
            .where((Department.code == department_code) & (cls.year == year) & cls.not_deleted())
            .first()
        )

    def ordered_projects(self):
        """The plan's projects that are not deleted, in the order of the document."""
        return self.projects.where(Project.not_deleted()).order_by(Project.position, Project.id)

    def labels(self):
        """The plan's own wording of each category it names differently, by category id."""
        return {label.category_id: label.label for label in self.category_labels}

    def categories(self):
        """The plan's (一级, [二级…]) tree: its layout's categories, then any of its own."""
        rows = (
            Category.select()
            .where(
                (Category.layout == self.layout)
                & (Category.plan.is_null() | (Category.plan == self))
            )
            .order_by(Category.position, Category.id)
        )
        level1 = [row for row in rows if row.parent_id is None]
        children = {row.id: [] for row in level1}
        for row in rows:
            if row.parent_id is not None:
                children[row.parent_id].append(row)
        return [(parent, children[parent.id]) for parent in level1]


class Category(BaseModel):
    """A 一级 (parent NULL) or 二级 category of a layout; `plan` set for one outside the layout."""

    layout = CharField()
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
    name = CharField()
    position = IntegerField()
    plan = ForeignKeyField(Plan, null=True, backref="own_categories", on_delete="CASCADE")

    class Meta:
        indexes = ((("layout", "parent", "name"), False),)

    @property
    def standard(self):
        return self.plan_id is None

    @classmethod
    def sync_framework(cls):
        """Make the rows of every layout of `framework.LAYOUTS` exist; safe to run again."""
        for layout, tree in framework.LAYOUTS.items():
            for position1, (level1, children) in enumerate(tree):
                parent = cls._ensure(layout, None, level1, position1 * 100)
                for position2, level2 in enumerate(children):
                    cls._ensure(layout, parent, level2, position1 * 100 + position2 + 1)

    @classmethod
    def _ensure(cls, layout, parent, name, position):
        row = cls.get_or_none(
            (cls.layout == layout)
            & (cls.parent.is_null() if parent is None else cls.parent == parent)
            & (cls.name == name)
            & cls.plan.is_null()
        )
        if row is None:
            row = cls.create(layout=layout, parent=parent, name=name, position=position)
        elif row.position != position:
            row.position = position
            row.save()
        return row


class CategoryLabel(BaseModel):
    plan = ForeignKeyField(Plan, backref="category_labels", on_delete="CASCADE")
    category = ForeignKeyField(Category, on_delete="CASCADE")
    label = CharField()

    class Meta:
        indexes = ((("plan", "category"), True),)


class Project(SoftDeleted, BaseModel):
    plan = ForeignKeyField(Plan, backref="projects", on_delete="CASCADE")
    code = CharField(default="")
    name = CharField(default="")
    funds_use = TextField(default="")
    budget = _money()
    fiscal_funds = _money()
    other_funds = _money()
    plan_q1 = _percent()
    plan_q2 = _percent()
    plan_q3 = _percent()
    plan_q4 = _percent()
    goal = TextField(default="")
    summary = TextField(default="")
    position = IntegerField(default=0)
    deleted_at = DateTimeField(null=True)
    # 延续: carried over from last year's plan (app/services/next_year.py), not new this year.
    continuing = BooleanField(default=False)

    class Meta:
        indexes = ((("plan", "code"), False),)

    @property
    def quarters(self):
        return [self.plan_q1, self.plan_q2, self.plan_q3, self.plan_q4]

    def ordered_indicators(self):
        """The project's indicators that are not deleted, in table order."""
        return (
            Indicator.select(Indicator, Category)
            .join(Category)
            .where((Indicator.project == self) & Indicator.not_deleted())
            .order_by(Indicator.position, Indicator.id)
        )


class Indicator(SoftDeleted, BaseModel):
    """A 三级指标: the leaf row of the table, under a 二级 category."""

    project = ForeignKeyField(Project, backref="indicators", on_delete="CASCADE")
    category = ForeignKeyField(Category, backref="indicators")
    name = TextField(default="")
    description = TextField(default="")
    target = TextField(default="")
    # What `target` says (app/domain/targets.py Target.parts), read again whenever it is saved.
    target_parts = TextField(default="")
    basis = TextField(default="")
    position = IntegerField(default=0)
    deleted_at = DateTimeField(null=True)

    def save(self, *args, **kwargs):
        """Save, reading the 指标值 again (with the plan's year) when it is among what is saved:
        every path that writes a target — a cell, an import, a new row, a copy — stores its parts."""
        only = kwargs.get("only")
        if only is None or any(getattr(f, "name", f) == "target" for f in only):
            year = self.project.plan.year
            self.target_parts = targets.parse(self.target, year).parts()
            if only is not None:
                kwargs["only"] = [*only, type(self).target_parts]
        return super().save(*args, **kwargs)


class Change(BaseModel):
    """One recorded change: who, when, which record and field, old → new (as text).

    `action` is edit, create, delete, restore or move (undo and redo: app/services/undo.py);
    `field` is empty for a whole-row action. The changes of one user action (a money group saved,
    a row inserted, a block pasted) share a `step`: the id of its first change. A step that undoes
    or redoes an earlier step names that step in `undoes`.
    """

    at = DateTimeField(default=datetime.datetime.now)
    user = CharField(default="")
    plan = ForeignKeyField(Plan, backref="changes", on_delete="CASCADE")
    project = ForeignKeyField(Project, null=True, backref="changes", on_delete="CASCADE")
    entity = CharField()
    record_id = IntegerField()
    field = CharField(default="")
    action = CharField()
    old = TextField(null=True)
    new = TextField(null=True)
    step = IntegerField(default=0, index=True)
    undoes = IntegerField(null=True, index=True)

    class Meta:
        indexes = (
            (("entity", "record_id", "field"), False),
            (("plan", "user", "step"), False),  # a user's last steps in a plan: Ctrl+Z
            # "What changed in this plan since change N" (app/services/live.py), polled by every
            # open page: one range of this index, on PostgreSQL as on SQLite.
            (("plan", "id"), False),
        )


class DepartmentChange(BaseModel):
    """A department's code or name corrected by an administrator: who, when, old → new.

    Not a `Change`: a change belongs to one plan, and a department's code and name belong to all
    its plans (and to those it has not yet)."""

    at = DateTimeField(default=datetime.datetime.now)
    user = CharField(default="")
    department = ForeignKeyField(Department, backref="changes", on_delete="CASCADE")
    field = CharField()  # code or name
    old = TextField()
    new = TextField()


class User(BaseModel):
    """A person who logs in. `role` is viewer, editor, reviewer or admin (app/domain/permissions.py)."""

    username = CharField(unique=True)
    full_name = CharField(default="")  # 姓名, shown beside the username; '' when not given
    # The username as two names are compared (app/domain/usernames.py): Admin is admin.
    name_key = CharField(unique=True)
    password_hash = CharField()
    role = CharField()
    department = ForeignKeyField(Department, null=True, on_delete="SET NULL")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=datetime.datetime.now)

    @classmethod
    def by_name(cls):
        """Every user with their department, by username."""
        return (
            cls.select(cls, Department)
            .join(Department, join_type=JOIN.LEFT_OUTER)
            .order_by(cls.username)
        )


class ReviewerDepartment(BaseModel):
    """A department assigned to a reviewer (a section of the finance bureau, 教科文科…): the
    reviewer reads and reviews it and its units. A reviewer with none reviews every department."""

    user = ForeignKeyField(User, backref="reviews", on_delete="CASCADE")
    department = ForeignKeyField(Department, on_delete="CASCADE")

    class Meta:
        indexes = ((("user", "department"), True),)


class UserSession(BaseModel):
    """A logged-in browser; the cookie holds a token whose hash is kept here."""

    token_hash = CharField(unique=True)
    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    address = CharField(default="")
    created_at = DateTimeField(default=datetime.datetime.now)
    last_seen = DateTimeField(default=datetime.datetime.now)


class LoginThrottle(BaseModel):
    """Failed logins counted per account (`user:NAME`) and per address (`addr:IP`)."""

    key = CharField(unique=True)
    failures = IntegerField(default=0)
    first_failure = DateTimeField(null=True)
    locked_until = DateTimeField(null=True)


class LoginEvent(BaseModel):
    at = DateTimeField(default=datetime.datetime.now, index=True)
    username = CharField()
    address = CharField(default="")
    success = BooleanField()
    reason = CharField(default="")


class RefusedRead(BaseModel):
    """A page or fragment of a plan, project, indicator, comment… asked for and answered 404:
    out of the user's reading scope (`out_of_scope`) or not there at all; who, from where, when
    and which address, never what it holds (app/services/refusals.py)."""

    at = DateTimeField(default=datetime.datetime.now, index=True)
    username = CharField()
    address = CharField(default="")
    method = CharField(default="GET")
    url = TextField()
    out_of_scope = BooleanField(default=True)


class Comment(BaseModel):
    """A reviewer's comment, or a reply in its thread, at a place of a plan.

    The place: the plan's narrative (`project` NULL, `field` one of the plan's cell groups), a
    project (`field` one of its groups, '' for the whole project) or one of its indicator rows
    (`indicator_id`, `field` one of the row's groups, '' for the whole row). A reply (`parent`:
    always the thread's root) shares its root's place; a thread is open until its root is
    resolved.
    """

    plan = ForeignKeyField(Plan, backref="comments", on_delete="CASCADE")
    project = ForeignKeyField(Project, null=True, backref="comments", on_delete="CASCADE")
    indicator_id = IntegerField(null=True)
    field = CharField(default="")
    parent = ForeignKeyField("self", null=True, backref="replies", on_delete="CASCADE")
    user = CharField()
    text = TextField()
    at = DateTimeField(default=datetime.datetime.now)
    resolved_by = CharField(default="")
    resolved_at = DateTimeField(null=True)

    def save(self, *args, **kwargs):
        # A comment on a project is on its plan: code written before comments had a plan of
        # their own still only names the project.
        if self.plan_id is None and self.project_id is not None:
            self.plan_id = self.project.plan_id
        return super().save(*args, **kwargs)

    @classmethod
    def open_roots(cls):
        """The condition of the open threads' roots, for `.where()`."""
        return cls.parent.is_null() & cls.resolved_at.is_null()

    @classmethod
    def open_counts(cls, project):
        """{indicator id: number of open threads on that row, on any of its cells}."""
        rows = (
            cls.select(cls.indicator_id, fn.COUNT(cls.id))
            .where((cls.project == project) & cls.open_roots() & cls.indicator_id.is_null(False))
            .group_by(cls.indicator_id)
            .tuples()
        )
        return dict(rows)


class Upload(BaseModel):
    """A file uploaded for import, kept from its preview until it is confirmed or cancelled."""

    token = CharField(unique=True)
    user = ForeignKeyField(User, on_delete="CASCADE")
    filename = CharField()
    data = BlobField()
    year = IntegerField(null=True)
    # The department it goes into, by code: a new one is created by the import, not the upload.
    department_code = CharField()
    department_name = CharField(default="")
    created_at = DateTimeField(default=datetime.datetime.now)


class PlanVersion(BaseModel):
    """A plan as approved, frozen: its document in canonical JSON (app/formats/snapshot.py) and
    the digest of that text. Written once, at approval; never updated."""

    plan = ForeignKeyField(Plan, backref="versions", on_delete="CASCADE")
    number = IntegerField()  # 1 for the first approval, 2 for the first 调整 approved …
    approved_at = DateTimeField(default=datetime.datetime.now)
    approved_by = CharField()
    reason = TextField(default="")  # the 调整's reason; '' for the first approval
    document = TextField()
    digest = CharField()

    class Meta:
        indexes = ((("plan", "number"), True),)


class PlanCheck(BaseModel):
    """A plan's findings counted by severity, and the last change of the plan they counted.

    首页 shows every plan's E/W counts; checking a city's plans on every view would be slow, so
    the counts are kept here and counted again only once the plan's latest `Change` is another
    (app/services/check_counts.py).
    """

    plan = ForeignKeyField(Plan, unique=True, backref="check_counts", on_delete="CASCADE")
    change_id = IntegerField(default=0)  # the plan's largest Change.id when counted; 0: none
    errors = IntegerField(default=0)
    warnings = IntegerField(default=0)
    infos = IntegerField(default=0)
    checked_at = DateTimeField(default=datetime.datetime.now)


class Presence(BaseModel):
    """Who has what open in a plan, as their pages last said: a cell's editor (`cell`, its DOM
    id) and the project page (`project_id`). One row per user and plan; shown to the others
    while `seen_at` is recent (app/services/live.py)."""

    user = CharField()
    plan = ForeignKeyField(Plan, on_delete="CASCADE")
    cell = CharField(default="")
    project_id = IntegerField(null=True)
    seen_at = DateTimeField(default=datetime.datetime.now)

    class Meta:
        indexes = ((("plan", "user"), True),)


MODELS = [
    Department,
    Plan,
    Category,
    CategoryLabel,
    Project,
    Indicator,
    Change,
    DepartmentChange,
    User,
    ReviewerDepartment,
    UserSession,
    LoginThrottle,
    LoginEvent,
    RefusedRead,
    Comment,
    Upload,
    PlanVersion,
    PlanCheck,
    Presence,
]
