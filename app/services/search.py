"""Searching the city: project names, project codes and 三级 indicator names, across every plan
the user reads (the reading scope is in both queries' WHERE: app/services/scope.py).

A case-insensitive substring match (LIKE, with the query's own % _ and \\ escaped, so they
match themselves), over the rows that are not deleted; at most `LIMIT` hits, grouped by plan.
"""

from dataclasses import dataclass, field

from app.models import Department, Indicator, Plan, Project
from app.services import scope

LIMIT = 200
MAX_QUERY = 200  # characters; a longer query is refused with a message, not run


class QueryTooLong(ValueError):
    """A query longer than MAX_QUERY; the message is for the user, in Chinese."""


@dataclass(frozen=True)
class Hit:
    """A project (indicator None) or one of its indicators whose name or code matched;
    `parts` is the matched text split around the first match: (before, match, after)."""

    project: object
    indicator: object | None
    what: str  # name, code, indicator
    parts: tuple


@dataclass
class Group:
    """The hits in one plan (its department joined)."""

    plan: object
    hits: list = field(default_factory=list)


@dataclass(frozen=True)
class Results:
    groups: list
    count: int  # hits shown
    more: bool  # whether there were more than LIMIT


def search(user, query, limit=LIMIT):
    """The projects and indicators of the plans `user` reads whose name (or a project's code)
    contains `query`."""
    query = (query or "").strip()
    if not query:
        return Results([], 0, False)
    if len(query) > MAX_QUERY:
        raise QueryTooLong(f"搜索词太长，最多{MAX_QUERY}个字。")
    order = (Department.code, Plan.year.desc(), Project.position, Project.id)
    projects = (
        Project.select(Project, Plan, Department)
        .join(Plan)
        .join(Department)
        .where(
            Project.not_deleted()
            & Plan.not_deleted()
            & (Project.name.contains(query) | Project.code.contains(query))
        )
        .order_by(*order)
        .limit(limit + 1)
    )
    projects = scope.within(projects, user, Plan.department)
    indicators = (
        Indicator.select(Indicator, Project, Plan, Department)
        .join(Project)
        .join(Plan)
        .join(Department)
        .where(
            Indicator.not_deleted()
            & Project.not_deleted()
            & Plan.not_deleted()
            & Indicator.name.contains(query)
        )
        .order_by(*order, Indicator.position, Indicator.id)
        .limit(limit + 1)
    )
    indicators = scope.within(indicators, user, Plan.department)
    hits = [_project_hit(project, query) for project in projects]
    hits += [Hit(i.project, i, "indicator", split_match(i.name, query)) for i in indicators]
    # Both lists come in the same order; merged, their first `limit` are the first of all.
    hits.sort(key=_place)
    more = len(hits) > limit
    hits = hits[:limit]
    groups = []
    for hit in hits:
        if not groups or groups[-1].plan.id != hit.project.plan_id:
            groups.append(Group(hit.project.plan))
        groups[-1].hits.append(hit)
    return Results(groups, len(hits), more)


def _project_hit(project, query):
    parts = split_match(project.name, query)
    if parts[1]:
        return Hit(project, None, "name", parts)
    return Hit(project, None, "code", split_match(project.code, query))


def _place(hit):
    project, indicator = hit.project, hit.indicator
    plan = project.plan
    row = (0, 0) if indicator is None else (1 + indicator.position, indicator.id)
    return (plan.department.code, -plan.year, project.position, project.id, *row)


def split_match(text, query):
    """(before, match, after) of the first case-insensitive occurrence of `query` in `text`;
    (text, "", "") when there is none."""
    folded, wanted = text.casefold(), query.casefold()
    at = folded.find(wanted)
    # casefold can change lengths (ß → ss); then the text is shown whole, unmarked.
    if at < 0 or len(folded) != len(text) or len(wanted) != len(query):
        return (text, "", "")
    return (text[:at], text[at : at + len(query)], text[at + len(query) :])
