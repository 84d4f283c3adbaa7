"""首页 of a whole city: 100 departments × 30 projects, with a long history, timed.

Builds a city on a fresh SQLite database with the demo city generator (seed 0, year 2021:
app/services/demo_city.py), adds 1,000 recorded changes per plan (a long history), logs an
admin in, and prints the time and the number of SQL statements of:

- the first views of 首页 (each counts RECOUNTS_PER_VIEW plans' findings and keeps them),
- the next one (nothing changed: the counts kept are read),
- one after a single plan changed (that plan counted again),
- a search that finds many rows.

    .venv/bin/python bench/home_city.py [DEPARTMENTS] [PROJECTS]
"""

import logging
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.db import database  # noqa: E402
from app.models import Change, Department, Indicator, Plan, Project  # noqa: E402
from app.services.check_counts import RECOUNTS_PER_VIEW  # noqa: E402
from app.services.demo_city import build_city  # noqa: E402

USER, PASSWORD = "bench", "bench-password-0"
CHANGES_PER_PLAN = 1000


class Statements(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        self.count += 1


def long_history():
    """CHANGES_PER_PLAN more recorded changes in every plan, on top of the generator's."""
    with database.atomic():
        for plan_id in Plan.select(Plan.id).tuples():
            Change.insert_many(
                [
                    {
                        "plan": plan_id[0],
                        "entity": "plan",
                        "record_id": plan_id[0],
                        "field": "overall_goal",
                        "action": "edit",
                        "user": "bench",
                    }
                    for _ in range(CHANGES_PER_PLAN)
                ]
            ).execute()


def timed(client, url, label):
    handler = Statements()
    logger = logging.getLogger("peewee")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    logger.removeHandler(handler)
    assert response.status_code == 200, response.status_code
    print(f"{label:<46} {elapsed * 1000:8.1f} ms  {handler.count:4d} statements")
    return response


def main():
    departments = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    projects_per_plan = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    workdir = tempfile.mkdtemp(prefix="jixiao-city-")
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{workdir}/city.sqlite3", "SECRET_KEY": "bench"},
        instance_path=workdir,
    )
    cli = app.test_cli_runner()
    cli.invoke(args=["init-db"])
    cli.invoke(args=["create-user", USER, "--role", "admin"], input=PASSWORD + "\n")
    with app.app_context():
        print(build_city(departments, projects_per_plan, seed=0, year=2021).summary())
        long_history()
        code = Project.select(Project.code).order_by(Project.id.desc()).scalar()
        print(
            f"{Department.select().count()} departments, {Project.select().count()} projects, "
            f"{Indicator.select().count()} indicators, {Change.select().count()} changes"
        )

    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    client.post("/login", data={"username": USER, "password": PASSWORD, "csrf_token": token})

    views = 1
    while 'id="uncounted"' in timed(
        client, "/", f"首页, view {views} (counting {RECOUNTS_PER_VIEW} more)"
    ).get_data(as_text=True):
        views += 1
    timed(client, "/", "首页, nothing changed")
    timed(client, "/", "首页, nothing changed (again)")
    with app.app_context():
        plan = Plan.select().order_by(Plan.id.desc()).first()
        Change.create(plan=plan, entity="plan", record_id=plan.id, action="edit", user="bench")
    timed(client, "/", "首页, one plan changed")
    timed(client, "/?status=submitted", "首页, filtered to 已提交")
    timed(client, "/search?q=%E6%9C%8D%E5%8A%A1", "search 服务 (200 of many)")
    timed(client, f"/search?q={code}", "search a code")


if __name__ == "__main__":
    main()
