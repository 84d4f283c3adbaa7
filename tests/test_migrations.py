"""The schema the migrations build is the schema the models describe."""

from decimal import Decimal as D

from peewee import SqliteDatabase
from playhouse.migrations import Runner

from app.db import MIGRATIONS, connect_database, migrate
from app.models import MODELS, Change, Comment, Project
from app.services.setup import read_unread_targets

ALL = sorted(path.stem for path in MIGRATIONS.glob("[0-9]*.py"))


def _schema(db):
    """Tables → columns (name, type, null, pk), indexes (columns, unique) and foreign keys."""
    schema = {}
    for table in sorted(db.get_tables()):
        if table == "schema_migration":
            continue
        columns = sorted(
            (c.name, c.data_type.upper(), c.null, c.primary_key) for c in db.get_columns(table)
        )
        indexes = sorted((tuple(i.columns), i.unique) for i in db.get_indexes(table))
        keys = sorted((k.column, k.dest_table, k.dest_column) for k in db.get_foreign_keys(table))
        schema[table] = (columns, indexes, keys)
    return schema


def test_migrated_schema_equals_the_models(tmp_path):
    migrated = connect_database(f"sqlite:///{tmp_path}/migrated.sqlite3", str(tmp_path))
    assert migrate() == ALL
    assert migrate() == []  # a second run has nothing to do

    fresh = SqliteDatabase(str(tmp_path / "fresh.sqlite3"))
    with fresh.bind_ctx(MODELS):
        fresh.create_tables(MODELS)
    assert _schema(migrated) == _schema(fresh)
    assert set(_schema(fresh)) == {model._meta.table_name for model in MODELS}


def test_upgrading_keeps_the_data_of_the_first_schema(tmp_path):
    """Rows written under 0001 come through every later migration, readable by today's models."""
    db = connect_database(f"sqlite:///{tmp_path}/old.sqlite3", str(tmp_path))
    Runner(db, directory=str(MIGRATIONS)).up("0001_initial")
    for sql in (
        "INSERT INTO department (id, code, name) VALUES (1, '405002', '唐山市科学技术协会')",
        "INSERT INTO plan (id, department_id, year, layout, overall_goal, safeguards,"
        " unmatched_summaries) VALUES (1, 1, 2021, 'classic', '目标', '1. 措施', '')",
        "INSERT INTO category (id, layout, parent_id, name, position, plan_id)"
        " VALUES (1, 'classic', NULL, '产出指标', 0, NULL), (2, 'classic', 1, '数量指标', 1, NULL)",
        "INSERT INTO project (id, plan_id, code, name, funds_use, budget, plan_q4, goal, summary,"
        " position) VALUES (1, 1, '405002B21DX0003', '科普专项', '', 100, 100, '', '', 0)",
        "INSERT INTO indicator (id, project_id, category_id, name, description, target, basis,"
        " position) VALUES (1, 1, 2, '活动次数', '', '4次', '计划标准', 0)",
    ):
        db.execute_sql(sql)
    assert migrate() == ALL[1:]
    project = Project.get_by_id(1)
    assert (project.name, project.budget, project.deleted_at) == ("科普专项", 100, None)
    assert project.continuing is False  # 0010: entered for its year, not carried over
    assert [i.target for i in project.ordered_indicators()] == ["4次"]
    # 0012: what the target says, read with its plan's year by init-db
    assert [i.target_parts for i in project.ordered_indicators()] == [""]
    assert read_unread_targets() == 1 and read_unread_targets() == 0
    assert [i.target_parts for i in project.ordered_indicators()] == ['[["=","4","次",null]]']


def _a_plan_under_0004(tmp_path):
    """A database migrated up to 0004, holding one department and its plan."""
    db = connect_database(f"sqlite:///{tmp_path}/0004.sqlite3", str(tmp_path))
    Runner(db, directory=str(MIGRATIONS)).up("0004_comments")
    db.execute_sql("INSERT INTO department (id, code, name) VALUES (1, '405002', '科协')")
    db.execute_sql(
        "INSERT INTO plan (id, department_id, year, layout, overall_goal, safeguards,"
        " unmatched_summaries, status, status_reason) VALUES (1, 1, 2021, 'classic', '', '', '',"
        " 'draft', '')"
    )
    return db


