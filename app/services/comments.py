"""Reviewers' comments on a project or one of its rows, and marking them resolved."""

import datetime

from app.models import Comment, Indicator
from app.services.errors import NotFound

MAX_LENGTH = 2000


class CommentError(ValueError):
    """A comment that cannot be added; the message is for the user, in Chinese."""


def add(project, user, text, indicator_id=None):
    """A new comment by `user` on a project, or on one of its live rows (`indicator_id`).

    CommentError for an empty or overlong text; NotFound for a row not in this project.
    """
    if indicator_id is not None:
        row = Indicator.get_or_none(
            (Indicator.id == indicator_id)
            & (Indicator.project == project)
            & Indicator.not_deleted()
        )
        if row is None:
            raise NotFound(f"indicator {indicator_id} of project {project.id}")
    text = text.strip()
    if not text or len(text) > MAX_LENGTH:
        raise CommentError(f"意见不能为空，最多{MAX_LENGTH}个字。")
    return Comment.create(project=project, indicator_id=indicator_id, user=user.username, text=text)


def find(comment_id):
    """A comment by id, or NotFound."""
    comment = Comment.get_or_none(Comment.id == comment_id)
    if comment is None:
        raise NotFound(f"comment {comment_id}")
    return comment


def resolve(comment, user):
    """Mark a comment resolved by `user`; False when it already was."""
    if comment.resolved_at is not None:
        return False
    comment.resolved_at, comment.resolved_by = datetime.datetime.now(), user.username
    comment.save(only=[Comment.resolved_at, Comment.resolved_by])
    return True


def for_project(project):
    """The project's comments, open ones first, each with its row's name (None: the project)."""
    return Comment.for_project(project)
