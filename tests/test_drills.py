"""The drills' short forms (bench/): kill -9 during saves, a backup taken while editors save and
restored into an empty database, two processes on one database. Each runs as the script it is,
against waitress on a database of its own, and what must hold is asserted from its figures:
nothing answered lost, no 5xx, the database intact. Never how fast.

On the SQLite pass each drill runs on a temporary SQLite file. The PostgreSQL drills run on the
PostgreSQL pass (JIXIAO_TEST_DATABASE_URL, which the drill wipes as the fixtures do: each test
wipes it when it starts, and none runs while another does).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_URL

BENCH = Path(__file__).resolve().parent.parent / "bench"

on_sqlite = pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="the SQLite drills run on the SQLite pass"
)
on_postgresql = pytest.mark.skipif(
    not TEST_DATABASE_URL,
    reason="needs PostgreSQL: set JIXIAO_TEST_DATABASE_URL (a database the drill may wipe)",
)


def drill(tmp_path, script, *args):
    """Run a drill; (exit status, its output, {figure name: value})."""
    figures = tmp_path / f"{script}.json"
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args, "--json", str(figures)],
        cwd=BENCH.parent,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    output = done.stdout + done.stderr
    assert figures.exists(), output
    values = {f["name"]: f["value"] for f in json.loads(figures.read_text())["figures"]}
    return done.returncode, output, values


@on_sqlite
def test_kill_9_three_times_during_saves_loses_no_answered_save(tmp_path):
    status, output, figures = drill(tmp_path, "crash_drill.py", "--kills", "3")
    assert status == 0, output
    assert figures["kills -9 during saves"] == 3
    assert figures["saves answered 200"] > 0, output
    assert figures["saves answered 200 and lost"] == 0, output
    assert figures["integrity_check ok after a kill"] == 3, output
    assert figures["history problems"] == 0, output
    assert figures["answers other than 200/409"] == 0, output


def _backup_drill(tmp_path, *args):
    status, output, figures = drill(tmp_path, "backup_drill.py", "--before", "2", *args)
    assert status == 0, output
    assert figures["records checked in the restore"] > 0
    assert figures["saves answered before the backup"] > 0, output
    assert figures["of them missing in the restore"] == 0, output
    assert figures["problems found"] == 0, output
    return figures


@on_sqlite
def test_a_backup_taken_while_editors_save_restores_every_record(tmp_path):
    figures = _backup_drill(tmp_path)
    assert figures["integrity_check of the restore"] == 1


@on_postgresql
def test_a_pg_dump_taken_while_editors_save_restores_every_record(tmp_path):
    _backup_drill(tmp_path, "--database-url", TEST_DATABASE_URL)


def _two_processes(tmp_path, *args):
    status, output, figures = drill(tmp_path, "two_processes.py", "--seconds", "3", *args)
    assert figures["hot-cell saves answered 200, 2 processes"] > 0, output
    assert figures["saves lost"] == 0, output
    assert figures["answers 5xx"] == 0, output
    assert figures["history out of order"] == 0, output
    assert figures["session made on one process holds on the other"] == 1, output
    assert figures["5 failures over both processes lock on both"] == 1, output
    return status, output, figures


@on_sqlite
def test_two_processes_on_one_sqlite_file_lose_nothing_and_share_sessions_and_locks(tmp_path):
    status, output, figures = _two_processes(tmp_path)
    assert figures["10 failures at once, locked on both"] == 1, output
    assert status == 0, output


@on_postgresql
def test_two_processes_on_one_postgresql_lose_nothing_and_share_sessions_and_locks(tmp_path):
    status, output, figures = _two_processes(tmp_path, "--database-url", TEST_DATABASE_URL)
    assert status == 0, output
