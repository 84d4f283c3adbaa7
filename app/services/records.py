"""The editable records by entity name (plan, project, indicator), each with the plan it is in,
and the guard every write passes inside its transaction.

A cell, a history entry and a row operation name their record as (entity, id). `load` reads a
live record together with its project and plan in one query, so a permission check and the
history's filing (`scope`) need no more.

A page is read before its save is sent, and a plan's status can change in between (a colleague
submits it). So every write re-reads what it depends on inside its own write transaction and
asks app/domain/permissions.py there: `load_for_edit` for a record, `editable_plan` for a plan.
On SQLite the transaction (BEGIN IMMEDIATE) keeps every other writer out until it ends; on
PostgreSQL the plan's row is locked FOR SHARE, which a status change (FOR UPDATE) waits for.
"""

from app.db import database
from app.domain.permissions import can_edit
from app.models import Indicator, Plan, Project
from app.services.errors import Forbidden, NotFound

MODELS = {"plan": Plan, "project": Project, "indicator": Indicator}


def model_of(entity):
    """The model of an entity name, or NotFound."""
    model = MODELS.get(entity)
    if model is None:
        raise NotFound(entity)
    return model


def load(entity, record_id, for_update=False):
    """The live record of an entity by id, with its project and plan joined in; or NotFound.

    An indicator of a deleted project is gone with it. `for_update` locks the record inside a
    transaction (PostgreSQL's FOR UPDATE; SQLite's BEGIN IMMEDIATE already holds the lock).
    """
    model = model_of(entity)
    if entity == "indicator":
        query = (
            Indicator.select(Indicator, Project, Plan)
            .join(Project)
            .join(Plan)
            .where(Indicator.not_deleted() & Project.not_deleted())
        )
    elif entity == "project":
        query = Project.select(Project, Plan).join(Plan).where(Project.not_deleted())
    else:
        query = Plan.select()
    if for_update and database.obj.for_update:
        # The record only: locking the joined project and plan too would make every save of a
        # plan wait for the others, and block inserts that point at them (history, comments).
        query = query.for_update(of=model)
    record = query.where(model.id == record_id).first()
    if record is None:
        raise NotFound(f"{entity} {record_id}")
    return record


def lock_plan(plan_id, exclusive=False):
    """A plan read afresh inside a write transaction and held until it ends against a concurrent
    status change (`exclusive`: for the status change itself); or NotFound."""
    query = Plan.select().where(Plan.id == plan_id)
    if database.obj.for_update:
        query = query.for_update(True if exclusive else "FOR SHARE")
    plan = query.first()
    if plan is None:
        raise NotFound(f"plan {plan_id}")
    return plan


def editable_plan(user, plan_id):
    """Inside a write transaction: the plan, locked (`lock_plan`), or Forbidden unless `user` may
    edit it now."""
    plan = lock_plan(plan_id)
    if not can_edit(user, plan):
        raise Forbidden(f"plan {plan_id}")
    return plan


def load_for_edit(user, entity, record_id):
    """Inside a write transaction: a live record locked for update, with its project and plan,
    or NotFound; Forbidden unless `user` may edit its plan now."""
    record = load(entity, record_id, for_update=True)
    plan = plan_of(entity, record)
    if database.obj.for_update and entity != "plan":
        plan = lock_plan(plan.id)  # the record's lock does not hold its plan's status
    if not can_edit(user, plan):
        raise Forbidden(f"{entity} {record_id}")
    return record


def find(entity, record_id):
    """A record by id, deleted or not (a history names deleted rows too); or NotFound."""
    model = model_of(entity)
    record = model.get_or_none(model.id == record_id)
    if record is None:
        raise NotFound(f"{entity} {record_id}")
    return record


def plan_of(entity, record):
    """The plan a record is in (no query for a record from `load`)."""
    if entity == "plan":
        return record
    if entity == "project":
        return record.plan
    return record.project.plan


def scope(entity, record):
    """(plan id, project id or None) that a record's changes are filed under."""
    if entity == "plan":
        return record.id, None
    if entity == "project":
        return record.plan_id, record.id
    return record.project.plan_id, record.project_id
