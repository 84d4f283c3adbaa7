"""A stored plan checked by the review rules (app/checks/rules.py), as the bureau reviews it:
the whole plan (the checks page, the CLI), or one project with each finding at its cell (what a
cell save answers with)."""

from collections import Counter
from dataclasses import dataclass

from app.checks.rules import SEVERITIES, check
from app.domain.document import ProjectData, SummaryData
from app.domain.fields import group_of
from app.models import Department, Plan, Project
from app.services.exporting import plan_document
from app.services.plan_versions import Memo, plan_versions, row_state
from app.services.prepared import ID, Prepared

# A project's findings by project, with the plan's version and the rows they were checked from:
# the reads after a save (the cell, the project page) check it once until the plan changes.
_FINDINGS = Memo(512)

# A finding's field → the cell group it is edited in, where the two are named differently: a
# misplaced indicator is moved from its row (the name cell), the spending plan is the quarters.
GROUP_OF_FIELD = {
    ("indicator", "category"): "name",
    ("project", "plan_quarters"): "quarters",
}


@dataclass(frozen=True)
class Located:
    """A finding with the stored records it is about, for a link to the cell."""

    finding: object
    project: object | None  # the Project, or None for the plan as a whole
    indicator_id: int | None


@dataclass(frozen=True)
class AtCell:
    """A finding of one project, with the cell group it is at: ("indicator", id, "target"),
    ("project", id, "money"), or ("project", id, None) for the project as a whole."""

    finding: object
    entity: str
    record_id: int
    group: str | None


__all__ = [
    "SEVERITIES",
    "AtCell",
    "Located",
    "check_plan",
    "counts",
    "every_plan",
    "located_findings",
    "project_findings",
]


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


def project_findings(project, version=None):
    """The findings of one project, each at its cell, as the whole plan's check would report
    them: the project is read in full, its siblings only by code and name (for the rules that
    compare projects), so a save in a plan of 300 projects costs one project's check.

    Checked once per version of the plan (app/services/plan_versions.py; `version`: the plan's,
    when the caller has read it, before anything it passes here)."""
    plan = project.plan
    if version is None:
        version = plan_versions(plan)[0]
    key = (version, row_state(project, plan, plan.department))
    found = _FINDINGS.get(project.id, key)
    if found is None:
        found = _check_project(project, plan)
        _FINDINGS.put(project.id, key, found)
    return list(found)


def _check_project(project, plan):
    siblings = _SIBLINGS.rows(plan.id)
    index = next((i for i, (id_, _, _) in enumerate(siblings) if id_ == project.id), None)
    if index is None:  # deleted meanwhile: nothing of it is shown any more
        return []
    document = plan_document(plan, [project])
    checked = document.projects[0]
    document.projects = [
        checked if i == index else ProjectData(code, name, 0)
        for i, (_, code, name) in enumerate(siblings)
    ]
    document.summaries = [SummaryData(name, "", 0) for _, _, name in siblings]
    found = []
    for finding in check(document, plan.year, plan.layout, only=index):
        if finding.indicator_index is None:
            entity, record_id = "project", project.id
        else:
            entity = "indicator"
            record_id = int(checked.indicators[finding.indicator_index].identity)
        group = GROUP_OF_FIELD.get((entity, finding.field)) or group_of(entity, finding.field)
        found.append(AtCell(finding, entity, record_id, group))
    return found


def _siblings_query(plan_id):
    """(id, code, name) of a plan's live projects in order, as `Plan.ordered_projects`."""
    query = Project.select(Project.id, Project.code, Project.name)
    query = query.where((Project.plan == plan_id) & Project.not_deleted())
    return query.order_by(Project.position, Project.id).tuples()


_SIBLINGS = Prepared(_siblings_query, ID)  # every save's check reads them: compiled once


def counts(findings):
    """{severity: how many} of findings (E, W, I)."""
    return Counter(f.severity for f in findings)


def every_plan():
    """Every stored plan (but those deleted), by department code and year."""
    query = Plan.select(Plan, Department).join(Department).where(Plan.not_deleted())
    return list(query.order_by(Department.code, Plan.year))
