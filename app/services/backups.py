"""Backups of the whole database and restoring one: taking, verifying, rotating, restoring.

On SQLite a backup is SQLite's online backup API from a connection of its own: it copies the
last committed state in one step, so the site keeps serving and a writer in the middle of a
transaction neither blocks it nor leaks into it. The copy is checked (`integrity_check`, and
that it holds this site's tables) before it is gzipped under a temporary name and renamed, so a
failed backup leaves no file. On PostgreSQL it is `pg_dump -Fc`, and a restore is
`pg_restore --clean`; both are found on PATH.

A restore refuses whatever is not a backup of this site before touching anything, keeps the
current database aside in the backups folder, writes the backup into the database, then brings
its schema up to date (`setup.init_db`). On SQLite it refuses while any other connection has the
database open (the site running): it takes SQLite's exclusive lock and keeps it until done.

Names: `jixiao-YYYYmmdd-HHMMSS.sqlite3.gz` (or `.dump` from PostgreSQL) in
`instance/backups/`; only such files are rotated by `--keep` and shown on the admin page.
"""

import datetime
import gzip
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from peewee import PostgresqlDatabase

from app.db import MIGRATIONS, database
from app.models import MODELS, Change, Department, Plan, User
from app.services.setup import init_db

NAME = re.compile(r"^jixiao-(\d{8}-\d{6})(?:-(\d+))?\.(sqlite3\.gz|dump)$")
STAMP = "%Y%m%d-%H%M%S"
MIGRATION_TABLE = "schema_migration"
# The tables every version of the site has had (app/migrations/0001_initial.py): a backup
# without them is not one of this site's, whatever else it holds.
FIRST_TABLES = {"department", "plan", "category", "project", "indicator"}
GZIP_MAGIC = b"\x1f\x8b"
PG_DUMP_MAGIC = b"PGDMP"
LOCK_TIMEOUT = 2  # seconds a restore waits for the database to be free before refusing
STALE_AFTER = datetime.timedelta(days=1)


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, in Chinese."""


@dataclass
class Written:
    """A backup written: where, how large, how long it took, and older ones deleted."""

    path: Path
    size: int
    seconds: float
    deleted: list


@dataclass
class Restored:
    """What a restore did: the database kept aside, what is now there, migrations run."""

    aside: Path
    departments: int
    plans: int
    users: int
    newest_change: datetime.datetime | None
    migrated: list


@dataclass
class LastBackup:
    """The newest backup in the folder, for the admin page."""

    name: str
    at: datetime.datetime
    size: int

    def stale(self, now=None):
        return (now or datetime.datetime.now()) - self.at > STALE_AFTER


def folder_of(instance_path):
    """The backups folder of a site: `backups/` in its instance folder."""
    return Path(instance_path) / "backups"


def size_text(size):
    """A file size as people read it: 980 字节, 12.3 KB, 4.5 MB."""
    if size < 1024:
        return f"{size} 字节"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{size:.1f} {unit}"


def _backup_files(folder):
    """(sort key, path) of every file in `folder` named by this module, oldest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = NAME.match(path.name)
        if match and path.is_file():
            found.append(((match.group(1), int(match.group(2) or 0)), path))
    return sorted(found)


def last_backup(folder):
    """The most recently written backup of `folder`, or None when there is none."""
    files = [path for _, path in _backup_files(Path(folder))]
    if not files:
        return None
    newest = max(files, key=lambda path: (path.stat().st_mtime, path.name))
    stat = newest.stat()
    return LastBackup(newest.name, datetime.datetime.fromtimestamp(stat.st_mtime), stat.st_size)


def rotate(folder, keep):
    """Delete all but the newest `keep` backups of `folder`; returns the paths deleted."""
    if keep < 1:
        raise BackupError("--keep 至少为 1")
    files = [path for _, path in _backup_files(Path(folder))]
    old = files[:-keep]
    for path in old:
        path.unlink()
    return old


def _new_name(folder, suffix):
    """A name for a backup taken now that no file in `folder` has yet."""
    stamp = datetime.datetime.now().strftime(STAMP)
    path, n = folder / f"jixiao-{stamp}{suffix}", 0
    while path.exists():
        n += 1
        path = folder / f"jixiao-{stamp}-{n}{suffix}"
    return path


