"""The SQL of one cell save: every statement the server runs for one PUT of an indicator's 指标值.

Builds the site on a fresh SQLite database with the demo data, logs an editor in, opens the
project page, then saves one cell through the test client with Peewee's query log on, and
prints the statements in order with a count by kind (the session lookup included), those run
inside the write transaction marked `W` (BEGIN IMMEDIATE and COMMIT themselves are not logged).
Reports the counts (bench/report.py).

    .venv/bin/python bench/save_queries.py [--json FILE] [--site-root OTHER_CHECKOUT]
"""

import argparse
import hashlib
import html
import logging
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

from report import Figure, add_json_option, report

ROOT = Path(__file__).resolve().parent.parent

USER, PASSWORD = "bench", "bench-password-0"


class Statements(logging.Handler):
    """Collects the SQL Peewee logs (logger `peewee`, level DEBUG): one record per statement."""

    def __init__(self, database):
        super().__init__(logging.DEBUG)
        self.sql = []
        queue = getattr(database.obj, "write_queue", None)  # app/db.py; None before it was
        self.writing = queue.held if queue else (lambda: database.in_transaction())

    def emit(self, record):
        sql, _params = record.msg if isinstance(record.msg, tuple) else (record.getMessage(), ())
        self.sql.append((sql, self.writing()))


def version(text):
    """The cell version the editor sends (a short hash of the value shown)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-root", type=Path, default=ROOT, help="another checkout")
    add_json_option(parser)
    args = parser.parse_args()
    sys.path.insert(0, str(args.site_root.resolve()))
    from app import create_app
    from app.db import database

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
    # The value the cell's editor holds (the cell's text carries the editor's hints too).
    value = re.search(r'<input type="text" name="target"[^>]*? value="([^"]*)"', shown).group(1)
    old = html.unescape(value)

    handler = Statements(database)
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
    for number, (sql, writing) in enumerate(handler.sql, 1):
        print(f"{number:2d}. {'W' if writing else ' '} {sql}")
    kinds = Counter(sql.split(None, 1)[0].upper() for sql, _ in handler.sql)
    inside = sum(writing for _, writing in handler.sql)
    print(f"{len(handler.sql)} statements: " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
    figures = [
        Figure("statements per cell save", len(handler.sql), "statements"),
        Figure("of them in the write transaction", inside, "statements"),
    ]
    report("save_queries", figures, args.json)
    assert response.status_code == 200, "the save was refused: the statements are not a save's"


if __name__ == "__main__":
    main()
