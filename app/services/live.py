"""Pages that stay current: what changed in a plan since a change id, who has which cell or
project open (presence), and who last changed a cell.

An open page polls `changes_since` with the largest change id it knows. The history's ids are
one sequence for the whole site, so the site-wide largest id at page load (`latest_change_id`)
is a valid starting point for any plan. When nothing changed the poll costs one range of the
index Change(plan, id) joined to the plan (its status comes with it), and one read of the
plan's few presence rows.

Presence is kept in the database, not in a process's memory, so that two server processes
(waitress on one PostgreSQL) see each other's users. A page posts when an editor opens or
closes (`set_presence`); its polls keep the row alive, writing at most every `REFRESH`, as the
session's `last_seen` is kept (app/services/accounts.py). A row not seen for `WINDOW` is no
longer shown: a closed tab disappears by itself. Presence is no change of the plan, so it is
not recorded in the history.
"""

import datetime
import logging
import re
from dataclasses import dataclass, field

from peewee import JOIN, fn

from app.db import cannot_write, database
from app.domain.fields import FIELDS, MONEY, QUARTERS, group_of
from app.models import Change, Department, Plan, Presence, Project
from app.services import scope
from app.services.errors import DatabaseError, NotFound

log = logging.getLogger(__name__)

WINDOW = datetime.timedelta(seconds=60)  # presence is shown this long after last seen
REFRESH = datetime.timedelta(seconds=20)  # a poll keeps its user's presence alive this often
LIMIT = 200  # more changes than this since the page's id: the page reloads its rows instead

# A project's fields the plan page lists in its table of projects.
LISTED = frozenset(("code", "name", *MONEY, *QUARTERS))
# What a page may say it has open: a cell's DOM id (app/web/cells.py CellView.dom_id).
CELL_ID = re.compile(r"cell-(?:(?:project|plan)-)?[0-9]{1,18}-[a-z_0-9]{1,40}")


class NotACell(ValueError):
    """What a page said it has open is no cell's DOM id."""


@dataclass(frozen=True)
class LastChange:
    """The newest recorded change of a cell: its id (to compare with the page's starting id),
    who made it and when."""

    id: int
    user: str
    at: datetime.datetime

    @property
    def when(self):
        return clock(self.at)


@dataclass
class CellChange:
    """A cell group changed since the page's id: the newest change's id, user and time, and
    the labels of the group's fields that changed."""

    entity: str
    record_id: int
    group: str
    last: LastChange
    labels: list = field(default_factory=list)


@dataclass
class Since:
    """What a page needs to catch up: the id to ask from next time, the cells changed, whether
    its rows changed (it reloads its table), the plan's status and who else has what open."""

    last: int
    status: str
    cells: list
    rows: bool
    presence: list  # [(DOM id, username)]


def clock(at, today=None):
    """A change's time as a page shows it: 11:02 today, 12月2日 11:02 another day."""
    today = today or datetime.date.today()
    if at.date() == today:
        return at.strftime("%H:%M")
    prefix = f"{at.year}年" if at.year != today.year else ""
    return f"{prefix}{at.month}月{at.day}日 {at:%H:%M}"


def latest_change_id():
    """The largest change id of the whole site (0 before any): where a page starts polling."""
    return Change.select(fn.MAX(Change.id)).scalar() or 0


def last_change(entity, record_id, fields):
    """The newest recorded change of some fields of a record, as a `LastChange`; or None."""
    row = (
        Change.select(Change.id, Change.user, Change.at)
        .where(
            (Change.entity == entity)
            & (Change.record_id == record_id)
            & Change.field.in_(list(fields))
        )
        .order_by(Change.id.desc())
        .first()
    )
    return None if row is None else LastChange(row.id, row.user, row.at)


def changes_since(department_code, year, since, user, project_id=None, now=None):
    """What changed in a plan after change `since` (for a project page: in that project, and
    the plan's status), and who else has what open; NotFound when there is no such plan
    (or `user` may not read it).

    `user` is the one asking: a poll keeps their presence alive and names the project page
    they have open (`project_id`).
    """
    now = now or datetime.datetime.now()
    condition = (Change.plan == Plan.id) & (Change.id > since)
    if project_id is not None:
        status = (Change.entity == "plan") & (Change.field == "status")
        condition &= (Change.project == project_id) | status
    rows = list(
        Plan.select(
            Plan.id,
            Plan.status,
            Plan.department,
            Change.id,
            Change.user,
            Change.at,
            Change.entity,
            Change.record_id,
            Change.field,
        )
        .join(Department, on=Plan.department == Department.id)
        .switch(Plan)
        .join(Change, JOIN.LEFT_OUTER, on=condition)
        .where((Department.code == department_code) & (Plan.year == year) & Plan.not_deleted())
        .order_by(Change.id)
        .limit(LIMIT + 1)
        .tuples()
    )
    if not rows:
        raise NotFound(f"plan {department_code} {year}")
    plan_id, status, department_id = rows[0][:3]
    scope.check(user, department_id, f"plan {department_code} {year}")
    changes = [row[3:] for row in rows if row[3] is not None]
    if len(changes) > LIMIT:  # too far behind: read the rows afresh rather than cell by cell
        last = Change.select(fn.MAX(Change.id)).where(Change.plan == plan_id).scalar()
        return Since(last, status, [], True, _presence(plan_id, user, project_id, now))
    cells, rows_changed = _sorted(changes, project_id)
    last = max([since, *(change[0] for change in changes)])
    return Since(last, status, cells, rows_changed, _presence(plan_id, user, project_id, now))