def backup(folder, output=None, keep=None):
    """Back up the database into `folder` (or to `output`), verified; rotate when `keep`."""
    db = database.obj
    pg = isinstance(db, PostgresqlDatabase)
    folder = Path(folder)
    started = time.monotonic()
    if output:
        target = Path(output)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        target = _new_name(folder, ".dump" if pg else ".sqlite3.gz")
    if not target.parent.is_dir():
        raise BackupError(f"目录 {target.parent} 不存在")
    part = target.with_name(f".{target.name}.part")
    try:
        if pg:
            _pg_dump(db, part)
            _check_pg_dump(part)
        else:
            _sqlite_backup(db, part)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    deleted = rotate(target.parent, keep) if keep is not None else []
    return Written(target, target.stat().st_size, time.monotonic() - started, deleted)


def _sqlite_path(db):
    if db.database == ":memory:":
        raise BackupError("内存数据库无法备份")
    return db.database


def _sqlite_backup(db, part):
    """The database copied by SQLite's backup API, checked, then gzipped into `part`."""
    with tempfile.TemporaryDirectory(dir=part.parent, prefix=".backup-") as scratch:
        copy = Path(scratch) / "copy.sqlite3"
        source = sqlite3.connect(_sqlite_path(db), timeout=30)
        try:
            target = sqlite3.connect(copy)
            try:
                source.backup(target)  # all pages in one step: one consistent snapshot
                problem = _not_this_site(target, MODEL_TABLES)
            finally:
                target.close()
        except sqlite3.Error as error:
            raise BackupError(f"备份失败：{error}") from None
        finally:
            source.close()
        if problem:
            raise BackupError(f"备份的副本未通过校验：{problem}")
        with open(copy, "rb") as raw, gzip.open(part, "wb", compresslevel=6) as packed:
            shutil.copyfileobj(raw, packed, 1024 * 1024)


MODEL_TABLES = {model._meta.table_name for model in MODELS}


def _known_migrations():
    return {path.stem for path in MIGRATIONS.glob("[0-9]*.py")}


def _not_this_site(connection, tables):
    """Why an SQLite connection's database is not a sound copy of this site's, or None."""
    try:
        checked = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        present = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    except sqlite3.DatabaseError:
        return "不是 SQLite 数据库"
    if checked != ["ok"]:
        return "数据库已损坏（integrity_check：" + "；".join(checked[:3]) + "）"
    missing = ({MIGRATION_TABLE} | tables) - present
    if missing:
        return "不是本系统的数据库（缺少数据表 " + "、".join(sorted(missing)) + "）"
    applied = {row[0] for row in connection.execute(f"SELECT name FROM {MIGRATION_TABLE}")}
    unknown = applied - _known_migrations()
    if unknown:
        return "来自更新版本或其他系统（未知的数据库迁移 " + "、".join(sorted(unknown)) + "）"
    return None


def restore(path, folder):
    """Replace the database by the backup at `path`, the current one kept aside in `folder`."""
    db = database.obj
    path, folder = Path(path), Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime(STAMP)
    if isinstance(db, PostgresqlDatabase):
        aside = folder / f"before-restore-{stamp}.dump"
        _pg_restore(db, path, aside)
    else:
        aside = folder / f"before-restore-{stamp}.sqlite3"
        _sqlite_restore(db, path, aside)
    try:
        migrated = _upgrade_schema()
    except Exception as error:  # the data is in; say so, and where the old database is
        raise BackupError(
            f"备份已写入数据库，但升级数据库结构失败：{error}。恢复前的数据库已另存为 {aside}。"
        ) from error
    newest = Change.select(Change.at).order_by(Change.at.desc()).first()
    return Restored(
        aside,
        Department.select().count(),
        Plan.select().count(),
        User.select().count(),
        newest.at if newest else None,
        migrated,
    )


def _upgrade_schema():
    """Bring the restored schema up to date; the migrations it applied."""
    before = _applied_migrations()
    init_db()
    return sorted(_applied_migrations() - before)


def _applied_migrations():
    table = MIGRATION_TABLE
    return {row[0] for row in database.execute_sql(f"SELECT name FROM {table}").fetchall()}


