"""Reviewers' comments on a project or one of its rows, and marking them resolved.

Both are recorded in the plan's history, and both ask the user's right inside their transaction:
nobody comments on, or resolves comments of, an approved plan.
"""

import datetime

from app.db import database
from app.domain.fields import hidden_character
from app.domain.permissions import can_comment, can_resolve
from app.models import Comment, Indicator
from app.services.errors import Forbidden, NotFound
from app.services.history import record_change
from app.services.records import load, lock_plan

MAX_LENGTH = 2000


class CommentError(ValueError):
    """A comment that cannot be added; the message is for the user, in Chinese."""


def add(user, project_id, text, indicator_id=None):
    """A new comment by `user` on a project, or on one of its live rows (`indicator_id`).

    CommentError for an empty or overlong text; NotFound for a row not in this project;
    Forbidden when the user may not comment on the plan now.
    """
    text = text.replace("\r\n", "\n").strip()
    if not text or len(text) > MAX_LENGTH:
        raise CommentError(f"意见不能为空，最多{MAX_LENGTH}个字。")
    hidden = hidden_character(text, newlines=True)
    if hidden:
        raise CommentError(f"意见含有不可见的控制字符（{hidden}），请删除后再提交。")
    with database.atomic():
        plan = lock_plan(load("project", project_id).plan_id)
        if not can_comment(user, plan):
            raise Forbidden(f"comment on project {project_id}")
        project = load("project", project_id, for_update=True)  # not deleted meanwhile
        if indicator_id is not None:
            row = Indicator.get_or_none(
                (Indicator.id == indicator_id)
                & (Indicator.project == project)
                & Indicator.not_deleted()
            )
            if row is None:
                raise NotFound(f"indicator {indicator_id} of project {project_id}")
        comment = Comment.create(
            project=project, indicator_id=indicator_id, user=user.username, text=text
        )
        record_change(
            "comment", comment, "create", new=text, user=user.username, where=_where(project)
        )
        return comment


def find(comment_id):
    """A comment by id, or NotFound."""
    comment = Comment.get_or_none(Comment.id == comment_id)
    if comment is None:
        raise NotFound(f"comment {comment_id}")
    return comment


def resolve(user, comment_id):
    """Mark a comment resolved by `user`, recorded; False when it already was. Forbidden when
    the user may not resolve the plan's comments now."""
    with database.atomic():
        project = load("project", find(comment_id).project_id)
        if not can_resolve(user, lock_plan(project.plan_id)):
            raise Forbidden(f"resolve comment {comment_id}")
        comment = _locked(comment_id)  # read again: resolved by someone else meanwhile?
        if comment.resolved_at is not None:
            return False
        comment.resolved_at, comment.resolved_by = datetime.datetime.now(), user.username
        comment.save(only=[Comment.resolved_at, Comment.resolved_by])
        record_change(
            "comment",
            comment,
            "resolve",
            old=comment.text,
            user=user.username,
            where=_where(project),
        )
        return True


def _locked(comment_id):
    query = Comment.select().where(Comment.id == comment_id)
    return (query.for_update("FOR NO KEY UPDATE") if database.obj.for_update else query).get()


def _where(project):
    return project.plan_id, project.id


def for_project(project):
    """The project's comments, open ones first, each with its row's name (None: the project)."""
    return Comment.for_project(project)
