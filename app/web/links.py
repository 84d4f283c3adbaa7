"""Addresses of the pages that several blueprints and templates link to, and the element id
of a cell group, which the page, its polling and undo all name the same way."""

from flask import g, request, url_for

from app.services import scope
from app.services.departments import current_code
from app.web.hx import htmx


def plan_url(plan, endpoint="plans.show"):
    """The address of a plan's page (or of another page keyed like it, such as its history)."""
    return url_for(endpoint, department_code=plan.department.code, year=plan.year)


def renamed_address():
    """The page asked for (a plan's, its history, an export…) at its department's current code,
    when the request named a code the department had before a correction; else None. Only for
    a page opened from a bookmark or an old link (GET), never for htmx, and only for a user who
    reads that department: to anyone else the old address is a page that does not exist."""
    args = request.view_args or {}
    code = args.get("department_code")
    if code is None or request.method != "GET" or htmx:
        return None
    current = current_code(code)
    user = g.get("user")
    if current is None or user is None or not scope.reads_code(user, current):
        return None
    address = url_for(request.endpoint, **{**args, "department_code": current})
    query = request.query_string.decode()
    return f"{address}?{query}" if query else address


def cell_id(entity, record_id, group):
    """The element id of a cell group: cell-12-target, cell-project-3-money, cell-plan-1-…"""
    prefix = "" if entity == "indicator" else f"{entity}-"
    return f"cell-{prefix}{record_id}-{group}"


def cell_ref(entity, record_id, group):
    """{id, url}: a cell group's element id and the address of its fragment, for a browser
    told to refresh it (undo, a colleague's change)."""
    return {
        "id": cell_id(entity, record_id, group),
        "url": url_for("cells.show", entity=entity, record_id=record_id, group=group),
    }


def register(app):
    """Give templates `plan_url`."""
    app.jinja_env.globals["plan_url"] = plan_url
