"""Reviewers' comments at the place of the fault, replies, and resolving threads.

Every cell group of a project page and every section of a plan's narrative carries a small
"意见" button (templates/comments/_mark.html) for those who may comment, and for everyone where
threads are open there (then it is a mark with their number). It opens the page's comment panel
(a popover, templates/comments/_popover.html) and htmx loads into it the threads of that place
with a form whose place is preset (`place`). The forms post plainly and come back to the cell.
Reviewers (and admins) comment; the plan's editors and reviewers reply; its editors resolve.
"""

import re
from urllib.parse import quote_plus

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from app.domain.comment_places import Place, PlaceError
from app.domain.permissions import can_comment, can_reply, can_resolve
from app.services import comments
from app.services.errors import NotFound
from app.services.plans import live_project
from app.web.access import require
from app.web.errors import refusal
from app.web.links import plan_url

_PLAIN = re.compile(r"[0-9A-Za-z_.-]*")  # written by url_for as it is

bp = Blueprint("comments", __name__)


def _bad_place(error):
    return refusal(400, "意见的位置无效", str(error))


def _int(name):
    value = request.values.get(name, "")
    if not value:
        return None
    if not value.isdigit():
        raise PlaceError(f"意见针对的位置无效（{name}）。")
    return int(value)


def place_url(plan, place):
    """Where a place is shown: its cell on the project page, or its section on the plan page
    (the narrative and the projects' 分项绩效目标)."""
    if place.project_id is None:
        return f"{plan_url(plan)}#cell-plan-{plan.id}-{place.field}"
    if place.field == "summary":
        return f"{plan_url(plan)}#cell-project-{place.project_id}-summary"
    page = url_for("projects.show", project_id=place.project_id)
    if place.indicator_id is not None:
        anchor = f"cell-{place.indicator_id}-{place.field}" if place.field else None
        return f"{page}#{anchor or f'row-{place.indicator_id}'}"
    if place.field:
        return f"{page}#cell-project-{place.project_id}-{place.field}"
    return f"{page}#comments"


def _back(plan, comment):
    """Back where the form was: at the place (`cell`), or at the thread in the list of the
    project page or of the plan page."""
    root = comments.root_of(comment)
    place = comments.place_of(root)
    where = request.form.get("return_to", "")
    if where == "cell":
        return redirect(place_url(plan, place), code=303)
    if where == "plan" or place.project_id is None:
        return redirect(f"{plan_url(plan)}#comment-{root.id}", code=303)
    page = url_for("projects.show", project_id=place.project_id)
    return redirect(f"{page}#comment-{root.id}", code=303)


def _added(plan, place, create):
    try:
        comment = create()
    except PlaceError as error:
        return _bad_place(error)
    except NotFound:
        return _bad_place("意见针对的指标或项目不存在（可能已被删除），请刷新页面。")
    except comments.CommentError as error:
        flash(str(error), "error")
        if request.form.get("return_to") == "cell":
            return redirect(place_url(plan, place), code=303)
        if place.project_id is None:
            return redirect(f"{plan_url(plan)}#plan-comments", code=303)
        return redirect(url_for("projects.show", project_id=place.project_id) + "#comments", 303)
    flash("已添加审核意见。", "success")
    return _back(plan, comment)


@bp.post("/projects/<int:project_id>/comments")
def add(project_id):
    """A reviewer's comment on the project, one of its rows, or a cell of either (`field`)."""
    project = live_project(g.user, project_id)
    require(can_comment(g.user, project.plan))
    try:
        indicator_id, field = _int("indicator_id"), request.form.get("field", "")
    except PlaceError as error:
        return _bad_place(error)
    place = Place(project.plan_id, project.id, indicator_id, field)
    return _added(
        project.plan,
        place,
        lambda: comments.add(g.user, project.id, request.form.get("text", ""), indicator_id, field),
    )


@bp.post("/plans/<int:plan_id>/comments")
def add_to_plan(plan_id):
    """A reviewer's comment on a section of the plan's narrative (`field`)."""
    field = request.form.get("field", "")
    try:
        plan = comments.check_place(g.user, Place(plan_id, field=field))
    except PlaceError as error:
        return _bad_place(error)
    require(can_comment(g.user, plan))
    place = Place(plan.id, field=field)
    return _added(
        plan,
        place,
        lambda: comments.add(
            g.user, None, request.form.get("text", ""), field=field, plan_id=plan.id
        ),
    )


def _thread_plan(comment_id):
    comment = comments.find(g.user, comment_id)
    return comment, comments.plan_of_thread(g.user, comment)


