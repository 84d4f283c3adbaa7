"""Pages that stay current: what changed in a plan since the page's change id, as JSON for
static/app.js to poll, and what each person has open (presence).

The contract (the browser side lives in static/app.js):

- The project page and the plan page carry `<div id="live" data-changes-url data-presence-url
  data-last-change data-poll-seconds>`: where to poll, where to post presence, the change id
  the page was read at (taken before the page's data, so nothing saved meanwhile is missed)
  and how often to poll.
- GET `data-changes-url` with `since=<id>` (the project page's URL already holds `project=`)
  answers 200 JSON, whether or not anything changed (the presence list is in every answer):
  `last` (the id to send next), `cells` (`id` DOM id, `url` its fragment, `user`, `at` 11:02,
  `label` 指标值 or 预算数、财政资金), `rows` (rows added, deleted or moved, a project's listed
  figures changed on the plan page, or a status change: reload the table), `status`, and
  `presence` (`id`: a cell's DOM id or `project-<id>`, `user`), others only. Every change
  since is listed, the asker's own too: the browser compares versions. 400 for a missing or bad
  `since` or `project`, 404 for no such plan.
- POST `data-presence-url` (CSRF token as for every POST) with `cell` (the open editor's DOM
  id, or empty when it closes) and `project` (the project page's id; none on the plan page):
  204. Neither: the user left. 400 for a `cell` that is no cell's id, 404 for a project not in
  the plan. Polls keep the row alive; it is shown to others for 60 s after the last.
"""

from flask import Blueprint, abort, g, jsonify, request, url_for

from app.domain.permissions import can_read
from app.services import live
from app.web.access import require
from app.web.links import cell_ref

bp = Blueprint("live", __name__, url_prefix="/plans")

# How often a page polls: a colleague's save shows within 5 s (issue 11). 50 open pages cost the
# server about 5 % of one CPU at this rate, 10 % while two editors save (bench/staying_current.py).
POLL_SECONDS = 4
# Pages that poll, by endpoint: they carry the change id taken before their data is read.
PAGES = frozenset(("projects.show", "plans.show"))
_BIGGEST = 2**53  # ids beyond this are no ids a page was given (and no JavaScript integer)


@bp.before_app_request
def _remember_where_the_page_starts():
    """The site's largest change id before a polling page reads its data: a change saved
    while the page is being built is then reported by its first poll, never lost."""
    if request.endpoint in PAGES:
        g.live_since = live.latest_change_id()


def _number(name, required=False):
    text = request.args.get(name)
    if text is None and not required:
        return None
    if text is None or not text.isascii() or not text.isdigit() or int(text) >= _BIGGEST:
        abort(400)
    return int(text)


@bp.get("/<department_code>/<int:year>/changes")
def changes(department_code, year):
    """What changed in the plan (or one of its projects) since a change id, and who else has
    what open, as JSON."""
    require(can_read(g.user))
    since, project_id = _number("since", required=True), _number("project")
    found = live.changes_since(department_code, year, since, g.user, project_id)
    response = jsonify(
        last=found.last,
        cells=[_cell(change) for change in found.cells],
        rows=found.rows,
        status=found.status,
        presence=[{"id": dom_id, "user": user} for dom_id, user in found.presence],
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _cell(change):
    return {
        **cell_ref(change.entity, change.record_id, change.group),
        "user": change.last.user,
        "at": change.last.when,
        "label": "、".join(change.labels),
    }


@bp.post("/<department_code>/<int:year>/presence")
def presence(department_code, year):
    """Record which cell's editor (if any) the user has open, on which project page."""
    require(can_read(g.user))
    project = request.form.get("project", "")
    if project and not (project.isascii() and project.isdigit() and int(project) < _BIGGEST):
        abort(400)
    try:
        live.set_presence(
            department_code,
            year,
            g.user,
            request.form.get("cell", ""),
            int(project) if project else None,
        )
    except live.NotACell:
        abort(400)
    return "", 204


def live_page(plan, project=None):
    """What a polling page tells static/app.js: where to poll and post, and where it starts."""
    where = {"department_code": plan.department.code, "year": plan.year}
    changes_url = url_for("live.changes", **where, project=project.id if project else None)
    return {
        "changes_url": changes_url,
        "presence_url": url_for("live.presence", **where),
        "since": g.live_since if "live_since" in g else live.latest_change_id(),
        "poll_seconds": POLL_SECONDS,
    }


def register(app):
    """Give templates `live_page(plan, project)`."""
    app.jinja_env.globals["live_page"] = live_page
