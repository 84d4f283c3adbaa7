"""A stored plan checked by the review rules (app/checks/rules.py), as the bureau reviews it."""

from collections import Counter
from dataclasses import dataclass

from app.checks.rules import SEVERITIES, check
from app.models import Department, Plan
from app.services.exporting import plan_document


@dataclass(frozen=True)
class Located:
    """A finding with the stored records it is about, for a link to the cell."""

    finding: object
    project: object | None  # the Project, or None for the plan as a whole
    indicator_id: int | None


__all__ = ["SEVERITIES", "Located", "check_plan", "counts", "every_plan", "located_findings"]


def check_plan(plan, projects=None):
    """The findings of every rule for a stored plan, in rule order (`projects`: its projects,
    when the caller has them already)."""
    return check(plan_document(plan, projects), plan.year, plan.layout)


def located_findings(plan):
    """The plan's findings, each with its project and indicator (the document names each
    indicator's stored id, as an export does)."""
    projects = list(plan.ordered_projects())
    document = plan_document(plan, projects)
    located = []
    for finding in check(document, plan.year, plan.layout):
        project = indicator_id = None
        if finding.project_index is not None:
            project = projects[finding.project_index]
            if finding.indicator_index is not None:
                data = document.projects[finding.project_index].indicators
                indicator_id = int(data[finding.indicator_index].identity)
        located.append(Located(finding, project, indicator_id))
    return located


def counts(findings):
    """{severity: how many} of findings (E, W, I)."""
    return Counter(f.severity for f in findings)


def every_plan():
    """Every stored plan, by department code and year."""
    query = Plan.select(Plan, Department).join(Department)
    return list(query.order_by(Department.code, Plan.year))
