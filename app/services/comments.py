"""Reviewers' comments at any place of a plan, replies in their threads, and resolving threads.

A comment is on a cell group of the plan's narrative, of a project or of one of its rows, or on
a whole project or row (app/domain/comment_places.py). A reply joins its thread's root (a reply
to a reply too), and resolving any comment of a thread resolves the thread: its root is marked.
Every comment, reply and resolve is recorded in the plan's history and asks the user's right
inside its transaction: nobody writes comments on an approved plan.
"""

import datetime
from dataclasses import dataclass

from peewee import JOIN, fn

from app.db import database
from app.domain import comment_places
from app.domain.comment_places import Place, PlaceError
from app.domain.fields import hidden_character
from app.domain.permissions import can_comment, can_reply, can_resolve
from app.models import Comment, Department, Indicator, Plan, Project
from app.services import scope
from app.services.errors import Forbidden, NotFound
from app.services.history import record_change
from app.services.records import load, lock_plan

MAX_LENGTH = 2000


class CommentError(ValueError):
    """A comment or reply that cannot be added; the message is for the user, in Chinese."""


@dataclass
class Thread:
    """A root comment and its replies (oldest first), with what its place is called."""

    root: Comment
    replies: list
    place: Place
    label: str

    @property
    def open(self):
        return self.root.resolved_at is None


def _checked(text):
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text or len(text) > MAX_LENGTH:
        raise CommentError(f"意见不能为空，最多{MAX_LENGTH}个字。")
    hidden = hidden_character(text, newlines=True)
    if hidden:
        raise CommentError(f"意见含有不可见的控制字符（{hidden}），请删除后再提交。")
    return text


def place_of(comment):
    """The place a comment (or its thread) is on."""
    return Place(comment.plan_id, comment.project_id, comment.indicator_id, comment.field)


def check_place(user, place):
    """The live plan of a place, with its department, once the place is one a comment can be on:
    PlaceError for an unknown cell group or a row of another project; NotFound for a plan,
    project or row that is not there (or deleted), or out of `user`'s reading scope."""
    place.check()
    if place.project_id is None:
        plan = Plan.select(Plan, Department).join(Department)
        plan = plan.where((Plan.id == place.plan_id) & Plan.not_deleted()).first()
    else:
        plan = load(user, "project", place.project_id).plan
    if plan is None or plan.id != place.plan_id:
        raise NotFound(f"plan {place.plan_id}")
    scope.check(user, plan.department_id, f"plan {place.plan_id}")
    if place.indicator_id is not None:
        _live_row(place)
    return plan


def _live_row(place):
    """The place's row: NotFound unless it is a live row of the place's plan (whether a row of
    another plan exists is not for this user to learn); PlaceError for another project's."""
    row = (
        Indicator.select(Indicator)
        .join(Project)
        .where(
            (Indicator.id == place.indicator_id)
            & Indicator.not_deleted()
            & (Project.plan == place.plan_id)
        )
        .first()
    )
    if row is None:
        raise NotFound(f"indicator {place.indicator_id}")
    if row.project_id != place.project_id:
        raise PlaceError("意见针对的指标不属于这个项目。")
    return row


def add(user, project_id, text, indicator_id=None, field="", plan_id=None):
    """A new comment by `user`, the root of a thread: on a project (`project_id`), one of its
    rows (`indicator_id`) or a cell group of either (`field`), or with `project_id` None on a
    section of a plan's narrative (`plan_id`, `field`).

    CommentError for an empty or overlong text; PlaceError for a place that is none (a cell
    group that does not exist, a row of another project), NotFound for one that is not there;
    Forbidden when the user may not comment on the plan now.
    """
    text = _checked(text)
    with database.atomic():
        if project_id is not None:
            plan_id = load(user, "project", project_id).plan_id
        elif plan_id is None:
            raise PlaceError("意见没有说明针对哪个计划或项目。")
        place = Place(plan_id, project_id, indicator_id, field or "").check()
        plan = lock_plan(plan_id)
        scope.check(user, plan.department_id, f"plan {plan_id}")
        if not can_comment(user, plan):
            raise Forbidden(f"comment on plan {plan_id}")
        if project_id is not None:
            load(user, "project", project_id, for_update=True)  # not deleted meanwhile
        if indicator_id is not None:
            _live_row(place)
        comment = Comment.create(
            plan=plan_id,
            project=project_id,
            indicator_id=indicator_id,
            field=place.field,
            user=user.username,
            text=text,
        )
        record_change(
            "comment", comment, "create", new=text, user=user.username, where=_where(comment)
        )
        return comment


