"""Where a plan's stored content stands, so that what was computed from it (a project's findings,
last year's targets) is reused by the reads that follow until it changes.

Every write to a plan is recorded in its history in the write's own transaction (DESIGN §6;
app/services/history.py), so the plan's changes, counted and with the largest id, are a version
of it that every server process reads alike. The count is there for PostgreSQL: ids are handed
out before commit, so a change with a smaller id can commit after one with a larger id and leave
the largest id as it was; the count still moves (history rows are never deleted).

`Memo` keeps one computed value per key with the version it was computed at, in this process,
bounded, apart for each database the process has opened (the tests open one per test). A reader
reads the version before the data it computes from, so what it stores under a version is never
older than that version.
"""

import threading
import weakref
from collections import OrderedDict

from peewee import fn

from app.db import database
from app.models import Change, Plan
from app.services.prepared import ID, ID2, ID3, Prepared

NONE = (0, 0)  # the version of a plan without changes, or of one that does not exist


def plan_versions(plan):
    """(the plan's version, the version of its department's plan of the year before), each as
    (how many changes, largest change id), in one query."""
    rows = _VERSIONS.rows(plan.department_id, plan.year - 1, plan.year)
    found = {year: (count, last) for year, count, last in rows}
    return found.get(plan.year, NONE), found.get(plan.year - 1, NONE)


def _versions_query(department_id, last_year, year):
    return (
        Change.select(Plan.year, fn.COUNT(Change.id), fn.MAX(Change.id))
        .join(Plan)
        .where((Plan.department == department_id) & Plan.year.in_([last_year, year]))
        .group_by(Plan.year)
        .tuples()
    )


_VERSIONS = Prepared(_versions_query, ID, ID2, ID3)  # every cell read asks: compiled once


class Memo:
    """At most `size` values per database, one per key, each with the version it was computed
    at; the least recently used goes first. Safe to share between the threads of a process."""

    def __init__(self, size):
        self.size, self.lock = size, threading.Lock()
        self.databases = weakref.WeakKeyDictionary()  # the database → its OrderedDict

    def _entries(self):
        return self.databases.setdefault(database.obj, OrderedDict())

    def get(self, key, version, default=None):
        """The value stored for `key` at `version`, else `default`."""
        with self.lock:
            entries = self._entries()
            entry = entries.get(key)
            if entry is None or entry[0] != version:
                return default
            entries.move_to_end(key)
            return entry[1]

    def put(self, key, version, value):
        with self.lock:
            entries = self._entries()
            entries[key] = (version, value)
            entries.move_to_end(key)
            while len(entries) > self.size:
                entries.popitem(last=False)


def row_state(*records):
    """What records hold as loaded, for a version key: a value computed from records read before
    the version was (a cell's project, loaded first) is reused only with the same rows."""
    return tuple(tuple(sorted(record.__data__.items())) for record in records)
