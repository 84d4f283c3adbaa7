"""A plan's approved versions: the list, one version read as approved, and any two versions
of a plan compared side by side (approved vs now, this year vs last year)."""

from flask import Blueprint, abort, g, render_template, request

from app.domain.compare import compare as compare_documents
from app.domain.markdown import render_markdown
from app.services import versions
from app.services.errors import NotFound
from app.services.plans import find_plan

bp = Blueprint("versions", __name__, url_prefix="/plans")


@bp.get("/<department_code>/<int:year>/versions")
def index(department_code, year):
    """Every approved version of a plan, newest first, with who approved it and why."""
    plan = find_plan(g.user, department_code, year)
    return render_template("versions/index.html", plan=plan, versions=versions.versions(plan))


@bp.get("/<department_code>/<int:year>/versions/<int:number>")
def show(department_code, year, number):
    """One approved version as it was approved (read from its snapshot, not the live plan)."""
    plan = find_plan(g.user, department_code, year)
    found = versions.version(plan, number)
    try:
        frozen = versions.read(found)
    except versions.TamperedVersion as error:
        return render_template("versions/tampered.html", plan=plan, message=str(error)), 500
    return render_template(
        "versions/show.html",
        plan=plan,
        version=found,
        document=frozen.document,
        markdown=render_markdown,
    )


@bp.get("/<department_code>/<int:year>/compare")
def compare(department_code, year):
    """Two versions of the plan side by side. By default the last approved version against
    the plan now; `old` and `new` name others (now, v2, 2021, 2021v1)."""
    plan = find_plan(g.user, department_code, year)
    latest = versions.latest_number(plan)
    old = request.args.get("old") or (f"v{latest}" if latest else _last_year(plan))
    new = request.args.get("new") or "now"
    try:
        sides = versions.side(plan, old), versions.side(plan, new)
    except NotFound:
        abort(404)
    except versions.TamperedVersion as error:
        return render_template("versions/tampered.html", plan=plan, message=str(error)), 500
    return render_template(
        "versions/compare.html",
        plan=plan,
        old=sides[0],
        new=sides[1],
        comparison=compare_documents(sides[0].document, sides[1].document),
        choices=versions.choices(plan),
    )


def _last_year(plan):
    """Without an approved version, the plan is compared with last year's, or with itself."""
    return str(plan.year - 1) if versions.has_plan_of(plan, plan.year - 1) else "now"
