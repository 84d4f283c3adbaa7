"""The editable records by entity name (plan, project, indicator), each with the plan it is in.

A cell, a history entry and a row operation name their record as (entity, id). `load` reads a
live record together with its project and plan in one query, so a permission check and the
history's filing (`scope`) need no more.
"""

from app.db import database
from app.models import Indicator, Plan, Project
from app.services.errors import NotFound

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
