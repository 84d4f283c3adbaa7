"""Reviewers' comments on a project or one of its rows, and marking them resolved.

Comments are shown to everyone who reads the project; a row with open comments is marked in
the table. Reviewers (and admins) write them; the department's editors mark them resolved.
"""

from flask import Blueprint, abort, flash, g, redirect, request, url_for

from app.domain.permissions import can_comment, can_resolve
from app.services import comments
from app.services.errors import NotFound
from app.services.plans import live_project
from app.web.access import require

bp = Blueprint("comments", __name__)


def _back(project, comment=None):
    anchor = f"#comment-{comment.id}" if comment else "#comments"
    return redirect(url_for("projects.show", project_id=project.id) + anchor, code=303)


@bp.post("/projects/<int:project_id>/comments")
def add(project_id):
    """A reviewer's comment on the project or on one of its rows."""
    project = live_project(project_id)
    require(can_comment(g.user, project.plan))
    try:
        comment = comments.add(
            g.user,
            project.id,
            request.form.get("text", ""),
            request.form.get("indicator_id") or None,
        )
    except NotFound:
        abort(400)  # a row of another project: the form was not ours
    except comments.CommentError as error:
        flash(str(error), "error")
        return _back(project)
    flash("已添加审核意见。", "success")
    return _back(project, comment)


@bp.post("/comments/<int:comment_id>/resolve")
def resolve(comment_id):
    """Mark a comment resolved (the plan's editors)."""
    comment = comments.find(comment_id)
    project = live_project(comment.project_id)
    require(can_resolve(g.user, project.plan))
    if comments.resolve(g.user, comment.id):
        flash("已将意见标为已处理。", "success")
    return _back(project, comment)
