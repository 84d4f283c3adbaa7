"""The log of refused reads: a plan's page or fragment asked for by someone whose reading scope
does not hold it (app/services/scope.py), answered 404 like a plan that does not exist. Kept
beside the login log (`LoginEvent`) so that an administrator sees who tried to open what: the
user, their address, the method and the address asked for, when; never what the page holds.
The server's log (`jixiao.access`) has each line too.
"""

import datetime
import logging

from app.db import database
from app.models import RefusedRead
from app.services.errors import DatabaseError

log = logging.getLogger("jixiao.access")

KEEP = 10_000  # rows: the newest are kept, so that a script probing addresses cannot fill the disk
URL_LENGTH = 500


def record(username, address, method, url):
    """Log one refused read. A database that cannot be written now does not turn the 404 into
    an error: the refusal stands, in the server's log only."""
    # %r: an address may hold a decoded newline, which would forge a line of the log.
    log.warning("refused read: %s from %s: %s %r", username, address, method, url[:URL_LENGTH])
    try:
        with database.atomic():
            row = RefusedRead.create(
                at=datetime.datetime.now(),
                username=username[:50],
                address=address[:50],
                method=method[:10],
                url=url[:URL_LENGTH],
            )
            if row.id % 100 == 0:  # now and then, not on every refusal
                _prune(row.id)
    except DatabaseError:
        pass


def _prune(newest_id):
    RefusedRead.delete().where(RefusedRead.id <= newest_id - KEEP).execute()


def recent(limit=100):
    """The newest refused reads, newest first."""
    return list(RefusedRead.select().order_by(RefusedRead.id.desc()).limit(limit))