def _sqlite_restore(db, path, aside):
    with open(path, "rb") as file:
        if file.read(2) != GZIP_MAGIC:
            raise BackupError("不是本系统的备份：不是 gzip 压缩文件。数据库未作任何改动。")
    with tempfile.TemporaryDirectory(dir=aside.parent, prefix=".restore-") as scratch:
        unpacked = Path(scratch) / "restore.sqlite3"
        try:
            with gzip.open(path, "rb") as packed, open(unpacked, "wb") as raw:
                shutil.copyfileobj(packed, raw, 1024 * 1024)
        except (OSError, EOFError) as error:
            raise BackupError(f"备份文件已损坏：{error}。数据库未作任何改动。") from None
        backup_db = sqlite3.connect(unpacked)
        try:
            problem = _not_this_site(backup_db, FIRST_TABLES)
            if problem:
                raise BackupError(f"不是本系统的备份：{problem}。数据库未作任何改动。")
            database.close()  # this process's own connection would count as the site's
            live = _exclusive(_sqlite_path(db))
            try:
                kept = sqlite3.connect(aside)
                try:
                    live.backup(kept)
                finally:
                    kept.close()
                backup_db.backup(live)  # one transaction on `live`: all of it or nothing
            finally:
                live.close()
        finally:
            backup_db.close()


def _exclusive(path):
    """A connection holding SQLite's exclusive lock on the database until it is closed."""
    live = sqlite3.connect(path, timeout=LOCK_TIMEOUT, isolation_level=None)
    try:
        live.execute("PRAGMA locking_mode=EXCLUSIVE")
        live.execute("BEGIN EXCLUSIVE")
        live.execute("COMMIT")  # the lock stays, in exclusive locking mode
    except sqlite3.OperationalError:
        live.close()
        raise BackupError(
            "数据库正被使用，无法独占：请先停止网站（及其他使用数据库的程序）再恢复。"
            "数据库未作任何改动。"
        ) from None
    return live


# PostgreSQL: pg_dump and pg_restore, told where the database is by libpq's environment
# variables, so that the password is not on a command line other users of the server can see.


def _pg_tool(name):
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"找不到 {name}：请安装 PostgreSQL 客户端工具（如 apt-get install postgresql-client"
            f"，Windows 上把 PostgreSQL 的 bin 目录加入 PATH），其版本不低于数据库服务器。"
        )
    return found


def _pg_env(db):
    env = dict(os.environ)
    params = db.connect_params
    for key, name in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER")):
        if params.get(key):
            env[name] = str(params[key])
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    env["PGDATABASE"] = db.database
    return env


def _run(command, env):
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    except OSError as error:
        raise BackupError(f"无法运行 {command[0]}：{error}") from None
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} 失败：{done.stderr.strip()[:500]}")
    return done.stdout


def _pg_dump(db, part):
    _run([_pg_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(part)], _pg_env(db))


def _pg_listing(path):
    """The tables a custom-format dump holds, by `pg_restore --list`."""
    listing = _run([_pg_tool("pg_restore"), "--list", str(path)], dict(os.environ))
    tables = set()
    for line in listing.splitlines():
        words = line.split()
        if "TABLE" in words and "DATA" not in words and not line.startswith(";"):
            at = words.index("TABLE")
            if len(words) > at + 2:
                tables.add(words[at + 2])
    return tables


def _check_pg_dump(part):
    missing = ({MIGRATION_TABLE} | MODEL_TABLES) - _pg_listing(part)
    if missing:
        raise BackupError("备份未通过校验：缺少数据表 " + "、".join(sorted(missing)))


def _pg_restore(db, path, aside):
    with open(path, "rb") as file:
        if file.read(5) != PG_DUMP_MAGIC:
            raise BackupError(
                "不是本系统的备份：不是 pg_dump 的自定义格式（-Fc）文件。数据库未作任何改动。"
            )
    missing = ({MIGRATION_TABLE} | FIRST_TABLES) - _pg_listing(path)
    if missing:
        raise BackupError(
            "不是本系统的备份：缺少数据表 " + "、".join(sorted(missing)) + "。数据库未作任何改动。"
        )
    restore_tool = _pg_tool("pg_restore")
    database.close()
    env = _pg_env(db)
    part = aside.with_name(f".{aside.name}.part")
    try:
        _run([_pg_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(part)], env)
        os.replace(part, aside)
    finally:
        part.unlink(missing_ok=True)
    _run(
        [
            restore_tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "-d",
            db.database,
            str(path),
        ],
        env,
    )