def find(user, comment_id):
    """A comment by id; NotFound, or OutOfScope when `user` may not read its plan."""
    comment = _comment(comment_id)
    department_id = Plan.select(Plan.department).where(Plan.id == comment.plan_id).scalar()
    scope.check(user, department_id, f"comment {comment_id}")
    return comment


def _comment(comment_id):
    comment = Comment.get_or_none(Comment.id == comment_id)
    if comment is None:
        raise NotFound(f"comment {comment_id}")
    return comment


def root_of(comment):
    """The comment that started a comment's thread (itself, for a root): in the same plan."""
    return comment if comment.parent_id is None else _comment(comment.parent_id)


def _thread_plan(user, root, may):
    """Inside a write transaction: the plan of a thread, locked; OutOfScope, or Forbidden unless
    `may`; a thread of a deleted project is gone with it (NotFound)."""
    plan = lock_plan(root.plan_id)
    scope.check(user, plan.department_id, f"comment {root.id}")
    if not may(plan):
        raise Forbidden(f"comment {root.id}")
    if root.project_id is not None:
        load(user, "project", root.project_id, for_update=True)
    return plan


def reply(user, comment_id, text):
    """A reply by `user` in the thread of a comment (joined to its root); the reply.

    CommentError for an empty text or a resolved thread; Forbidden unless the user may reply on
    the plan now (its editors and reviewers, until it is approved).
    """
    text = _checked(text)
    with database.atomic():
        root = root_of(find(user, comment_id))
        _thread_plan(user, root, lambda plan: can_reply(user, plan))
        root = _locked(root.id)  # read again: resolved by someone else meanwhile?
        if root.resolved_at is not None:
            raise CommentError("这条意见已处理，不能再回复；如有新的问题，请另提意见。")
        answer = Comment.create(
            plan=root.plan_id,
            project=root.project_id,
            indicator_id=root.indicator_id,
            field=root.field,
            parent=root.id,
            user=user.username,
            text=text,
        )
        record_change(
            "comment", answer, "reply", new=text, user=user.username, where=_where(answer)
        )
        return answer


def resolve(user, comment_id):
    """Mark the thread of a comment resolved by `user`, recorded; False when it already was.
    Forbidden when the user may not resolve the plan's comments now."""
    with database.atomic():
        root = root_of(find(user, comment_id))
        _thread_plan(user, root, lambda plan: can_resolve(user, plan))
        root = _locked(root.id)
        if root.resolved_at is not None:
            return False
        root.resolved_at, root.resolved_by = datetime.datetime.now(), user.username
        root.save(only=[Comment.resolved_at, Comment.resolved_by])
        record_change(
            "comment", root, "resolve", old=root.text, user=user.username, where=_where(root)
        )
        return True


def _locked(comment_id):
    query = Comment.select().where(Comment.id == comment_id)
    return (query.for_update("FOR NO KEY UPDATE") if database.obj.for_update else query).get()


def _where(comment):
    return comment.plan_id, comment.project_id


def _live_projects():
    """The condition of comments not on a deleted project (a query joined to Project)."""
    return Comment.project.is_null() | Project.not_deleted()


def open_threads():
    """Open threads of plans, as submit and 首页 count them: the condition, and the query's
    join (comments LEFT OUTER JOIN their projects) it needs."""
    query = Comment.select().join(Project, JOIN.LEFT_OUTER)
    return query, Comment.open_roots() & _live_projects()


def open_count(plan):
    """How many threads of a plan (a Plan or its id) are open: on its narrative and on its
    projects, deleted projects not counted."""
    query, open_ = open_threads()
    return query.where((Comment.plan == plan) & open_).count()


def open_places(plan_id):
    """{(project id, indicator id, field): open threads} of a plan, for marking its cells."""
    rows = (
        Comment.select(Comment.project, Comment.indicator_id, Comment.field, fn.COUNT(Comment.id))
        .where((Comment.plan == plan_id) & Comment.open_roots())
        .group_by(Comment.project, Comment.indicator_id, Comment.field)
        .tuples()
    )
    return {(project, row, field): count for project, row, field, count in rows}


