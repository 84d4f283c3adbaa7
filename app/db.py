"""The Peewee database: chosen by DATABASE_URL, tuned for one office server, migrated in place.

Models bind to `database`, a proxy that `connect_database` points at SQLite (the default) or
PostgreSQL. SQLite runs in WAL mode with foreign keys on and a busy timeout, and every
transaction begins IMMEDIATE so that two writers queue instead of one failing at once with
"database is locked". Connections stay open, one per worker thread: closing the last connection
to a WAL database checkpoints it, which made a one-row save several times slower.

SQLite lets one writer in at a time, and one that finds the file taken waits in SQLite's busy
handler, which sleeps (1, 2, 5… up to 100 ms) and tries again: with eight people saving at once
the unlucky ones slept through most of a second while the file was free. So the writers of this
process wait for each other in Python instead, on a `WriteQueue`, in the order they came, each
woken the moment the one before it ends; SQLite's busy timeout is left for other processes (a
backup from the command line, a second server). PostgreSQL locks rows and needs no queue.
"""

import os
import threading
from collections import deque
from pathlib import Path

from peewee import DatabaseProxy, OperationalError, PostgresqlDatabase, SqliteDatabase
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


# Seconds a writer waits for the file (on the queue, then in SQLite's busy handler for another
# process) before it gives up with "database is locked".
BUSY_TIMEOUT = 10

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class WriteQueue:
    """One writer at a time, in the order they asked: a first-come, first-served lock.

    Each waiter sleeps on a lock of its own, which the writer before it opens as it leaves, so a
    release wakes exactly the next writer and no later one overtakes it. It knows its holder by
    thread: the same thread asking again is not made to wait for itself.
    """

    def __init__(self):
        self._guard = threading.Lock()
        self._holder = None  # the thread id of the writer in, or None
        self._waiting = deque()  # (thread id, its turn: a lock held until the turn comes)

    def held(self):
        """Whether the calling thread is the writer in."""
        return self._holder == threading.get_ident()

    def busy(self):
        """Whether any writer is in."""
        return self._holder is not None

    def waiting(self):
        """How many writers wait for their turn."""
        return len(self._waiting)

    def acquire(self, timeout=BUSY_TIMEOUT):
        """Wait for this thread's turn; OperationalError("database is locked") after `timeout`
        seconds, as SQLite itself would say."""
        me = threading.get_ident()
        with self._guard:
            if self._holder is None and not self._waiting:
                self._holder = me
                return
            turn = threading.Lock()
            turn.acquire()
            entry = (me, turn)
            self._waiting.append(entry)
        if turn.acquire(timeout=timeout):
            return  # handed over by `release`, which made this thread the holder
        with self._guard:
            if self._holder == me:  # handed over just as the wait ran out: take it after all
                return
            self._waiting.remove(entry)
        raise OperationalError("database is locked")

    def release(self):
        """Let the next writer in (the calling thread must be the writer in)."""
        with self._guard:
            if self._waiting:
                self._holder, turn = self._waiting.popleft()
                turn.release()
            else:
                self._holder = None


class QueuedSqliteDatabase(SqliteDatabase):
    """SQLite whose writers queue in the process (`WriteQueue`) before BEGIN IMMEDIATE.

    Peewee begins only the outermost transaction (a nested `atomic()` is a savepoint inside it),
    so only that waits; the writer leaves the queue when SQLite says its transaction is over: on
    commit, on rollback, or when the connection closes. A write outside any transaction (a
    session's last-seen time) is a transaction of its own, and queues the same way.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.write_queue = WriteQueue()

    def begin(self, lock_type=None):
        if self.write_queue.held():  # SQLite itself says what is wrong with a nested BEGIN
            return super().begin(lock_type)
        self.write_queue.acquire(self._timeout)
        try:
            super().begin(lock_type)
        except BaseException:
            self.write_queue.release()
            raise

    def commit(self):
        try:
            super().commit()
        finally:
            self._leave_when_done()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._leave_when_done()

    def _close(self, conn):
        try:
            super()._close(conn)
        finally:
            if self.write_queue.held():
                self.write_queue.release()

    def _leave_when_done(self):
        """Leave the queue once the connection's transaction is over (a failed COMMIT leaves it
        open, for the rollback that follows)."""
        if self.write_queue.held() and (self.is_closed() or not self._state.conn.in_transaction):
            self.write_queue.release()

    def execute_sql(self, sql, params=None):
        if self.write_queue.held() or not sql.lstrip()[:7].upper().startswith(_WRITES):
            return super().execute_sql(sql, params)
        if not self.is_closed() and self._state.conn.in_transaction:
            return super().execute_sql(sql, params)  # a transaction begun by hand, unqueued
        self.write_queue.acquire(self._timeout)
        try:
            return super().execute_sql(sql, params)
        finally:
            self.write_queue.release()


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
        return QueuedSqliteDatabase(
            path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=BUSY_TIMEOUT
        )
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
