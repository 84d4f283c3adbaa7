"""What the review rules cost per cell save: one project's check against the whole plan's.

Builds a plan of PROJECTS projects (the seed's three repeated, each with its own code) on a
fresh SQLite database, then times `project_findings` (what every cell save runs: the project
in full, its siblings by code and name) and `check_plan` (the checks page's whole plan), and
prints the median of ROUNDS runs of each with the number of SQL statements.

    .venv/bin/python bench/project_check.py [--projects 300] [--rounds 20]
"""

import argparse
import copy
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.formats.text import read  # noqa: E402
from app.models import Plan  # noqa: E402
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=20)
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
        one, one_sql = timed(lambda: project_findings(middle), args.rounds)
        rounds = max(1, args.rounds // 10)
        whole, whole_sql = timed(lambda: check_plan(plan), rounds)
    indicators = sum(len(p.indicators) for p in document.projects)
    print(f"plan: {args.projects} projects, {indicators} indicators")
    print(f"one project's check (each cell save): {one * 1000:.1f} ms, {one_sql} SQL statements")
    print(
        f"whole plan's check (checks page):     {whole * 1000:.1f} ms, {whole_sql} SQL statements"
    )


if __name__ == "__main__":
    main()
