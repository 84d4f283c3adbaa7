"""What a service refuses, whoever called it: a record that is not there, an act not allowed,
a database that cannot be written now.

The web layer answers these as 404, 403 and 503 (app/web/errors.py). NotFound and Forbidden are
plain exceptions, not LookupError or PermissionError (an OSError), so that no `except` meant for
a file or a dict swallows a refusal.
"""

# Any error of the database, for the web layer to answer; `cannot_write(error)` tells a full disk
# or a read-only database (503: try again later) from a bug (500).
from peewee import DatabaseError  # noqa: F401

from app.db import cannot_write  # noqa: F401


class NotFound(Exception):
    """The record does not exist, or was deleted."""


class OutOfScope(NotFound):
    """The record is in a plan the user may not read (app/services/scope.py): answered exactly as
    one that does not exist, so that a department's plans are not revealed, and logged."""


class Forbidden(Exception):
    """The user may not do this to this record (app/domain/permissions.py decides)."""