def test_money_kept_as_floats_becomes_exact(tmp_path):
    """0005: the DECIMAL columns SQLite kept as floats become integer 分 and basis points,
    each value what the pages showed before."""
    db = _a_plan_under_0004(tmp_path)
    rows = [
        (1, 1044.94, 1044.94, 0, 0, 40, 80, 100),
        (2, 33.335, None, 0.0035, 12.5, 33.33, 66.67, 100),
        (3, None, None, None, None, None, None, None),
    ]
    for row in rows:
        db.execute_sql(
            "INSERT INTO project (id, plan_id, code, name, funds_use, budget, fiscal_funds,"
            " other_funds, plan_q1, plan_q2, plan_q3, plan_q4, goal, summary, position)"
            " VALUES (?, 1, '', '', '', ?, ?, ?, ?, ?, ?, ?, '', '', 0)",
            row,
        )
    assert db.execute_sql("SELECT typeof(budget) FROM project WHERE id = 1").fetchone() == ("real",)
    assert migrate() == ALL[4:]
    by_id = {project.id: project for project in Project.select()}
    assert (by_id[1].budget, by_id[1].plan_q2) == (D("1044.94"), D(40))
    assert (by_id[2].budget, by_id[2].other_funds, by_id[2].plan_q2) == (
        D("33.335"),
        D("0.0035"),
        D("33.33"),
    )
    assert by_id[3].budget is None and by_id[3].plan_q4 is None
    assert db.execute_sql("SELECT budget FROM project WHERE id = 2").fetchone() == (33335000,)


def test_a_float_no_column_can_hold_is_emptied_and_kept_in_the_history(tmp_path):
    db = _a_plan_under_0004(tmp_path)
    db.execute_sql(
        "INSERT INTO project (id, plan_id, code, name, funds_use, budget, plan_q1, goal, summary,"
        " position) VALUES (1, 1, '', '', '', 1e20, 9e999, '', '', 0)"
    )
    assert migrate() == ALL[4:]
    project = Project.get_by_id(1)
    assert project.budget is None and project.plan_q1 is None
    kept = {(c.field, c.old, c.new, c.user) for c in Change.select()}
    assert kept == {("budget", "1e+20", None, "数据库升级"), ("plan_q1", "inf", None, "数据库升级")}


def test_comments_get_their_plan_and_stay_on_their_project_and_row(tmp_path):
    """0011: a comment written before comments had places gets its project's plan, keeps its
    project and row, is on the whole of them (field '') and starts its own thread."""
    db = connect_database(f"sqlite:///{tmp_path}/0010.sqlite3", str(tmp_path))
    before = [name for name in ALL if name < "0011"]
    Runner(db, directory=str(MIGRATIONS)).up(before[-1])
    db.execute_sql("INSERT INTO department (id, code, name) VALUES (1, '405002', '科协')")
    for plan_id, year in ((1, 2021), (2, 2022)):
        db.execute_sql(
            "INSERT INTO plan (id, department_id, year, layout, overall_goal, safeguards,"
            " unmatched_summaries, status, status_reason, adjustment)"
            f" VALUES ({plan_id}, 1, {year}, 'classic', '', '', '', 'draft', '', '')"
        )
    for project_id, plan_id in ((1, 1), (2, 2)):
        db.execute_sql(
            "INSERT INTO project (id, plan_id, code, name, funds_use, goal, summary, position,"
            f" continuing) VALUES ({project_id}, {plan_id}, '', '项目{project_id}', '', '', '', 0,"
            " 0)"
        )
    db.execute_sql(
        "INSERT INTO comment (id, project_id, indicator_id, user, text, at, resolved_by)"
        " VALUES (1, 1, NULL, 'reviewer', '整个项目', '2021-03-01 10:00:00', ''),"
        " (2, 2, 7, 'reviewer', '这一行', '2021-03-02 10:00:00', '')"
    )
    assert migrate() == ALL[len(before) :]
    kept = {(c.id, c.plan_id, c.project_id, c.indicator_id, c.field, c.parent_id, c.text)
            for c in Comment.select()}  # fmt: skip
    assert kept == {(1, 1, 1, None, "", None, "整个项目"), (2, 2, 2, 7, "", None, "这一行")}


def test_each_change_recorded_before_undo_steps_is_a_step_of_its_own(tmp_path):
    """0013: a change recorded before steps existed is one action, undone alone."""
    db = _a_plan_under_0004(tmp_path)
    for record_id in (7, 8):
        db.execute_sql(
            "INSERT INTO change (at, user, plan_id, entity, record_id, field, action, old, new)"
            " VALUES ('2026-12-01 10:00:00', 'editor', 1, 'plan', ?, 'overall_goal', 'edit',"
            " 'a', 'b')",
            (record_id,),
        )
    migrate()
    assert [(c.record_id, c.step == c.id, c.undoes) for c in Change.select()] == [
        (7, True, None),
        (8, True, None),
    ]
