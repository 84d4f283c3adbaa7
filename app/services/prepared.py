"""Selects that every request runs (its session, a cell's record), compiled to SQL once.

Peewee builds a query's SQL afresh each time it runs it, and for a select of four joined tables
that costs more than running it: 0.9 of the 1.1 ms a cell's record took on SQLite. A `Prepared`
select is built once with stand-in values (`Marker`s), compiled once per kind of database (the
SQL and its placeholders differ between SQLite and PostgreSQL), then run with the call's values
in the markers' places; its rows are made into models, joined models included, by the query it
was compiled from, as Peewee does.
"""

import threading

from app.db import database


class Marker:
    """A stand-in for a call's value, as the field compares it: an int or a str that no real
    value of this site is."""

    def __init__(self, value):
        self.value = value


ID, ID2, ID3 = (Marker(-7_340_123_456_789 - n) for n in range(3))
TEXT = Marker("\x00prepared\x00")


class Prepared:
    """A select built by `build(*markers)`, compiled once per kind of database, run with values
    in the markers' places."""

    def __init__(self, build, *markers):
        self.build, self.markers = build, markers
        self.compiled, self.lock = {}, threading.Lock()

    def _compile(self):
        db = database.obj
        kind = (type(db), bool(db.for_update))
        found = self.compiled.get(kind)
        if found is None:
            query = self.build(*(m.value for m in self.markers))
            sql, params = db.get_sql_context().sql(query).query()
            slots = [[i for i, p in enumerate(params) if p == m.value] for m in self.markers]
            if any(len(s) != 1 for s in slots):  # a marker's value met twice, or not at all
                raise ValueError(f"cannot prepare {sql}")
            found = (query, sql, params, [s[0] for s in slots])
            with self.lock:
                self.compiled[kind] = found
        return found

    def rows(self, *values):
        """Every row, as the query makes them (models, tuples)."""
        query, sql, params, slots = self._compile()
        params = list(params)
        for slot, value in zip(slots, values, strict=True):
            params[slot] = value
        return list(query._get_cursor_wrapper(database.execute_sql(sql, params)).iterator())

    def first(self, *values):
        """The first row as the query's models, or None (build the query with a LIMIT 1: every
        row is read, so that the statement ends)."""
        found = self.rows(*values)
        return found[0] if found else None
