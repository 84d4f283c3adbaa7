"""The Peewee database: chosen by DATABASE_URL, tuned for one office server, migrated in place.

Models bind to `database`, a proxy that `connect_database` points at SQLite (the default) or
PostgreSQL. SQLite runs in WAL mode with foreign keys on and a busy timeout, and every
transaction begins IMMEDIATE so that two writers queue instead of one failing at once with
"database is locked". Connections stay open, one per worker thread: closing the last connection
to a WAL database checkpoints it, which made a one-row save several times slower.
"""

import os
from pathlib import Path

from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import parse
from playhouse.migrations import Runner

database = DatabaseProxy()

MIGRATIONS = Path(__file__).parent / "migrations"

SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("synchronous", "normal"),
    ("cache_size", -16 * 1024),  # 16 MiB
)


class UnsupportedDatabase(ValueError):
    """DATABASE_URL names a database this site cannot use."""


def make_database(url, base_dir):
    """A Peewee database for a URL; a relative SQLite path is taken from `base_dir`."""
    scheme = url.split(":", 1)[0].lower()
    if scheme == "sqlite":
        path = parse(url)["database"]
        if path != ":memory:":
            path = os.path.join(base_dir, path)
            os.makedirs(os.path.dirname(path), exist_ok=True)
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=10)
    if scheme in ("postgres", "postgresql"):
        return PostgresqlDatabase(**parse(url))
    raise UnsupportedDatabase(
        f"DATABASE_URL 只支持 sqlite:/// 或 postgresql://，收到的是 {scheme}:"
    )


def connect_database(url, base_dir):
    """Point the models at the database of `url` and return it."""
    db = make_database(url, base_dir)
    database.initialize(db)
    return db


def migrate():
    """Apply every pending migration of app/migrations; returns the names applied."""
    return Runner(database.obj, directory=str(MIGRATIONS)).up()


# What SQLite and PostgreSQL say when they cannot write now, as opposed to a bug: a full disk,
# a read-only file or server. PostgreSQL's codes: 53xxx insufficient resources (53100 disk
# full), 25006 read-only transaction.
_UNWRITABLE_WORDS = (
    "database or disk is full",
    "readonly database",
    "read-only",
    "disk i/o error",
    "no space left on device",
    "unable to open database file",
    "could not extend file",
)


def cannot_write(error):
    """Whether a database error means the database cannot be written now (disk full, read-only)."""
    original = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
    code = getattr(original, "pgcode", None) or ""
    if code.startswith("53") or code == "25006":
        return True
    text = str(original).lower()
    return any(words in text for words in _UNWRITABLE_WORDS)
