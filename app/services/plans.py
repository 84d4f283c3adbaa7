"""Departments, their yearly plans and the plans' projects: finding them, creating them, and
deleting a plan created by mistake (and restoring it).

Creation is here once, for the page and the import alike: a plan or a project created is filed
in the history as created, by whoever created it. What the pages read of a plan (its projects,
totals, the official table's rows) is here too.

A deleted plan is kept whole (`Plan.deleted_at`): its projects, indicators, history and comments
stay as they were, and every page, list and count leaves it out until an administrator restores
it. It still holds its department's year: an import or a copy into that year is refused with
`deleted_slot`, which says where to restore it.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from peewee import Case, fn

from app.checks.rules import IMPLAUSIBLE_BUDGET
from app.db import database
from app.domain.indicator_table import indicator_rows
from app.domain.permissions import can_manage_departments
from app.models import Comment, Department, Plan, PlanVersion, Project
from app.services import scope
from app.services.errors import Forbidden, NotFound
from app.services.history import record_change, soft_delete, step
from app.services.records import editable_plan, find, load_for_edit, lock_plan

MAX_REASON = 500  # characters of why a plan was deleted


class PlanRefused(ValueError):
    """A plan may not be deleted or restored; the message says why, in Chinese."""


def departments():
    """Every department, by code."""
    return list(Department.select().order_by(Department.code))


def department_with_code(code):
    """The department with a code, or None."""
    return Department.get_or_none(Department.code == code)


def ensure_department(code, name):
    """The department with `code`, created with `name` when new."""
    return Department.get_or_create(code=code, defaults={"name": name})[0]


def all_plans(user, status=None):
    """Every plan `user` reads, with its department (only those in `status`, when given), by
    department code then newest year first; deleted plans left out. One query: the reading
    scope is in its WHERE (app/services/scope.py)."""
    query = readable_plans(user)
    if status is not None:
        query = query.where(Plan.status == status)
    return list(query.order_by(Department.code, Plan.year.desc()))


def all_plans_of(department):
    """A department's plans (not deleted), newest year first."""
    query = Plan.select(Plan, Department).join(Department)
    query = query.where((Plan.department == department) & Plan.not_deleted())
    return list(query.order_by(Plan.year.desc()))


def readable_plans(user):
    """The query of the plans `user` reads, with their departments, deleted ones left out:
    every list of plans starts here."""
    query = Plan.select(Plan, Department).join(Department).where(Plan.not_deleted())
    return scope.within(query, user, Plan.department)


def status_counts(user):
    """{status: how many plans (not deleted) that `user` reads are in it}."""
    query = Plan.select(Plan.status, fn.COUNT(Plan.id)).where(Plan.not_deleted())
    query = scope.within(query, user, Plan.department)
    return dict(query.group_by(Plan.status).tuples())


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
    """Whether a department has a plan for a year, deleted or not: either holds the year."""
    return Plan.select().where((Plan.department == department) & (Plan.year == year)).exists()


def deleted_plan_of(department, year):
    """The department's deleted plan of a year, or None."""
    return Plan.get_or_none((Plan.department == department) & (Plan.year == year) & Plan.deleted())


def deleted_slot(department_name, year):
    """What an import, a copy or a new plan into a year held by a deleted plan is told."""
    return f"{department_name}{year}年的计划已删除，可在“部门管理”中恢复"


def find_plan(user, department_code, year):
    """The plan of a department (by code) and year, with its department; NotFound when there is
    none, or when `user` may not read it (OutOfScope, answered alike)."""
    plan = Plan.find(department_code, year)
    if plan is None:
        raise NotFound(f"plan {department_code} {year}")
    scope.check(user, plan.department_id, f"plan {department_code} {year}")
    return plan


def plan_by_id(user, plan_id):
    """A plan by id (not deleted), with its department; NotFound, or OutOfScope for `user`."""
    query = Plan.select(Plan, Department).join(Department)
    plan = query.where((Plan.id == plan_id) & Plan.not_deleted()).first()
    if plan is None:
        raise NotFound(f"plan {plan_id}")
    scope.check(user, plan.department_id, f"plan {plan_id}")
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


