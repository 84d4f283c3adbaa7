"""The schema the migrations build is the schema the models describe."""

from peewee import SqliteDatabase

from app.db import connect_database, migrate
from app.models import MODELS


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
    assert migrate() == ["0001_initial"]
    assert migrate() == []  # a second run has nothing to do

    fresh = SqliteDatabase(str(tmp_path / "fresh.sqlite3"))
    with fresh.bind_ctx(MODELS):
        fresh.create_tables(MODELS)
    assert _schema(migrated) == _schema(fresh)
    assert set(_schema(fresh)) == {model._meta.table_name for model in MODELS}
