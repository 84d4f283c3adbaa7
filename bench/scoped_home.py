"""首页 as each kind of user on a city's database: its SQL and its time (issue 14).

On the city of bench/city_pages.py (100 departments × 30 projects, built once and kept under
/tmp), four users read 首页: an administrator (every plan), a department's editor (its own
plan), a reviewer assigned ten departments, and a bureau leader (a viewer without a
department: every plan). Printed to stderr: the statements one view of 首页 runs for the
editor, in full, with SQLite's plan of the plans' query, to show the reading scope is in that
one query's WHERE, not a filter over every plan in Python. Reported: each user's p50 of
`--views` views alone (target: city_pages.py's p50, issue 12), the plans each sees, and the
statements of one view.

    .venv/bin/python bench/scoped_home.py [--database FILE] [--views 20] [--json FILE]
"""

import argparse
import logging
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from city_pages import P50_TARGET, _cache_file, build_city, percentile
from live_site import PASSWORD, ROOT, Site
from report import Figure, add_json_option, report

REVIEWED = 10  # departments assigned to the reviewer


class Collected(logging.Handler):
    """The statements peewee logs, as (sql, params)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.statements = []

    def emit(self, record):
        self.statements.append(record.msg)


def home_statements(database_file, username):
    """The statements of one view of 首页 by `username`, through the app factory here."""
    sys.path.insert(0, str(ROOT))
    from app import create_app

    folder = tempfile.mkdtemp(prefix="jixiao-scope-sql-")
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{database_file}", "SECRET_KEY": "bench"}, instance_path=folder
    )
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    client.get("/")  # templates compiled, plans counted: not this view's work
    logger = logging.getLogger("peewee")
    logger.setLevel(logging.DEBUG)
    handler = Collected()
    logger.addHandler(handler)
    try:
        assert client.get("/").status_code == 200
    finally:
        logger.removeHandler(handler)
    shutil.rmtree(folder, ignore_errors=True)
    return handler.statements


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a city's SQLite file to serve (a copy), not built")
    parser.add_argument("--views", type=int, default=20, help="views of 首页 by each user")
    add_json_option(parser)
    args = parser.parse_args()

    source = Path(args.database) if args.database else _cache_file(100, 30)
    if not source.exists():
        build_city(source, 100, 30)
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-scoped-home-"))
    served = workdir / "city.sqlite3"
    shutil.copyfile(source, served)
    from playhouse.db_url import connect

    db = connect(f"sqlite:///{served}")
    codes = [code for (code,) in db.execute_sql("SELECT code FROM department ORDER BY code")]
    db.close()
    users = {
        "scope-admin": ("admin", None),
        "scope-editor": ("editor", codes[0]),
        "scope-reviewer": ("reviewer", None),
        "scope-leader": ("viewer", None),
    }
    site = Site(users, database_file=served)
    figures = []
    try:
        site.sql(
            "INSERT INTO reviewer_department (user_id, department_id)"
            " SELECT u.id, d.id FROM user u, department d WHERE u.username = 'scope-reviewer'"
            f" AND d.code IN ({', '.join('?' * REVIEWED)})",
            codes[:REVIEWED],
        )  # peewee commits a statement outside a transaction
        admin = site.person("scope-admin")
        while 'id="uncounted"' in admin.request("GET", "/")[1]:
            pass  # every plan's findings counted first, for everyone
        for name in users:
            person = admin if name == "scope-admin" else site.person(name)
            times, page = [], ""
            for _ in range(args.views):
                started = time.perf_counter()
                status, page = person.request("GET", "/")
                times.append((time.perf_counter() - started) * 1000)
                assert status == 200, (name, status)
            plans = len(re.findall(r'<tr id="plan-\d+"', page))
            role = users[name][0] + ("（" + users[name][1] + "）" if users[name][1] else "")
            p50 = percentile(times, 0.5)
            figures.append(
                Figure(
                    f"首页 as {role}: p50",
                    p50,
                    "ms",
                    target=f"≤ {P50_TARGET} ms",
                    met=p50 <= P50_TARGET,
                )
            )
            figures.append(Figure(f"首页 as {role}: plans listed", plans, "plans"))
        statements = home_statements(served, "scope-editor")
        figures.append(Figure("首页 as a department's editor: SQL", len(statements), "statements"))
        print("\n首页 as the editor of", codes[0], "— the statements of one view:", file=sys.stderr)
        for number, (sql, params) in enumerate(statements, 1):
            print(f"\n[{number}] {sql}\n    params: {params}", file=sys.stderr)
        plans_query = next(s for s in statements if 'FROM "plan"' in s[0] and "RECURSIVE" in s[0])
        explained = site.sql("EXPLAIN QUERY PLAN " + plans_query[0], plans_query[1])
        print("\nEXPLAIN QUERY PLAN of the plans' query:", file=sys.stderr)
        for row in explained:
            print("   ", row[-1], file=sys.stderr)
    finally:
        site.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    report("scoped_home", figures, args.json)


if __name__ == "__main__":
    main()
