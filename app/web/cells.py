"""In-place editing of every cell: show a cell group, open its editor, save it, preview Markdown.

A cell group (see app/domain/fields.py) is shown in one of three shapes: a table cell (`td`), a row
of cells edited together (`money`, `quarters`), or a Markdown section (`markdown`). Every
response is a fragment that replaces the group's element: 200 with the saved value, 422 with the
editor and the message beside the field, 409 with the editor showing the other person's value.

A table cell shows the review rules' findings about it (app/services/checking.py) in a note
under its value; the project's other findings are in a box above its table
(templates/cells/_findings.html), which every save refreshes out of band. A cell that will not
open for the person looking carries why (`data-locked`), for static/app.js to say so.
"""

from dataclasses import dataclass, field, replace

from flask import Blueprint, abort, g, render_template, request, url_for

from app.domain.fields import FIELDS, Edit, as_text, groups, version
from app.domain.markdown import render_markdown
from app.domain.permissions import EDITABLE_STATUSES, can_edit, can_submit
from app.domain.targets import parse as parse_target
from app.domain.workflow import STATUSES
from app.services.checking import SEVERITIES, counts, project_findings
from app.services.errors import NotFound
from app.services.next_year import previous_targets
from app.services.plan_versions import plan_versions
from app.services.records import load, plan_of
from app.services.saving import save_cell
from app.web.access import require
from app.web.links import cell_id as dom_id

bp = Blueprint("cells", __name__, url_prefix="/cells")

# Where a group sits decides its shape; table cells may span columns of the official form.
SHAPES = {
    ("project", "money"): "money",
    ("project", "quarters"): "quarters",
    ("project", "summary"): "markdown",
    ("plan", "overall_goal"): "markdown",
    ("plan", "safeguards"): "markdown",
}
COLSPANS = {
    ("project", "code"): 2,
    ("project", "name"): 2,
    ("project", "funds_use"): 5,
    ("project", "goal"): 5,
}


# Why a cell will not open, by the plan's status; for those who may never edit it, READ_ONLY.
LOCKED = {"submitted": "已提交审核，等待审核结果，暂不能修改", "approved": "已批复，不能修改"}
READ_ONLY = "只读：您没有修改此计划的权限"


@dataclass
class FieldView:
    name: str
    label: str
    kind: str
    multiline: bool
    text: str  # the stored value as shown, or what the user typed
    version: str
    error: str = ""
    conflict: str | None = None  # the other person's value, on a 409


@dataclass
class CellView:
    entity: str
    record: object
    group: str
    fields: list
    editable: bool = False
    editing: bool = False
    just_saved: bool = False
    last_year: str = ""  # an indicator's 指标值 of last year's plan, shown beside this year's
    findings: list = field(default_factory=list)  # the review rules' findings at this cell
    locked: str = ""  # why the person looking may not open it ('' when they may, or for Markdown)

    def as_editor(self):
        """This group's editor with the values shown (what GET …/edit answers), for the page to
        carry beside the display so that the browser opens it without a request."""
        return replace(self, editing=True, just_saved=False, findings=[], locked="")

    @property
    def shape(self):
        return SHAPES.get((self.entity, self.group), "td")

    @property
    def severity(self):
        """The gravest severity of the cell's findings (E, W, I), or ''."""
        return next((s for s in SEVERITIES if any(f.severity == s for f in self.findings)), "")

    @property
    def colspan(self):
        return COLSPANS.get((self.entity, self.group), 1)

    @property
    def dom_id(self):
        return dom_id(self.entity, self.record.id, self.group)

    def url(self, action=""):
        endpoint = "cells.edit" if action == "edit" else "cells.show"
        return url_for(endpoint, entity=self.entity, record_id=self.record.id, group=self.group)

    @property
    def save_url(self):
        return self.url()

    @property
    def preview_url(self):
        return url_for(
            "cells.preview", entity=self.entity, record_id=self.record.id, group=self.group
        )

    @property
    def history_url(self):
        return url_for(
            "history.for_cell", entity=self.entity, record_id=self.record.id, field=self.group
        )

    @property
    def draft_key(self):
        return f"jixiao-draft:{self.entity}:{self.record.id}:{self.group}"

    @property
    def rendered(self):
        return render_markdown(self.fields[0].text)

    @property
    def hint(self):
        """What an indicator's 指标值 says (`≥ 90 %`), shown quietly under it; '' for others.
        Deadlines without their year (年底前) get none here: the cell does not know the plan."""
        if (self.entity, self.group) != ("indicator", "target") or self.editing:
            return ""
        return parse_target(self.fields[0].text).hint()


