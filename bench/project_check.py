"""What the review rules cost per cell save: one project's check against the whole plan's.

Builds a plan of PROJECTS projects (the seed's three repeated, each with its own code) on a
fresh SQLite database, then times `project_findings` (what every cell save runs: the project
in full, its siblings by code and name) and `check_plan` (the checks page's whole plan), and
prints the median of ROUNDS runs of each with the number of SQL statements. The ceiling is
bare Peewee fetching the same rows as tuples and nothing else: for one project, its indicators
and its siblings' codes and names; for the plan, every project and indicator.

    .venv/bin/python bench/project_check.py [--projects 300] [--rounds 20] [--json FILE]
"""

import argparse
import copy
import itertools
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

from report import Figure, add_json_option, report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.formats.text import read  # noqa: E402
from app.models import Indicator, Plan, Project  # noqa: E402
from app.services.checking import check_plan, project_findings  # noqa: E402
from app.services.importing import import_document  # noqa: E402
from app.services.setup import DEMO_FILE, init_db  # noqa: E402


class Count(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.statements = 0

    def emit(self, record):
        self.statements += 1


def timed(function, rounds):
    """(median seconds, SQL statements of one run) of `function()`."""
    counter = Count()
    logger = logging.getLogger("peewee")
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    function()
    statements = counter.statements
    logger.removeHandler(counter)
    logger.setLevel(logging.WARNING)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), statements


def _bare_project(project):
    """The project's indicators and its siblings' codes and names, as tuples."""
    list(Indicator.select().where(Indicator.project == project).tuples())
    siblings = Project.select(Project.code, Project.name).where(Project.plan == project.plan_id)
    return list(siblings.tuples())


def _bare_plan(plan):
    """Every project and indicator of the plan, as tuples."""
    list(Project.select().where(Project.plan == plan).tuples())
    return list(Indicator.select().join(Project).where(Project.plan == plan).tuples())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=20)
    add_json_option(parser)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="jixiao-check-")
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{workdir}/c.sqlite3", "SECRET_KEY": "bench"},
        instance_path=workdir,
    )
    with app.app_context():
        init_db()
        document = read(DEMO_FILE.read_bytes())
        seed = document.projects
        document.projects = []
        for number in range(args.projects):
            project = copy.deepcopy(seed[number % len(seed)])
            project.code = f"405002B21DX{number:04d}"
            project.name = f"{project.name}（{number}）"
            document.projects.append(project)
        document.summaries = []
        import_document(document, 2021, "bench")
        plan = Plan.get()
        middle = plan.ordered_projects()[args.projects // 2]
        # After a save the plan's version has moved: each round a new version, so it is checked.
        versions = itertools.count(1)
        one, one_sql = timed(lambda: project_findings(middle, (next(versions), 0)), args.rounds)
        reused, _ = timed(lambda: project_findings(middle, (0, 0)), args.rounds)
        bare_one, bare_one_sql = timed(lambda: _bare_project(middle), args.rounds)
        rounds = max(1, args.rounds // 10)
        whole, whole_sql = timed(lambda: check_plan(plan), rounds)
        bare_whole, _ = timed(lambda: _bare_plan(plan), rounds)
    indicators = sum(len(p.indicators) for p in document.projects)
    print(f"plan: {args.projects} projects, {indicators} indicators")
    print(f"one project's check (each cell save): {one * 1000:.1f} ms, {one_sql} SQL statements")
    print(
        f"whole plan's check (checks page):     {whole * 1000:.1f} ms, {whole_sql} SQL statements"
    )
    label = f"{args.projects} projects"
    figures = [
        Figure(f"one project's check (a cell save), {label}", one * 1000, "ms", bare_one * 1000),
        Figure("one project's check, SQL statements", one_sql, "", bare_one_sql),
        Figure("one project's findings reused (a read, no change since)", reused * 1000, "ms"),
        Figure(f"whole plan's check (checks page), {label}", whole * 1000, "ms", bare_whole * 1000),
        Figure("whole plan's check, SQL statements", whole_sql, ""),
    ]
    report("project_check", figures, args.json)


if __name__ == "__main__":
    main()
