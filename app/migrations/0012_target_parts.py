"""What each 指标值 says, stored beside it (app/domain/targets.py Target.parts): every existing
indicator read with its plan's year."""

from peewee import TextField

from app.domain.targets import parse


def up(migrator, db):
    migrator.migrate(migrator.add_column("indicator", "target_parts", TextField(default="")))
    rows = db.execute_sql(
        "SELECT indicator.id, indicator.target, plan.year FROM indicator"
        " JOIN project ON project.id = indicator.project_id"
        " JOIN plan ON plan.id = project.plan_id"
    ).fetchall()
    update = f"UPDATE indicator SET target_parts = {db.param} WHERE id = {db.param}"
    for indicator_id, target, year in rows:
        db.execute_sql(update, (parse(target or "", year).parts(), indicator_id))
