"""The yearly cycle: next year's plan started from this year's, and last year's targets beside
this year's.

`start_next_year` copies a plan into the year after it, in one transaction: the layout, the
narrative, the plan's own categories and their wording, every live project (marked 延续) and
every live indicator. The copy keeps the text as it was, years and project codes included; the
review rules (V11, C03) then point at what still names last year.

`previous_targets` reads, for a project's table, what the same department's plan of the year
before set as each matching indicator's 指标值, in one query for the whole table, kept until
that plan changes (app/services/plan_versions.py).
"""

from dataclasses import dataclass

from peewee import JOIN

from app.db import database
from app.domain.document import LAST_YEAR
from app.domain.permissions import can_create_plan
from app.models import Category, CategoryLabel, Indicator, Plan, Project
from app.services.errors import Forbidden
from app.services.history import record_change, step
from app.services.plan_versions import Memo, plan_versions
from app.services.plans import create_plan, create_project, deleted_slot
from app.services.records import lock_plan

# What a project carries into next year, besides its place in the list: everything but its
# plan, its state and its history.
PROJECT_FIELDS = (
    "code",
    "name",
    "funds_use",
    "budget",
    "fiscal_funds",
    "other_funds",
    "plan_q1",
    "plan_q2",
    "plan_q3",
    "plan_q4",
    "goal",
    "summary",
)
INDICATOR_FIELDS = ("name", "description", "target", "basis", "position")

# Last year's project's targets by (department, year, code, name), with the version of last
# year's plan they were read at: a cell shown after every save reads them once.
_LAST_YEAR = Memo(512)


class NextYearRefused(ValueError):
    """Next year's plan cannot be started from this one; the message says why, in Chinese.
    `existing` is next year's plan when it is already there."""

    def __init__(self, message, existing=None):
        super().__init__(message)
        self.existing = existing


@dataclass
class Copied:
    """Next year's plan as started, and how much came over."""

    plan: object
    projects: int
    indicators: int


def next_plan(plan, deleted=False):
    """The department's plan of the year after `plan` (`deleted`: one deleted), or None."""
    state = Plan.deleted() if deleted else Plan.not_deleted()
    return Plan.get_or_none(
        (Plan.department == plan.department_id) & (Plan.year == plan.year + 1) & state
    )


def start_next_year(user, plan_id):
    """Next year's plan of the department of `plan_id`, copied from it, recorded as created by
    `user`, status 草稿. Forbidden unless `user` may start plans for that department;
    NextYearRefused when next year's plan exists already (or would be past the last year)."""
    with database.atomic(), step():  # one step: Ctrl+Z does not take the copy apart
        source = lock_plan(plan_id, exclusive=True)  # two copies of one plan: one waits
        if not can_create_plan(user, source.department_id):
            raise Forbidden(f"next year of plan {plan_id}")
        year = source.year + 1
        existing = next_plan(source)
        if existing is not None:
            department = source.department.name
            raise NextYearRefused(f"{department}{year}年的绩效目标已经存在，未复制。", existing)
        if next_plan(source, deleted=True) is not None:  # it still holds the year: restore it
            raise NextYearRefused(deleted_slot(source.department.name, year) + "。未复制。")
        if year > LAST_YEAR:
            raise NextYearRefused(f"预算年度最晚为{LAST_YEAR}年，不能再开始下一年度。")
        origin = f"（以{source.year}年为基础）"
        plan = create_plan(source.department, year, source.layout, user.username, origin)
        plan.overall_goal = source.overall_goal
        plan.safeguards = source.safeguards
        plan.unmatched_summaries = source.unmatched_summaries
        plan.save()
        categories = _copy_categories(source, plan)
        projects = indicators = 0
        for project in source.ordered_projects():
            values = {name: getattr(project, name) for name in PROJECT_FIELDS}
            values["continuing"] = True
            copy = create_project(plan, values=values, position=project.position, record=False)
            record_change("project", copy, "create", new=f"{copy.name}（延续）", user=user.username)
            projects += 1
            for indicator in project.ordered_indicators():
                values = {name: getattr(indicator, name) for name in INDICATOR_FIELDS}
                category = categories.get(indicator.category_id, indicator.category_id)
                Indicator.create(project=copy, category=category, **values)
                indicators += 1
        return Copied(plan, projects, indicators)


def _copy_categories(source, plan):
    """The source plan's own categories (pairs outside its layout) made the new plan's own, and
    its wording of categories carried; {source category id: new category id}."""
    mapping = {}
    own = (
        Category.select()
        .where(Category.plan == source)
        .order_by(Category.parent.is_null(False), Category.position, Category.id)
    )
    for category in own:  # 一级 first, so that a 二级 of an own 一级 finds its new parent
        parent = mapping.get(category.parent_id, category.parent_id)
        mapping[category.id] = Category.create(
            layout=category.layout,
            parent=parent,
            name=category.name,
            position=category.position,
            plan=plan,
        ).id
    for label in CategoryLabel.select().where(CategoryLabel.plan == source):
        category = mapping.get(label.category_id, label.category_id)
        CategoryLabel.create(plan=plan, category=category, label=label.label)
    return mapping


def previous_targets(project, indicators, version=None):
    """{indicator id: last year's 指标值} for some indicators of a project (their categories
    read with them), in one query, reused until last year's plan changes (`version`: its
    version, when the caller has read it: app/services/plan_versions.py).

    Last year's project is the same department's in the year before with the same code, else
    the same name; within it, an indicator matches by its 二级 and its name.
    """
    code, name = project.code.strip(), project.name.strip()
    if not indicators or not (code or name):
        return {}
    plan = project.plan
    if version is None:
        version = plan_versions(plan)[1]
    key = (plan.department_id, plan.year, code, name)
    targets = _LAST_YEAR.get(key, version)
    if targets is None:
        targets = _last_years_targets(plan, code, name)
        _LAST_YEAR.put(key, version, targets)
    if not targets:  # no last year: the indicators' categories need not be read
        return {}
    return {
        indicator.id: targets[match]
        for indicator in indicators
        if (match := (indicator.category.name, indicator.name.strip())) in targets
    }


def _last_years_targets(plan, code, name):
    """{(二级, name): 指标值} of last year's project matching a code and name ({} for none)."""
    same = Project.name == name if name else None
    if code:
        same = Project.code == code if same is None else (Project.code == code) | same
    rows = (
        Project.select(Project.id, Project.code, Category.name, Indicator.name, Indicator.target)
        .join(Plan)
        .switch(Project)
        .join(
            Indicator,
            JOIN.LEFT_OUTER,
            on=(Indicator.project == Project.id) & Indicator.not_deleted(),
        )
        .join(Category, JOIN.LEFT_OUTER, on=Indicator.category == Category.id)
        .where(
            (Plan.department == plan.department_id)
            & (Plan.year == plan.year - 1)
            & Plan.not_deleted()
            & Project.not_deleted()
            & same
        )
        .order_by(Project.position, Project.id, Indicator.position, Indicator.id)
        .tuples()
    )
    by_project = {}
    coded = None
    for project_id, project_code, level2, indicator_name, target in rows:
        found = by_project.setdefault(project_id, {})
        if code and project_code.strip() == code and coded is None:
            coded = project_id
        if indicator_name is not None:
            found.setdefault((level2, indicator_name.strip()), target)
    if not by_project:
        return {}
    return by_project[coded if coded is not None else next(iter(by_project))]