def _sorted(changes, project_id):
    """The changes as the cells they touched, and whether the page's rows changed."""
    cells, rows_changed = {}, False
    for change_id, user, at, entity, record_id, name in changes:
        group = group_of(entity, name) if name else None
        if group is not None:
            key = (entity, record_id, group)
            found = cells.get(key)
            if found is None:
                found = cells[key] = CellChange(entity, record_id, group, None)
            found.last = LastChange(change_id, user, at)
            label = FIELDS[entity][name].label
            if label not in found.labels:
                found.labels.append(label)
        elif entity == "plan" and name == "status":
            rows_changed = True  # submitted, returned, approved: what may be edited changed
        elif entity == "project" or (entity == "indicator" and project_id is not None):
            # A row created, deleted, restored or moved: the plan page lists projects, a
            # project page its indicator rows.
            rows_changed = True
        if entity == "project" and project_id is None and name in LISTED:
            rows_changed = True  # the plan page lists these in a plain table, not as cells
    return sorted(cells.values(), key=lambda cell: cell.last.id), rows_changed


def _presence(plan_id, user, project_id, now):
    """Who else has what open in the plan, [(DOM id, username)]; keeps `user`'s own alive."""
    rows = list(Presence.select().where(Presence.plan == plan_id))
    mine = next((row for row in rows if row.user == user.username), None)
    _keep_alive(plan_id, user, project_id, mine, now)
    shown = []
    for row in rows:
        if row.user == user.username or now - row.seen_at > WINDOW:
            continue
        if row.project_id is not None:
            shown.append((f"project-{row.project_id}", row.user))
        if row.cell:
            shown.append((row.cell, row.user))
    return shown


def _keep_alive(plan_id, user, project_id, mine, now):
    """A poll says its user is still on the page: their row is written again when older than
    `REFRESH`. A fresh row for another project is left alone (two tabs on two projects would
    otherwise take turns writing at every poll), and the plan page keeps only a row of its own."""
    if mine is not None and now - mine.seen_at <= REFRESH:
        return
    if project_id is not None and not _live_project_of(plan_id, project_id):
        project_id = None  # a poll naming a project of another plan: no place in this one
    if project_id is None and (mine is None or mine.project_id is not None):
        return  # the plan page with no editor open: nothing to show anyone
    same_page = mine is not None and mine.project_id == project_id
    try:
        with database.atomic():
            _upsert(plan_id, user.username, mine.cell if same_page else "", project_id, now)
    except DatabaseError as error:
        if not cannot_write(error):
            raise
        log.warning("presence not written: %s", error)


def set_presence(department_code, year, user, cell="", project_id=None):
    """Record what `user` has open in a plan: a cell's editor (its DOM id, or '' when it
    closed) on a project page (`project_id`) or the plan page (None); with neither, the user
    left. NotACell for a cell that is no cell's id, NotFound for a project not in the plan."""
    if cell and not CELL_ID.fullmatch(cell):
        raise NotACell(cell)
    plan = Plan.find(department_code, year)
    if plan is None:
        raise NotFound(f"plan {department_code} {year}")
    scope.check(user, plan.department_id, f"plan {department_code} {year}")
    if project_id is not None and not _live_project_of(plan.id, project_id):
        raise NotFound(f"project {project_id} of plan {plan.id}")
    with database.atomic():
        if not cell and project_id is None:
            Presence.delete().where(
                (Presence.plan == plan) & (Presence.user == user.username)
            ).execute()
        else:
            _upsert(plan.id, user.username, cell, project_id, datetime.datetime.now())


def _live_project_of(plan_id, project_id):
    """Whether `project_id` is a live project of the plan."""
    return (
        Project.select(Project.id)
        .where((Project.id == project_id) & (Project.plan == plan_id) & Project.not_deleted())
        .exists()
    )


def _upsert(plan_id, username, cell, project_id, now):
    """One user's row of a plan written whether it exists or not (INSERT … ON CONFLICT, which
    SQLite and PostgreSQL both speak)."""
    values = {"cell": cell, "project_id": project_id, "seen_at": now}
    Presence.insert(plan=plan_id, user=username, **values).on_conflict(
        conflict_target=[Presence.plan, Presence.user],
        update={getattr(Presence, name): value for name, value in values.items()},
    ).execute()
