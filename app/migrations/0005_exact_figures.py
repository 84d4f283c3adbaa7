"""Money and percentages kept exactly: integer 分 (万元 × 10⁶) and integer basis points (% × 10²).

SQLite kept the DECIMAL columns as floats. Each value is converted from the shortest text that
reads back as the stored float (what the site showed), so nothing a page ever displayed changes;
PostgreSQL's NUMERIC values convert exactly. A value no column can hold (infinity, or more
digits than 万元 or % can have: old imports did not check) is emptied, and what it was is
filed in the plan's history, so nothing goes without a trace.
"""

import datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from peewee import BigIntegerField

# column → (decimals kept, integer digits allowed): app/domain/numbers.py's limits
COLUMNS = {
    "budget": (6, 12),
    "fiscal_funds": (6, 12),
    "other_funds": (6, 12),
    "plan_q1": (2, 5),
    "plan_q2": (2, 5),
    "plan_q3": (2, 5),
    "plan_q4": (2, 5),
}


def up(migrator, db):
    migrator.migrate(
        *(
            migrator.add_column("project", f"{name}_exact", BigIntegerField(null=True))
            for name in COLUMNS
        )
    )
    names = list(COLUMNS)
    rows = db.execute_sql(f"SELECT id, plan_id, {', '.join(names)} FROM project").fetchall()
    assignments = ", ".join(f"{name}_exact = {db.param}" for name in names)
    for row_id, plan_id, *values in rows:
        exact = []
        for name, value in zip(names, values, strict=True):
            scaled = _scaled(value, *COLUMNS[name])
            if value is not None and scaled is None:
                _file_emptied(db, plan_id, row_id, name, value)
            exact.append(scaled)
        db.execute_sql(f"UPDATE project SET {assignments} WHERE id = {db.param}", (*exact, row_id))
    migrator.migrate(*(migrator.drop_column("project", name) for name in names))
    migrator.migrate(*(migrator.rename_column("project", f"{name}_exact", name) for name in names))


def _scaled(value, places, digits):
    """The value as an integer of 10^-places units; None when there is none or it cannot be."""
    if value is None:
        return None
    try:
        exact = value if isinstance(value, Decimal) else Decimal(str(value))
        if not exact.is_finite() or abs(exact) >= Decimal(10) ** digits:
            return None
        return int(exact.scaleb(places).to_integral_value(ROUND_HALF_EVEN))
    except (InvalidOperation, ValueError):
        return None


def _file_emptied(db, plan_id, project_id, name, value):
    columns = 'at, "user", plan_id, project_id, entity, record_id, field, action, old, new'
    params = ", ".join([db.param] * 10)
    db.execute_sql(
        f"INSERT INTO change ({columns}) VALUES ({params})",
        (datetime.datetime.now(), "数据库升级", plan_id, project_id, "project", project_id,
         name, "edit", str(value), None),
    )  # fmt: skip
