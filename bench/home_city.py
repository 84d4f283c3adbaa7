"""首页 of a whole city: 100 departments × 30 projects, with a long history, timed.

Builds a city on a fresh SQLite database from the demo plan (its three projects and their
indicators copied into 30 projects per department, 1,000 recorded changes per plan), logs an
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

USER, PASSWORD = "bench", "bench-password-0"
CHANGES_PER_PLAN = 1000


class Statements(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        self.count += 1


def build_city(departments, projects_per_plan):
    """Copy the demo plan's projects into `departments` plans of `projects_per_plan` each."""
    seed = Plan.get()
    projects = list(seed.ordered_projects())
    indicators = {p.id: list(p.ordered_indicators()) for p in projects}
    project_fields = [f for f in Project._meta.sorted_fields if f.name not in ("id", "plan")]
    indicator_fields = [f for f in Indicator._meta.sorted_fields if f.name not in ("id", "project")]
    with database.atomic():
        for number in range(1, departments):
            code = f"{406000 + number}"
            department = Department.create(code=code, name=f"某市第{number}局")
            plan_id = Plan.insert(
                department=department, year=seed.year, layout=seed.layout
            ).execute()
            for position in range(projects_per_plan):
                source = projects[position % len(projects)]
                values = {f.name: getattr(source, f.name) for f in project_fields}
                values.update(plan=plan_id, position=position, code=f"{code}B21DX{position:04}")
                project_id = Project.insert(values).execute()
                rows = []
                for indicator in indicators[source.id]:
                    row = {f.name: getattr(indicator, f.name) for f in indicator_fields}
                    row["project"] = project_id
                    rows.append(row)
                Indicator.insert_many(rows).execute()
            Change.insert_many(
                [
                    {
                        "plan": plan_id,
                        "entity": "plan",
                        "record_id": plan_id,
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
    cli.invoke(args=["init-db", "--demo"])
    cli.invoke(args=["create-user", USER, "--role", "admin"], input=PASSWORD + "\n")
    with app.app_context():
        build_city(departments, projects_per_plan)
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
    timed(client, "/?status=submitted", "首页, filtered to 已提交 (none)")
    timed(client, "/search?q=%E7%A7%91%E6%8A%80", "search 科技 (200 of many)")
    timed(client, "/search?q=B21DX0029", "search a code")


if __name__ == "__main__":
    main()