def live_project(user, project_id):
    """A project that is not deleted, with its plan and department; NotFound, or OutOfScope for
    `user`."""
    project = (
        Project.select(Project, Plan, Department)
        .join(Plan)
        .join(Department)
        .where((Project.id == project_id) & Project.not_deleted() & Plan.not_deleted())
        .first()
    )
    if project is None:
        raise NotFound(f"project {project_id}")
    scope.check(user, project.plan.department_id, f"project {project_id}")
    return project


def deleted_plans():
    """The deleted plans with their departments, the last deleted first."""
    query = Plan.select(Plan, Department).join(Department).where(Plan.deleted())
    return list(query.order_by(Plan.deleted_at.desc(), Plan.id.desc()))


def ever_approved(plans):
    """The ids of those of some plans that are approved or were once (they have a version)."""
    ids = {plan.id for plan in plans if plan.status == "approved"}
    if not plans:
        return ids
    query = PlanVersion.select(PlanVersion.plan).where(PlanVersion.plan.in_([p.id for p in plans]))
    return ids | {plan_id for (plan_id,) in query.tuples()}


def delete_plan(user, plan_id, reason):
    """Delete a plan created by mistake, for an administrator, saying why; restorable with
    `restore_plan`. A plan ever approved is an official record and is refused (PlanRefused),
    as is a deletion without a reason. Recorded in the plan's history."""
    if not can_manage_departments(user):
        raise Forbidden(f"delete plan {plan_id}")
    return delete_plan_as(user.username, plan_id, reason)


def delete_plan_as(username, plan_id, reason):
    """`delete_plan`, filed under `username` (the command line), without asking whose right
    it is."""
    reason = (reason or "").strip()
    with database.atomic():
        plan = lock_plan(plan_id, exclusive=True)  # NotFound when deleted meanwhile
        if not reason:
            raise PlanRefused("请写明删除的原因")
        if len(reason) > MAX_REASON:
            raise PlanRefused(f"删除的原因最多{MAX_REASON}个字")
        if ever_approved([plan]):
            raise PlanRefused("已批复过的计划是正式记录，不能删除")
        plan.deleted_at = datetime.datetime.now()
        plan.deleted_by = username
        plan.deleted_reason = reason
        plan.save(only=[Plan.deleted_at, Plan.deleted_by, Plan.deleted_reason])
        record_change("plan", plan, "delete_plan", new=reason, user=username)
    return plan_with_department(plan.id)


def restore_plan(user, plan_id):
    """Bring a deleted plan back as it was, for an administrator; recorded in its history.
    NotFound when there is no such plan, PlanRefused when it is not deleted."""
    if not can_manage_departments(user):
        raise Forbidden(f"restore plan {plan_id}")
    return restore_plan_as(user.username, plan_id)


def restore_plan_as(username, plan_id):
    """`restore_plan`, filed under `username` (the command line), without asking whose right
    it is."""
    with database.atomic():
        plan = find(scope.COMMAND_LINE, "plan", plan_id, for_update=True)
        if plan.deleted_at is None:
            raise PlanRefused("该计划没有被删除，无需恢复")
        reason = plan.deleted_reason
        plan.deleted_at, plan.deleted_by, plan.deleted_reason = None, "", ""
        plan.save(only=[Plan.deleted_at, Plan.deleted_by, Plan.deleted_reason])
        record_change("plan", plan, "restore_plan", old=reason, user=username)
    return plan_with_department(plan.id)


def plan_with_department(plan_id):
    """A plan by id, deleted or not, with its department; or NotFound."""
    plan = Plan.select(Plan, Department).join(Department).where(Plan.id == plan_id).first()
    if plan is None:
        raise NotFound(f"plan {plan_id}")
    return plan


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
