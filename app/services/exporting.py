"""A stored plan as a `Document`, for the Word and Excel writers (app/formats/docx.py, xlsx.py).

Every field of the plan and its projects, every 二级 slot of the plan's layout (an empty one
too, as the official form shows it) in the plan's own wording, and each indicator with its id as
its identity, so that a file exported, edited by a colleague and uploaded again is matched row by
row (a renamed indicator is a rename, not one deleted and one created).
"""

from app.domain.document import Document, IndicatorData, ProjectData, SlotData, SummaryData
from app.domain.indicator_table import indicator_rows
from app.formats import docx, xlsx
from app.models import Category, Indicator, Project

WRITERS = {"docx": docx.write, "xlsx": xlsx.write}
FEW = 50  # projects whose indicators are read by their ids (more: the whole plan's, unlisted)


def export(plan, kind, projects=None):
    """The bytes of a plan (or some of its projects) as a Word ("docx") or Excel ("xlsx") file;
    None for a kind there is no writer of."""
    writer = WRITERS.get(kind)
    return writer(plan_document(plan, projects)) if writer else None


def plan_document(plan, projects=None):
    """The Document of a plan (its department joined), with all its projects or those given.

    In three queries whatever the plan's size (the projects, the categories, every indicator):
    a city's checks and every approval read whole plans."""
    projects = list(plan.ordered_projects()) if projects is None else projects
    categories, labels = plan.categories(), plan.labels()
    indicators = {}
    where = (Project.plan == plan) & Indicator.not_deleted()
    if len(projects) <= FEW:  # a cell's check reads one project's rows, not the plan's
        where &= Project.id.in_([project.id for project in projects])
    query = (
        Indicator.select(Indicator, Category)
        .join(Category)
        .switch(Indicator)
        .join(Project)
        .where(where)
        .order_by(Indicator.position, Indicator.id)
    )
    for indicator in query:
        indicators.setdefault(indicator.project_id, []).append(indicator)
    return Document(
        department_code=plan.department.code,
        department_name=plan.department.name,
        title=f"{plan.year}年部门总体绩效目标及保障措施",
        overall_goal=plan.overall_goal,
        safeguards=plan.safeguards,
        summaries=[SummaryData(p.name, p.summary, 0) for p in projects],
        projects=[
            _project(project, indicator_rows(categories, indicators.get(project.id, []), labels))
            for project in projects
        ],
    )


def _project(project, rows):
    data = ProjectData(
        code=project.code,
        name=project.name,
        line=0,
        funds_use=project.funds_use,
        budget=project.budget,
        fiscal_funds=project.fiscal_funds,
        other_funds=project.other_funds,
        plan_quarters=list(project.quarters),
        goal=project.goal,
        summary=project.summary,
        continuing=project.continuing,
    )
    level1 = level2 = ""
    for row in rows:
        if row.level1:
            level1 = row.level1.label
        if row.level2:
            level2 = row.level2.label
            data.slots.append(SlotData(level1, level2, 0))
        indicator = row.indicator
        if indicator is not None:
            data.indicators.append(
                IndicatorData(
                    level1,
                    level2,
                    indicator.name,
                    indicator.description,
                    indicator.target,
                    indicator.basis,
                    line=0,
                    identity=str(indicator.id),
                    target_parts=indicator.target_parts,
                )
            )
    return data
