"""Importing a Word, Excel or text file from the page: upload, preview, confirm or cancel.

The preview lists every change the file would make, each with a box to untick; confirming
writes the ticked ones in one transaction, recorded under the uploader (app/services/uploads.py).
"""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from app.domain.document import MalformedDocument
from app.domain.permissions import can_start_plans
from app.services import uploads
from app.services.errors import Forbidden
from app.services.importing import ImportRefused
from app.services.plans import departments
from app.web.access import require
from app.web.links import plan_url

bp = Blueprint("imports", __name__, url_prefix="/imports")

ACTIONS = {"edit": "修改", "create": "新增", "delete": "删除"}


def _form(error=None, status=200):
    return (
        render_template(
            "imports/new.html",
            error=error,
            departments=departments() if not g.user.department else [],
            department=request.values.get("department", ""),
            year=request.values.get("year", ""),
        ),
        status,
    )


@bp.get("/new")
def new():
    """The upload form: a file, and the year and department when the file does not say."""
    require(can_start_plans(g.user))
    return _form()


@bp.post("/")
def upload():
    """Read the file (refused at once if it cannot be read) and show its preview."""
    require(can_start_plans(g.user))
    file = request.files.get("file")
    if file is None or not file.filename:
        return _form("请选择要导入的文件（.docx、.xlsx 或 .txt）", 422)
    year = request.form.get("year", "").strip()
    if year and not year.isdigit():
        return _form("预算年度应为四位数字，如 2022", 422)
    try:
        token = uploads.store(
            g.user, file.filename, file.read(), int(year) if year else None,
            request.form.get("department") or None,
        )  # fmt: skip
    except MalformedDocument as error:
        return _form(f"未导入，数据库未作任何改动。{file.filename}：{error}", 422)
    except Forbidden:  # the same words whether that department exists or not
        return _form(f"未导入，数据库未作任何改动。{file.filename}：只能导入本部门的绩效目标", 403)
    return redirect(url_for("imports.show", token=token), code=303)


@bp.get("/<token>")
def show(token):
    """What the import would do, change by change, against what is stored now."""
    try:
        upload, report = uploads.preview(g.user, token)
    except (MalformedDocument, ImportRefused) as error:
        return render_template("imports/refused.html", token=token, error=str(error)), 422
    return render_template(
        "imports/show.html",
        upload=upload,
        report=report,
        actions=ACTIONS,
        fingerprint=uploads.fingerprint(report),
    )


@bp.post("/<token>")
def confirm(token):
    """Import the ticked changes; back to the preview when the plan changed meanwhile."""
    try:
        report = uploads.confirm(
            g.user, token, request.form.getlist("apply"), request.form.get("fingerprint", "")
        )
    except uploads.PreviewOutdated as error:
        flash(str(error), "error")
        return redirect(url_for("imports.show", token=token), code=303)
    except (MalformedDocument, ImportRefused) as error:
        return render_template("imports/refused.html", token=token, error=str(error)), 422
    flash(report.summary(), "success")
    return redirect(plan_url(report.plan), code=303)


@bp.post("/<token>/cancel")
def cancel(token):
    """Drop the upload: nothing is imported."""
    uploads.discard(g.user, token)
    flash("已取消导入，数据库未作任何改动。", "success")
    return redirect(url_for("home.index"), code=303)