def cell(entity, record, group, editable=False, editing=False, outcome=None, last_year=""):
    """The view of a cell group: as stored, or as a save `outcome` left it.

    `editable` says whether the person looking may open its editor; `last_year` is what last
    year's plan set for an indicator's 指标值 (app/services/next_year.py).
    """
    views = []
    for name in groups(entity)[group]:
        spec = FIELDS[entity][name]
        stored = getattr(record, name)
        view = FieldView(
            name, spec.label, spec.kind, spec.multiline, as_text(stored), version(stored)
        )
        if outcome is not None:
            view.text = outcome.typed.get(name, view.text)
            view.version = outcome.versions.get(name, view.version)
            view.error = outcome.errors.get(name, "")
            if name in outcome.conflicts:
                view.conflict = as_text(outcome.conflicts[name])
        views.append(view)
    view = CellView(entity, record, group, views, editable=editable or editing, editing=editing)
    view.last_year = last_year
    shown = (
        None if entity == "plan" else g.get("project_cells", {}).get(_project_id(entity, record))
    )
    if shown is not None and not editing and view.shape != "markdown":
        view.findings = shown.at(entity, record.id, group) if view.shape == "td" else []
        view.locked = "" if view.editable else shown.locked
    return view


@dataclass
class ProjectCells:
    """What a project's page shows about its cells besides their values: the review rules'
    findings, each at its table cell or (the project as a whole, its money, its spending plan)
    in the box above the table; and why its cells will not open for the person looking.

    Made once per request by `project_cells`, which the project page calls before its cells
    (the box comes first); a page that does not (the whole plan's print) shows values only and
    costs no check."""

    project: object
    found: list  # checking.AtCell
    locked: str  # why_locked(...) for the person looking
    severities = SEVERITIES  # E → 错误…

    def at(self, entity, record_id, group):
        """The findings shown at one table cell."""
        place = (entity, record_id, group)
        return [a.finding for a in self.found if (a.entity, a.record_id, a.group) == place]

    @property
    def at_cells(self):
        """(element id, finding) of each finding a table cell shows."""
        return [
            (dom_id(a.entity, a.record_id, a.group), a.finding) for a in self.found if _at_td(a)
        ]

    @property
    def elsewhere(self):
        """The findings no table cell shows."""
        return [a.finding for a in self.found if not _at_td(a)]

    @property
    def counts(self):
        return counts(a.finding for a in self.found)


def _at_td(found):
    return found.group is not None and SHAPES.get((found.entity, found.group), "td") == "td"


def project_cells(project, version=None):
    """The `ProjectCells` of a project, checked once per request (and reused across requests
    until its plan changes: app/services/checking.py)."""
    cache = g.setdefault("project_cells", {})
    if project.id not in cache:
        found = project_findings(project, version)
        cache[project.id] = ProjectCells(project, found, why_locked(g.user, project.plan))
    return cache[project.id]


def _project_id(entity, record):
    return record.id if entity == "project" else record.project_id


