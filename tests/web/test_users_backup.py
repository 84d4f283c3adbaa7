"""用户管理 shows the database's last backup, and warns when there is none from the last day."""

import datetime
import os
import re
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_URL


def _state(client):
    """The backup notice of the users page: its classes and its text."""
    html = client.get("/users/").get_data(as_text=True)
    found = re.search(r'<p class="([^"]+)" id="backup-state"[^>]*>(.*?)</p>', html, re.S)
    assert found, "no backup notice on the users page"
    return found.group(1).split(), " ".join(re.sub(r"<[^>]+>", "", found.group(2)).split())


def _backup_file(app, name, size, age):
    folder = Path(app.instance_path) / "backups"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(b"x" * size)
    when = (datetime.datetime.now() - age).timestamp()
    os.utime(path, (when, when))
    return datetime.datetime.fromtimestamp(when)


def test_without_a_backup_the_page_warns(client):
    classes, text = _state(client)
    assert "stale" in classes
    assert text.startswith("尚无数据库备份：请运行 flask --app wsgi backup")


def test_a_backup_from_today_shows_its_time_and_size_without_a_warning(app, client):
    _backup_file(app, "jixiao-20240101-020000.sqlite3.gz", 100, datetime.timedelta(days=3))
    at = _backup_file(
        app, "jixiao-20240104-020000.sqlite3.gz", 3 * 1024, datetime.timedelta(hours=5)
    )
    classes, text = _state(client)
    assert "stale" not in classes
    assert text == (
        f"最近一次数据库备份：{at:%Y-%m-%d %H:%M}（3.0 KB，jixiao-20240104-020000.sqlite3.gz）"
    )


def test_a_backup_older_than_a_day_is_warned_about(app, client):
    at = _backup_file(
        app, "jixiao-20240101-020000.sqlite3.gz", 2_500_000, datetime.timedelta(hours=25)
    )
    (Path(app.instance_path) / "backups" / "notes.txt").write_text("not a backup")
    classes, text = _state(client)
    assert "stale" in classes
    assert text.startswith(f"最近一次数据库备份：{at:%Y-%m-%d %H:%M}（2.4 MB，")
    assert "已超过一天没有备份" in text


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="needs pg_dump on PostgreSQL")
def test_a_backup_taken_by_the_command_shows_on_the_page(app, client):
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    classes, text = _state(client)
    assert "stale" not in classes and text.startswith("最近一次数据库备份：")
