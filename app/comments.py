"""Reviewers' comments on a project or one of its rows, and marking them resolved.

Comments are shown to everyone who reads the project; a row with open comments is marked in
the table. Reviewers (and admins) write them; the department's editors mark them resolved.
"""

import datetime

from flask import Blueprint, abort, flash, g, redirect, request, url_for

from app.accounts import require
from app.models import Comment, Indicator
from app.permissions import can_comment, can_resolve
from app.projects import live_project

bp = Blueprint("comments", __name__)

MAX_LENGTH = 2000


def _back(project, comment=None):
    anchor = f"#comment-{comment.id}" if comment else "#comments"
    return redirect(url_for("projects.show", project_id=project.id) + anchor, code=303)


@bp.post("/projects/<int:project_id>/comments")
def add(project_id):
    project = live_project(project_id)
    require(can_comment(g.user))
    text = request.form.get("text", "").strip()
    indicator_id = request.form.get("indicator_id") or None
    if indicator_id is not None:
        row = Indicator.get_or_none(
            (Indicator.id == indicator_id)
            & (Indicator.project == project)
            & Indicator.deleted_at.is_null()
        )
        if row is None:
            abort(400)
    if not text or len(text) > MAX_LENGTH:
        flash(f"意见不能为空，最多{MAX_LENGTH}个字。", "error")
        return _back(project)
    comment = Comment.create(
        project=project, indicator_id=indicator_id, user=g.user.username, text=text
    )
    flash("已添加审核意见。", "success")
    return _back(project, comment)


@bp.post("/comments/<int:comment_id>/resolve")
def resolve(comment_id):
    comment = Comment.get_or_none(Comment.id == comment_id) or abort(404)
    project = live_project(comment.project_id)
    require(can_resolve(g.user, project.plan))
    if comment.resolved_at is None:
        comment.resolved_at, comment.resolved_by = datetime.datetime.now(), g.user.username
        comment.save(only=[Comment.resolved_at, Comment.resolved_by])
        flash("已将意见标为已处理。", "success")
    return _back(project, comment)
