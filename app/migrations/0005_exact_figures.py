"""Money and percentages kept exactly: integer 分 (万元 × 10⁶) and integer basis points (% × 10²).

SQLite kept the DECIMAL columns as floats. Each value is converted from the shortest text that
reads back as the stored float (what the site showed), so nothing a page ever displayed changes;
PostgreSQL's NUMERIC values convert exactly.
"""

from decimal import ROUND_HALF_EVEN, Decimal

from peewee import BigIntegerField

# column → decimals kept
COLUMNS = {
    "budget": 6,
    "fiscal_funds": 6,
    "other_funds": 6,
    "plan_q1": 2,
    "plan_q2": 2,
    "plan_q3": 2,
    "plan_q4": 2,
}


def up(migrator, db):
    migrator.migrate(
        *(
            migrator.add_column("project", f"{name}_exact", BigIntegerField(null=True))
            for name in COLUMNS
        )
    )
    names = list(COLUMNS)
    rows = db.execute_sql(f"SELECT id, {', '.join(names)} FROM project").fetchall()
    assignments = ", ".join(f"{name}_exact = {db.param}" for name in names)
    for row_id, *values in rows:
        exact = [_scaled(value, COLUMNS[name]) for name, value in zip(names, values, strict=True)]
        db.execute_sql(f"UPDATE project SET {assignments} WHERE id = {db.param}", (*exact, row_id))
    migrator.migrate(*(migrator.drop_column("project", name) for name in names))
    migrator.migrate(*(migrator.rename_column("project", f"{name}_exact", name) for name in names))


def _scaled(value, places):
    if value is None:
        return None
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return int(exact.scaleb(places).to_integral_value(ROUND_HALF_EVEN))
