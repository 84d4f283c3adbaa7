"""The log of refused reads: a plan's page or fragment asked for by someone whose reading scope
does not hold it (app/services/scope.py), answered 404 like a plan that does not exist; and,
beside them, the addresses of plans, projects, comments… that do not exist, asked for by a
signed-in user. Logging both makes the two answers cost the same, so that the time a 404 takes
does not tell whether another department's plan exists; and a script guessing addresses shows
in the log whether it guesses right or wrong. Kept beside the login log (`LoginEvent`) so that
an administrator sees who tried to open what: the user, their address, the method and the
address asked for, when; never what the page holds. The server's log (`jixiao.access`) has
each line too.
"""

import datetime
import logging

from app.db import cannot_write, database
from app.models import RefusedRead
from app.services.errors import DatabaseError

log = logging.getLogger("jixiao.access")

KEEP = 10_000  # rows: the newest are kept, so that a script probing addresses cannot fill the disk
URL_LENGTH = 500


def record(username, address, method, url, out_of_scope=True):
    """Log one refused read (`out_of_scope` False: the address names nothing). A database that
    cannot be written now does not turn the 404 into an error: the refusal stands, in the
    server's log only."""
    what = "refused read" if out_of_scope else "not found"
    # %r: an address may hold a decoded newline, which would forge a line of the log.
    log.warning("%s: %s from %s: %s %r", what, username, address, method, url[:URL_LENGTH])
    try:
        with database.atomic():
            row = RefusedRead.create(
                at=datetime.datetime.now(),
                username=username[:50],
                address=address[:50],
                method=method[:10],
                url=url[:URL_LENGTH],
                out_of_scope=out_of_scope,
            )
            if row.id % 100 == 0:  # now and then, not on every refusal
                _prune(row.id)
    except DatabaseError as error:
        # Never a 500 in place of the 404: that would tell the plan is there.
        if not cannot_write(error):
            log.exception("the refused read above could not be logged")


def _prune(newest_id):
    RefusedRead.delete().where(RefusedRead.id <= newest_id - KEEP).execute()


def recent(limit=100):
    """The newest refused reads, newest first."""
    return list(RefusedRead.select().order_by(RefusedRead.id.desc()).limit(limit))
