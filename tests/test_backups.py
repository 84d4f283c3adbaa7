"""`flask backup` and `flask restore`: a consistent, verified copy while the site writes;
rotation; restore only of this site's backups, the current database kept aside."""

import gzip
import os
import sqlite3
from pathlib import Path

import pytest
from peewee import PostgresqlDatabase

from app.models import Department, Plan
from app.services import backups
from tests.conftest import TEST_DATABASE_URL, database_snapshot

pytestmark = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite 的备份与恢复")


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _db_path(app):
    return app.config["DATABASE_URL"].removeprefix("sqlite:///")


def _folder(app):
    return Path(app.instance_path) / "backups"


def _snapshot(app):
    with app.app_context():
        return database_snapshot()


def _backup(app, *args):
    result = _run(app, "backup", *args)
    assert result.exit_code == 0, result.output
    return Path(result.output.split("已备份到 ", 1)[1].split("（", 1)[0])


def _unpacked(path, tmp_path):
    copy = tmp_path / "unpacked.sqlite3"
    copy.write_bytes(gzip.decompress(path.read_bytes()))
    return sqlite3.connect(copy)


def test_a_backup_while_a_writer_holds_a_transaction_is_the_committed_state(app, seeded, tmp_path):
    before = _snapshot(app)
    writer = sqlite3.connect(_db_path(app), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE department SET name = '写到一半'")
    try:
        result = _run(app, "backup")
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert result.exit_code == 0, result.output
    assert "已备份到" in result.output and "已校验" in result.output
    (written,) = _folder(app).iterdir()
    assert backups.NAME.match(written.name) and written.name.endswith(".sqlite3.gz")
    assert str(written) in result.output
    copy = _unpacked(written, tmp_path)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    names = {row[0] for row in copy.execute("SELECT name FROM department")}
    assert "写到一半" not in names and "唐山市科学技术协会" in names

    # The copy restores to exactly the data it was taken from.
    with app.app_context():
        Department.update(name="写到一半").execute()
    restored = _run(app, "restore", str(written))
    assert restored.exit_code == 0, restored.output
    assert _snapshot(app) == before


def test_restore_keeps_the_current_database_aside_and_says_what_it_restored(app, seeded):
    written = _backup(app)
    with app.app_context():
        Plan.delete().execute()
    changed = _snapshot(app)
    result = _run(app, "restore", str(written))
    assert result.exit_code == 0, result.output
    assert "部门 2 个，计划 1 个，用户 5 个，最近一次修改于 20" in result.output
    with app.app_context():
        assert Plan.select().count() == 1
    (aside,) = _folder(app).glob("before-restore-*.sqlite3")
    assert f"恢复前的数据库已另存为 {aside}" in result.output
    kept = sqlite3.connect(aside)
    assert kept.execute("SELECT count(*) FROM plan").fetchone() == (0,)
    assert len(changed["Plan"]) == 0


def test_keep_deletes_the_oldest_backups_and_nothing_else(app):
    folder = _folder(app)
    folder.mkdir()
    for stamp in ("20240101-020000", "20240102-020000", "20240103-020000"):
        (folder / f"jixiao-{stamp}.sqlite3.gz").write_bytes(b"old")
    others = ["before-restore-20240101-020000.sqlite3", "notes.txt", "jixiao-手工.sqlite3.gz"]
    for name in others:
        (folder / name).write_text("keep me")
    result = _run(app, "backup", "--keep", "2")
    assert result.exit_code == 0, result.output
    assert "已删除较早的备份 2 个（保留最新的 2 个）" in result.output
    left = sorted(path.name for path in folder.iterdir())
    assert "jixiao-20240103-020000.sqlite3.gz" in left
    assert "jixiao-20240101-020000.sqlite3.gz" not in left
    assert "jixiao-20240102-020000.sqlite3.gz" not in left
    assert len([name for name in left if backups.NAME.match(name)]) == 2
    assert set(others) <= set(left)


def test_two_backups_in_the_same_second_keep_both(app):
    first, second = _backup(app), _backup(app)
    assert first != second and first.exists() and second.exists()


def test_output_file_is_a_verified_gzip_that_restores(app, seeded, tmp_path):
    before = _snapshot(app)
    target = tmp_path / "nightly.gz"
    assert _backup(app, "-o", str(target)) == target
    assert target.read_bytes()[:2] == b"\x1f\x8b"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    with app.app_context():
        Department.update(name="改过").execute()
    assert _run(app, "restore", str(target)).exit_code == 0
    assert _snapshot(app) == before


def test_a_backup_that_cannot_be_written_fails_and_leaves_nothing(app, tmp_path):
    result = _run(app, "backup", "-o", str(tmp_path / "missing" / "x.gz"))
    assert result.exit_code == 1
    assert "备份失败，未留下备份文件" in result.output and "不存在" in result.output
    assert not (tmp_path / "missing").exists()


def _other_app_database(path):
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
    other.execute("INSERT INTO note (text) VALUES ('别的程序')")
    other.commit()
    other.close()


@pytest.mark.parametrize(
    "kind, message",
    [
        ("random", "不是 gzip 压缩文件"),
        ("gzip text", "不是 SQLite 数据库"),
        ("other app", "不是本系统的数据库（缺少数据表"),
        ("plain sqlite", "不是 gzip 压缩文件"),
    ],
)
def test_restore_refuses_what_is_not_a_backup_of_this_site(app, seeded, tmp_path, kind, message):
    candidate = tmp_path / "candidate.gz"
    if kind == "random":
        candidate.write_bytes(os.urandom(4096))
    elif kind == "gzip text":
        candidate.write_bytes(gzip.compress("这不是数据库\n".encode() * 100))
    else:
        _other_app_database(tmp_path / "other.sqlite3")
        raw = (tmp_path / "other.sqlite3").read_bytes()
        candidate.write_bytes(gzip.compress(raw) if kind == "other app" else raw)
    before = _snapshot(app)
    result = _run(app, "restore", str(candidate))
    assert result.exit_code == 1
    assert message in result.output and "数据库未作任何改动" in result.output
    assert _snapshot(app) == before
    assert not list(_folder(app).glob("before-restore-*"))


def test_restore_refuses_while_another_connection_has_the_database_open(app, seeded):
    written = _backup(app)
    with app.app_context():
        Department.update(name="改过").execute()
    before = _snapshot(app)
    site = sqlite3.connect(_db_path(app))
    site.execute("SELECT count(*) FROM plan").fetchall()  # open, idle: a serving site
    try:
        result = _run(app, "restore", str(written))
    finally:
        site.close()
    assert result.exit_code == 1
    assert "数据库正被使用" in result.output and "请先停止网站" in result.output
    assert _snapshot(app) == before


def test_an_older_backup_is_migrated_after_restoring(app, seeded, tmp_path):
    written = _backup(app)
    copy = _unpacked(written, tmp_path)
    copy.execute("DROP TABLE presence")
    copy.execute("DROP INDEX change_plan_id_id")
    copy.execute("DELETE FROM schema_migration WHERE name = '0014_presence'")
    copy.commit()
    copy.close()
    older = tmp_path / "older.sqlite3.gz"
    older.write_bytes(gzip.compress((tmp_path / "unpacked.sqlite3").read_bytes()))
    result = _run(app, "restore", str(older))
    assert result.exit_code == 0, result.output
    assert "已升级数据库结构：0014_presence" in result.output
    with app.app_context():
        assert Plan.select().count() == 1


# PostgreSQL: pg_dump and pg_restore, the database's address by libpq's environment.


@pytest.fixture
def postgres(monkeypatch):
    """The services pointed at a PostgreSQL database that is never connected to."""

    class Proxy:
        obj = PostgresqlDatabase("jixiao", host="db.local", user="jx", password="s3cret")

        def close(self):
            pass

    monkeypatch.setattr(backups, "database", Proxy())


def test_without_pg_dump_the_backup_says_what_to_install(app, postgres, monkeypatch):
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    result = _run(app, "backup")
    assert result.exit_code == 1
    assert "找不到 pg_dump：请安装 PostgreSQL 客户端工具" in result.output
    assert not list(_folder(app).glob("*"))


def test_a_postgresql_backup_is_pg_dump_custom_format_checked_by_its_listing(
    app, postgres, monkeypatch
):
    calls = []
    tables = sorted(backups.MODEL_TABLES | {"schema_migration"})

    def run(command, env, capture_output, text):
        calls.append((command, env))
        if "-f" in command:
            Path(command[command.index("-f") + 1]).write_bytes(b"PGDMP fake")
        listing = "".join(f"2; 1259 1 TABLE public {t} jx\n" for t in tables)
        return type("Done", (), {"returncode": 0, "stdout": listing, "stderr": ""})

    monkeypatch.setattr(backups.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backups.subprocess, "run", run)
    written = _backup(app)
    assert written.name.endswith(".dump") and written.read_bytes() == b"PGDMP fake"
    (dump, env), (listing, _) = calls
    assert dump[:2] == ["/usr/bin/pg_dump", "-Fc"] and "s3cret" not in " ".join(dump)
    assert (env["PGHOST"], env["PGUSER"], env["PGPASSWORD"], env["PGDATABASE"]) == (
        "db.local",
        "jx",
        "s3cret",
        "jixiao",
    )
    assert listing[:2] == ["/usr/bin/pg_restore", "--list"]

    # A dump of another database is refused before anything runs against this one.
    tables = ["note"]
    calls.clear()
    result = _run(app, "restore", str(written))
    assert result.exit_code == 1 and "不是本系统的备份：缺少数据表" in result.output
    assert [command[1] for command, _ in calls] == ["--list"]
