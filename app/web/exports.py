"""Downloads: a plan, or one project, as the official Word document or Excel workbook."""

from urllib.parse import quote

from flask import Blueprint, Response, abort, g

from app.services.exporting import export
from app.services.plans import find_plan, live_project

bp = Blueprint("exports", __name__)

TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(data, name, kind):
    if data is None:
        abort(404)
    filename = f"{name}.{kind}"
    headers = {
        # The name in UTF-8 for browsers (RFC 6266), and a plain one for the rest.
        "Content-Disposition": f"attachment; filename=\"export.{kind}\"; filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "no-store",
    }
    return Response(data, mimetype=TYPES[kind], headers=headers)


@bp.get("/plans/<department_code>/<int:year>/export.<kind>")
def plan(department_code, year, kind):
    """The whole plan: the narrative, then every project's table."""
    found = find_plan(g.user, department_code, year)
    name = f"{found.department.code}{found.department.name}{year}年绩效目标"
    return _download(export(found, kind), name, kind)


@bp.get("/projects/<int:project_id>/export.<kind>")
def project(project_id, kind):
    """One project's 预算项目绩效表."""
    found = live_project(g.user, project_id)
    name = f"{found.plan.department.name}{found.plan.year}年{found.name or found.code}绩效表"
    return _download(export(found.plan, kind, [found]), name, kind)
