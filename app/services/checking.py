"""A stored plan checked by the review rules (app/checks/rules.py), as the bureau reviews it."""

from app.checks.rules import check
from app.models import Department, Plan
from app.services.exporting import plan_document


def check_plan(plan):
    """The findings of every rule for a stored plan, in rule order."""
    return check(plan_document(plan), plan.year, plan.layout)


def every_plan():
    """Every stored plan, by department code and year."""
    query = Plan.select(Plan, Department).join(Department)
    return list(query.order_by(Department.code, Plan.year))
