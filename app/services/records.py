"""The editable records by entity name (plan, project, indicator), each with the plan it is in,
and the guard every write passes inside its transaction.

A cell, a history entry and a row operation name their record as (entity, id). `load` reads a
live record together with its project, plan and department in one query, so a permission check,
the history's filing (`filed_under`) and the check of its project after a save need no more.

A page is read before its save is sent, and a plan's status can change in between (a colleague
submits it). So every write re-reads what it depends on inside its own write transaction and
asks app/domain/permissions.py there: `load_for_edit` for a record, `editable_plan` for a plan.
On SQLite the transaction (BEGIN IMMEDIATE) keeps every other writer out until it ends. On
PostgreSQL rows are locked, always in one order so that two writers never wait for each other:
the plan (FOR SHARE by a writer, which a status change or an import, FOR NO KEY UPDATE, waits
for), then the project, then the indicator. FOR NO KEY UPDATE rather than FOR UPDATE leaves the
inserts that merely point at a row (a history entry, a comment) free to go on.
"""

from app.db import database
from app.domain.permissions import can_edit
from app.models import Department, Indicator, Plan, Project
from app.services import scope
from app.services.errors import Forbidden, NotFound
from app.services.prepared import ID, Prepared

MODELS = {"plan": Plan, "project": Project, "indicator": Indicator}
_EXCLUSIVE, _SHARED = "FOR NO KEY UPDATE", "FOR SHARE"


def model_of(entity):
    """The model of an entity name, or NotFound."""
    model = MODELS.get(entity)
    if model is None:
        raise NotFound(entity)
    return model


def _locking(query, model, mode=_EXCLUSIVE):
    """`query` locking `model`'s row on PostgreSQL; unchanged on SQLite (BEGIN IMMEDIATE)."""
    return query.for_update(mode, of=model) if database.obj.for_update else query


def load(user, entity, record_id, for_update=False):
    """The live record of an entity by id, with its project and plan joined in; NotFound, or
    OutOfScope when `user` may not read its plan (app/services/scope.py).

    An indicator of a deleted project is gone with it, and everything of a deleted plan with
    the plan. `for_update` locks the record itself (call it after its plan's lock: see above).
    Every request of a cell reads one, so its SQL is compiled once (app/services/prepared.py).
    """
    model_of(entity)
    record = _LOADS[entity, bool(for_update)].first(record_id)
    if record is None:
        raise NotFound(f"{entity} {record_id}")
    scope.check(user, plan_of(entity, record).department_id, f"{entity} {record_id}")
    return record


def _load_query(entity, record_id, for_update):
    model = model_of(entity)
    if entity == "indicator":
        query = (
            Indicator.select(Indicator, Project, Plan, Department)
            .join(Project)
            .join(Plan)
            .join(Department)
            .where(Indicator.not_deleted() & Project.not_deleted() & Plan.not_deleted())
        )
    elif entity == "project":
        query = (
            Project.select(Project, Plan, Department)
            .join(Plan)
            .join(Department)
            .where(Project.not_deleted() & Plan.not_deleted())
        )
    else:
        query = Plan.select(Plan, Department).join(Department).where(Plan.not_deleted())
    if for_update:
        query = _locking(query, model)
    return query.where(model.id == record_id).limit(1)


_LOADS = {
    (entity, for_update): Prepared(lambda id_, e=entity, f=for_update: _load_query(e, id_, f), ID)
    for entity in MODELS
    for for_update in (False, True)
}


def lock_plan(plan_id, exclusive=False):
    """A plan read afresh inside a write transaction and held until it ends against a concurrent
    status change (`exclusive`: for a write of the plan's own row); or NotFound (deleted too)."""
    query = _locking(
        Plan.select().where((Plan.id == plan_id) & Plan.not_deleted()),
        Plan,
        _EXCLUSIVE if exclusive else _SHARED,
    )
    plan = query.first()
    if plan is None:
        raise NotFound(f"plan {plan_id}")
    return plan


def editable_plan(user, plan_id, exclusive=False):
    """Inside a write transaction: the plan, locked (`lock_plan`); OutOfScope when `user` may not
    read it, Forbidden unless they may edit it now."""
    plan = lock_plan(plan_id, exclusive)
    scope.check(user, plan.department_id, f"plan {plan_id}")
    if not can_edit(user, plan):
        raise Forbidden(f"plan {plan_id}")
    return plan


def load_for_edit(user, entity, record_id, with_project=False):
    """Inside a write transaction: a live record, locked after its plan (and, `with_project`,
    after its project too, for writes that renumber the project's rows), with its project and
    plan; NotFound, or Forbidden unless `user` may edit the plan now."""
    if not database.obj.for_update:  # SQLite: the transaction holds every other writer off
        record = load(user, entity, record_id)
        if not can_edit(user, plan_of(entity, record)):
            raise Forbidden(f"{entity} {record_id}")
        return record
    plan_id = plan_of(entity, load(user, entity, record_id)).id  # where it is, to lock in order
    editable_plan(user, plan_id, exclusive=entity == "plan")
    if with_project and entity == "indicator":
        project_id = load(user, entity, record_id).project_id
        _locking(Project.select(Project.id).where(Project.id == project_id), Project).first()
    record = load(user, entity, record_id, for_update=entity != "plan")
    if plan_of(entity, record).id != plan_id:  # moved meanwhile: not the record asked for
        raise NotFound(f"{entity} {record_id}")
    return record


def find(user, entity, record_id, for_update=False):
    """A record by id, deleted or not (a history names deleted rows too); NotFound, or
    OutOfScope when `user` may not read its plan."""
    model = model_of(entity)
    query = model.select().where(model.id == record_id)
    record = (_locking(query, model) if for_update else query).first()
    if record is None:
        raise NotFound(f"{entity} {record_id}")
    scope.check(user, plan_of(entity, record).department_id, f"{entity} {record_id}")
    return record


def plan_of(entity, record):
    """The plan a record is in (no query for a record from `load`)."""
    if entity == "plan":
        return record
    if entity == "project":
        return record.plan
    return record.project.plan


def filed_under(entity, record):
    """(plan id, project id or None) that a record's changes are filed under."""
    if entity == "plan":
        return record.id, None
    if entity == "project":
        return record.plan_id, record.id
    return record.project.plan_id, record.project_id
