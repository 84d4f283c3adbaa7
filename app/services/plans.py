"""Departments, their yearly plans and the plans' projects: finding them, and creating them.

Creation is here once, for the page and the import alike: a plan or a project created is filed
in the history as created, by whoever created it. What the pages read of a plan (its projects,
totals, the official table's rows) is here too.
"""

from dataclasses import dataclass
from decimal import Decimal

from peewee import Case, fn

from app.checks.rules import IMPLAUSIBLE_BUDGET
from app.db import database
from app.domain.indicator_table import indicator_rows
from app.models import Comment, Department, Plan, Project
from app.services.errors import NotFound
from app.services.history import record_change, soft_delete, step
from app.services.records import editable_plan, load_for_edit


def departments():
    """Every department, by code."""
    return list(Department.select().order_by(Department.code))


def department_with_code(code):
    """The department with a code, or None."""
    return Department.get_or_none(Department.code == code)


def ensure_department(code, name):
    """The department with `code`, created with `name` when new."""
    return Department.get_or_create(code=code, defaults={"name": name})[0]


def all_plans(status=None):
    """Every plan with its department (only those in `status`, when given), by department code
    then newest year first."""
    query = Plan.select(Plan, Department).join(Department)
    if status is not None:
        query = query.where(Plan.status == status)
    return list(query.order_by(Department.code, Plan.year.desc()))


def status_counts():
    """{status: how many plans are in it}."""
    return dict(Plan.select(Plan.status, fn.COUNT(Plan.id)).group_by(Plan.status).tuples())


@dataclass(frozen=True)
class Totals:
    """A plan's live projects counted, and their 预算数 summed (万元), leaving out the projects
    whose 预算数 is above IMPLAUSIBLE_BUDGET (counted in `implausible`): a slip of the unit
    would swamp a city's total."""

    projects: int = 0
    budget: Decimal = Decimal(0)
    implausible: int = 0

    def __add__(self, other):
        return Totals(
            self.projects + other.projects,
            self.budget + other.budget,
            self.implausible + other.implausible,
        )


def plan_totals(plans):
    """{plan id: Totals} of some plans, summed by the database in one grouped query: the sum of
    the stored integer 分 is exact."""
    ids = [plan.id for plan in plans]
    if not ids:
        return {}
    plausible = Case(None, [(Project.budget <= IMPLAUSIBLE_BUDGET, Project.budget)], None)
    implausible = Case(None, [(Project.budget > IMPLAUSIBLE_BUDGET, 1)], 0)
    rows = (
        Project.select(Project.plan, fn.COUNT(Project.id), fn.SUM(plausible), fn.SUM(implausible))
        .where(Project.plan.in_(ids) & Project.not_deleted())
        .group_by(Project.plan)
        .tuples()
    )
    return {
        plan_id: Totals(count, Project.budget.python_value(budget or 0), int(odd or 0))
        for plan_id, count, budget, odd in rows
    }


def has_plan(department, year):
    """Whether a department has a plan for a year."""
    return Plan.select().where((Plan.department == department) & (Plan.year == year)).exists()


def find_plan(department_code, year):
    """The plan of a department (by code) and year, with its department; or NotFound."""
    plan = Plan.find(department_code, year)
    if plan is None:
        raise NotFound(f"plan {department_code} {year}")
    return plan


def plan_by_id(plan_id):
    """A plan by id, with its department; or NotFound."""
    plan = Plan.select(Plan, Department).join(Department).where(Plan.id == plan_id).first()
    if plan is None:
        raise NotFound(f"plan {plan_id}")
    return plan


def create_plan(department, year, layout, user="", note=""):
    """A new, empty plan of a department for a year, recorded as created by `user` (with a
    `note` of where it came from, if any)."""
    with database.atomic():
        plan = Plan.create(department=department, year=year, layout=layout)
        record_change("plan", plan, "create", new=f"{year}年{note}", user=user)
    return plan


def start_plan(department_code, department_name, year, layout, user=""):
    """A new plan for the department with `department_code`, the department created with
    `department_name` when it is new: both or neither."""
    with database.atomic():
        department = ensure_department(department_code, department_name)
        return create_plan(department, year, layout, user)


def create_project(plan, user="", values=None, position=None, record=True):
    """A new project in a plan, filled with `values`, at `position` (default: last).

    Recorded as created by `user`, unless `record` is False (inside a plan that is itself
    being created, which is recorded once).
    """
    with database.atomic():
        if position is None:
            position = plan.ordered_projects().count()
        project = Project.create(plan=plan, position=position, **(values or {}))
        if record:
            record_change("project", project, "create", new=project.name, user=user)
    return project


def new_project(user, plan_id):
    """A new project, named 新项目, at the end of a plan that `user` may edit now (one undo step)."""
    with database.atomic(), step():
        plan = editable_plan(user, plan_id)
        return create_project(plan, user.username, {"name": "新项目"})


def delete_project(user, project_id):
    """Delete a project (restorable from the plan's history), if `user` may edit its plan now."""
    with database.atomic(), step():
        project = load_for_edit(user, "project", project_id)
        return soft_delete("project", project, user.username)


def live_project(project_id):
    """A project that is not deleted, with its plan and department; or NotFound."""
    project = (
        Project.select(Project, Plan, Department)
        .join(Plan)
        .join(Department)
        .where((Project.id == project_id) & Project.not_deleted())
        .first()
    )
    if project is None:
        raise NotFound(f"project {project_id}")
    return project


def money_totals(projects):
    """{预算数, 财政资金, 其他资金: sum} over some projects, exactly."""
    return {
        name: sum((getattr(p, name) or 0) for p in projects)
        for name in ("budget", "fiscal_funds", "other_funds")
    }


def project_table(project):
    """What the official table of a project shows: (its plan's category tree, the rows with
    merged 一级/二级 cells and empty slots, {indicator id: open comments})."""
    categories = project.plan.categories()
    rows = indicator_rows(categories, list(project.ordered_indicators()), project.plan.labels())
    return categories, rows, Comment.open_counts(project)


def project_names(plan):
    """The plan's projects in order, each with only its id, code and name (the project page's
    list of its siblings: not thirty projects' texts for thirty links)."""
    return list(plan.ordered_projects().select(Project.id, Project.code, Project.name))