def _check_project_of(entity, record, group, versions):
    """For a table cell or row of a project: check its project, so that the fragment shows the
    findings at it (and, after a save, the box); None for the plan's and Markdown groups."""
    if entity == "plan" or SHAPES.get((entity, group), "td") == "markdown":
        return None
    return project_cells(record if entity == "project" else record.project, versions[0])


def why_locked(user, plan):
    """Why `user` may not edit `plan` ('' when they may): its status, for those who could edit
    it in another, else that it is read-only for them."""
    if can_edit(user, plan):
        return ""
    if plan.status in EDITABLE_STATUSES or not can_submit(user, plan):
        return READ_ONLY
    return LOCKED.get(plan.status, f"{STATUSES.get(plan.status, plan.status)}，暂不能修改")


def _last_year(entity, record, group, versions):
    """Last year's 指标值 for an indicator's target cell shown alone; '' for any other cell."""
    if (entity, group) != ("indicator", "target"):
        return ""
    return previous_targets(record.project, [record], versions[1]).get(record.id, "")


def _versions(entity, record):
    """The versions of the record's plan and of last year's, read once for what the fragment
    computes from them (app/services/plan_versions.py); none for the plan's own groups."""
    return plan_versions(plan_of(entity, record)) if entity != "plan" else (None, None)


def _load(entity, record_id, group):
    """The live record of a cell group, and whether the user may edit it; NotFound when the
    record or the group does not exist."""
    if group not in groups(entity):
        raise NotFound(f"{entity}.{group}")
    record = load(g.user, entity, record_id)
    return record, can_edit(g.user, plan_of(entity, record))


def _fragment(view, status=200, checks=None):
    """The cell's fragment; with `checks`, the project's findings box too, out of band."""
    response = render_template("cells/_fragment.html", view=view, checks=checks)
    return response, status


@bp.get("/<entity>/<int:record_id>/<group>")
def show(entity, record_id, group):
    """A cell group as stored (an editor's Esc puts this back)."""
    record, editable = _load(entity, record_id, group)
    versions = _versions(entity, record)
    last_year = _last_year(entity, record, group, versions)
    _check_project_of(entity, record, group, versions)
    return _fragment(cell(entity, record, group, editable=editable, last_year=last_year))


@bp.get("/<entity>/<int:record_id>/<group>/edit")
def edit(entity, record_id, group):
    """A cell group's editor, with the stored values and their versions."""
    record, editable = _load(entity, record_id, group)
    require(editable)
    return _fragment(cell(entity, record, group, editing=True))


@bp.put("/<entity>/<int:record_id>/<group>")
def save(entity, record_id, group):
    """Save an editor: 200 with the saved cell, 422 with the message, 409 with both values."""
    posted = Edit.from_form(entity, group, request.form) or abort(404)
    outcome = save_cell(g.user, record_id, posted)
    if outcome.status == 200:
        versions = _versions(entity, outcome.record)
        checks = _check_project_of(entity, outcome.record, group, versions)
        view = cell(entity, outcome.record, group, editable=True)
        view.last_year = _last_year(entity, outcome.record, group, versions)
        view.just_saved = True
        return _fragment(view, checks=checks)
    view = cell(entity, outcome.record, group, editing=True, outcome=outcome)
    return _fragment(view, outcome.status)


@bp.post("/<entity>/<int:record_id>/<group>/preview")
def preview(entity, record_id, group):
    """The sanitised HTML of a Markdown text as it is being typed, for those who may edit it
    (rendering is the costliest thing a request can ask for)."""
    names = groups(entity).get(group)
    if not names or FIELDS[entity][names[0]].kind != "markdown":
        abort(404)
    _, editable = _load(entity, record_id, group)
    require(editable)
    return render_template(
        "cells/_preview.html", html=render_markdown(request.form.get(names[0], ""))
    )


def register(app):
    """Make `cell(...)` and `project_cells(project)` available to every template."""
    app.jinja_env.globals["cell"] = cell
    app.jinja_env.globals["project_cells"] = project_cells
