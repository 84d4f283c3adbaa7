"""What a service refuses, whoever called it: a record that is not there, an act not allowed.

The web layer answers these as 404 and 403 (app/web/errors.py); the CLI says them in Chinese.
"""


class NotFound(LookupError):
    """The record does not exist, or was deleted."""


class Forbidden(PermissionError):
    """The user may not do this to this record (app/domain/permissions.py decides)."""