def plan_of_thread(user, comment):
    """The plan of a comment's thread, with its department; NotFound when the thread's project
    was deleted (its threads are gone with it), or the plan, or out of `user`'s scope."""
    if comment.project_id is not None:
        load(user, "project", comment.project_id)
    query = Plan.select(Plan, Department).join(Department)
    plan = query.where((Plan.id == comment.plan_id) & Plan.not_deleted()).first()
    if plan is None:
        raise NotFound(f"plan {comment.plan_id}")
    scope.check(user, plan.department_id, f"plan {comment.plan_id}")
    return plan


def place_label(place):
    """What the panel of a place is headed: the place as the lists name it, with the row's name,
    and the project's for a 分项绩效目标 (shown on the plan's page, among the others)."""
    row = project = None
    if place.indicator_id is not None:
        row = Indicator.select(Indicator.name).where(Indicator.id == place.indicator_id).scalar()
    if place.field == "summary" and place.indicator_id is None:
        project = Project.select(Project.name).where(Project.id == place.project_id).scalar()
    return comment_places.label(place, row, project)


def plan_for_marks(plan_id):
    """The plan of some cells being shown, or None."""
    return Plan.get_or_none(Plan.id == plan_id)


def known_plan(entity, record):
    """The plan a cell's record was read with (joined in, as `records.load` does), or None;
    never a query."""
    if entity == "plan":
        return record
    project = record if entity == "project" else record.__rel__.get("project")
    return None if project is None else project.__rel__.get("plan")


def plan_id_of_project(project_id):
    """The plan a project (deleted or not) is in, or None."""
    return Project.select(Project.plan).where(Project.id == project_id).scalar()


def for_project(project):
    """The threads on a project and its rows and cells, open ones first, newest first."""
    return _threads(Comment.project == project)


def for_plan(plan):
    """The threads on a plan's narrative: its own sections and its live projects' 分项绩效目标
    (each naming its project), open ones first, newest first."""
    narrative = Comment.project.is_null() | (
        (Comment.field == "summary") & Comment.indicator_id.is_null()
    )
    return _threads((Comment.plan == plan) & narrative & _live_projects(), name_projects=True)


def at_place(place):
    """The threads at exactly one place, open ones first, newest first."""
    same = (
        (Comment.plan == place.plan_id)
        & (
            Comment.project.is_null()
            if place.project_id is None
            else Comment.project == place.project_id
        )
        & (
            Comment.indicator_id.is_null()
            if place.indicator_id is None
            else Comment.indicator_id == place.indicator_id
        )
        & (Comment.field == place.field)
    )
    return _threads(same)


def _threads(condition, name_projects=False):
    roots = list(
        Comment.select(Comment)
        .join(Project, JOIN.LEFT_OUTER)
        .where(condition & Comment.parent.is_null())
        .order_by(Comment.resolved_at.is_null(False), Comment.at.desc(), Comment.id.desc())
    )
    if not roots:
        return []
    replies = {}
    for answer in (
        Comment.select()
        .where(Comment.parent.in_([root.id for root in roots]))
        .order_by(Comment.at, Comment.id)
    ):
        replies.setdefault(answer.parent_id, []).append(answer)
    rows = {root.indicator_id for root in roots if root.indicator_id}
    found = list(Indicator.select().where(Indicator.id.in_(rows))) if rows else []
    row_names = {row.id: row.name for row in found}
    deleted = {row.id for row in found if row.deleted_at is not None}
    project_names = {}
    if name_projects:
        ids = {root.project_id for root in roots if root.project_id}
        project_names = (
            {
                project.id: project.name or project.code
                for project in Project.select().where(Project.id.in_(ids))
            }
            if ids
            else {}
        )
    threads = []
    for root in roots:
        place = place_of(root)
        name = project_names.get(root.project_id) if name_projects else None
        text = comment_places.label(place, row_names.get(root.indicator_id), name)
        if root.indicator_id in deleted:
            text += "（该行已删除）"
        threads.append(Thread(root, replies.get(root.id, []), place, text))
    return threads