@bp.post("/comments/<int:comment_id>/replies")
def reply(comment_id):
    """A reply in a comment's thread (the plan's editors and reviewers)."""
    comment, plan = _thread_plan(comment_id)
    require(can_reply(g.user, plan))
    try:
        answer = comments.reply(g.user, comment.id, request.form.get("text", ""))
    except comments.CommentError as error:
        flash(str(error), "error")
        return _back(plan, comment)
    flash("已回复。", "success")
    return _back(plan, answer)


@bp.post("/comments/<int:comment_id>/resolve")
def resolve(comment_id):
    """Mark a comment's thread resolved (the plan's editors)."""
    comment, plan = _thread_plan(comment_id)
    require(can_resolve(g.user, plan))
    if comments.resolve(g.user, comment.id):
        flash("已将意见标为已处理。", "success")
    return _back(plan, comment)


@bp.get("/comments/place")
def place():
    """The comment panel of one place (a fragment): its threads, and the form to comment there
    with the place preset. `plan` and `field` for a narrative section; `project`, `indicator`
    and `field` for a project's cell or row."""
    try:
        project_id, indicator_id = _int("project"), _int("indicator")
        plan_id = _int("plan")
        if project_id is not None:
            plan_id = live_project(g.user, project_id).plan_id
        if plan_id is None:
            raise PlaceError("意见没有说明针对哪个计划或项目。")
        at = Place(plan_id, project_id, indicator_id, request.args.get("field", ""))
        plan = comments.check_place(g.user, at)
    except PlaceError as error:
        return _bad_place(error)
    return render_template(
        "comments/_panel.html",
        plan=plan,
        place=at,
        title=comments.place_label(at),
        threads=comments.at_place(at),
        may_comment=can_comment(g.user, plan),
        may_reply=can_reply(g.user, plan),
        may_resolve=can_resolve(g.user, plan),
    )


# What the cells of one page show, read once per request and plan: a page of cells costs one
# query for their marks, and so does the cell a save gives back.
def _marks(plan_id, plan=None):
    cache = g.setdefault("comment_marks", {})
    if plan_id not in cache:
        plan = plan or comments.plan_for_marks(plan_id)
        cache[plan_id] = (
            plan,
            comments.open_places(plan_id) if plan else {},
            plan is not None and can_comment(g.get("user"), plan),
        )
    return cache[plan_id]


def _plan_id(entity, record, plan):
    """The plan id of a cell's record; a project's is kept for the rows shown after it."""
    projects = g.setdefault("comment_projects", {})
    if plan is not None:
        plan_id = plan.id
    elif entity == "project":
        plan_id = record.plan_id
    else:
        plan_id = projects.get(record.project_id) or comments.plan_id_of_project(record.project_id)
    if entity == "project":
        projects[record.id] = plan_id
    elif entity == "indicator":
        projects[record.project_id] = plan_id
    return plan_id


def _place_address(plan, project, indicator, field):
    """url_for("comments.place", …) as it would be built, from one base a request: a project's
    page asks it for every cell (ids are numbers; a group's name is quoted only when it must be)."""
    base = g.get("comment_place_base")
    if base is None:
        base = g.comment_place_base = url_for("comments.place")
    if field and not _PLAIN.fullmatch(field):
        field = quote_plus(field)
    query = (("plan", plan), ("project", project), ("indicator", indicator), ("field", field))
    return base + "?" + "&".join(f"{key}={value}" for key, value in query if value is not None)


def mark(entity, record, group):
    """The "意见" button of a cell group, for templates/comments/_mark.html: {open, url, title},
    or None when the person looking may not comment there and no thread is open there."""
    known = comments.known_plan(entity, record)
    plan_id = _plan_id(entity, record, known)
    plan, counts, may_comment = _marks(plan_id, known)
    if entity == "plan":
        key = (None, None, group)
    elif entity == "project":
        key = (record.id, None, group)
    else:
        key = (record.project_id, record.id, group)
    count = counts.get(key, 0)
    if plan is None or not (count or may_comment):
        return None
    project_id, indicator_id, field = key
    url = _place_address(plan_id if project_id is None else None, project_id, indicator_id, field)
    title = f"{count}条未处理的审核意见" if count else "在此处提出审核意见"
    return {"open": count, "url": url, "title": title}


def register(app):
    """Give templates `comment_mark(...)`, `plan_comments(plan)` and `comment_place_url`."""
    app.jinja_env.globals["comment_mark"] = mark
    app.jinja_env.globals["plan_comments"] = comments.for_plan
    app.jinja_env.globals["comment_place_url"] = place_url
