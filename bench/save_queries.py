"""The SQL of one cell save: every statement the server runs for one PUT of an indicator's 指标值.

Builds the site on a fresh SQLite database with the demo data, logs an editor in, opens the
project page, then saves one cell through the test client with Peewee's query log on, and
prints the statements in order with a count by kind (the session lookup included).

    .venv/bin/python bench/save_queries.py
"""

import hashlib
import logging
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402

USER, PASSWORD = "bench", "bench-password-0"


class Statements(logging.Handler):
    """Collects the SQL Peewee logs (logger `peewee`, level DEBUG): one record per statement."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql = []

    def emit(self, record):
        sql, _params = record.msg if isinstance(record.msg, tuple) else (record.getMessage(), ())
        self.sql.append(sql)


def version(text):
    """The cell version the editor sends (a short hash of the value shown)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def main():
    workdir = tempfile.mkdtemp(prefix="jixiao-queries-")
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{workdir}/q.sqlite3", "SECRET_KEY": "bench"},
        instance_path=workdir,  # not the site's own instance/config.py
    )
    cli = app.test_cli_runner()
    cli.invoke(args=["init-db", "--demo"])
    cli.invoke(args=["create-user", USER, "--role", "admin"], input=PASSWORD + "\n")

    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    client.post("/login", data={"username": USER, "password": PASSWORD, "csrf_token": token})
    page = client.get("/projects/1").get_data(as_text=True)
    csrf = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    shown = client.get("/cells/indicator/1/target").get_data(as_text=True)
    old = re.sub(r"<[^>]+>", "", shown).strip()

    handler = Statements()
    logger = logging.getLogger("peewee")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    response = client.put(
        "/cells/indicator/1/target",
        data={"target": old + "（改）", "version-target": version(old)},
        headers={"X-CSRFToken": csrf, "HX-Request": "true"},
    )
    logger.removeHandler(handler)

    print(f"PUT /cells/indicator/1/target → {response.status_code}")
    for number, sql in enumerate(handler.sql, 1):
        print(f"{number:2d}. {sql}")
    kinds = Counter(sql.split(None, 1)[0].upper() for sql in handler.sql)
    print(f"{len(handler.sql)} statements: " + ", ".join(f"{n} {k}" for k, n in kinds.items()))


if __name__ == "__main__":
    main()
