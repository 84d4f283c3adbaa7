"""What a service refuses, whoever called it: a record that is not there, an act not allowed.

The web layer answers these as 404 and 403 (app/web/errors.py). Plain exceptions, not
LookupError or PermissionError (an OSError), so that no `except` meant for a file or a dict
swallows a refusal.
"""


class NotFound(Exception):
    """The record does not exist, or was deleted."""


class Forbidden(Exception):
    """The user may not do this to this record (app/domain/permissions.py decides)."""
