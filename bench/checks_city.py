"""The review rules over a whole city: 100 departments × 30 projects (~12 indicators each).

Builds the city in a fresh SQLite database (each department's plan imported as a document, made
by the demo city generator, with a few faults added), then times:
  - rules: `check(document)` of every plan's Document already in memory (app/checks/rules.py);
  - ceiling: bare Peewee fetching every plan's projects and indicators as tuples, nothing
    else — the least a check of stored plans must pay;
  - read: every plan's Document from the database (`plan_document`), no rules;
  - stored: `check_plan(plan)` for every plan, as `flask check --all` does (read + rules);
and prints seconds, per-plan figures and the ratio of stored to its ceiling (bench/report.py).

    .venv/bin/python bench/checks_city.py [--departments 100] [--projects 30] [--quick] [--json FILE]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from report import Figure, add_json_option, report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _documents(departments, projects):
    """One (Document, layout) per department, each of `projects` projects: the demo city's
    (app/services/demo_city.py, seed 0, year 2021), a few of its rates made out of range."""
    import random

    from app.services.demo_city import documents

    made = list(documents(departments, projects, random.Random(0), 2021))
    for number, (document, _layout) in enumerate(made):
        for index, project in enumerate(document.projects):
            for extra, indicator in enumerate(project.indicators):
                if (number + index + extra) % 97 == 0:
                    indicator.target = "120%"  # a rate out of range: an error to find
    return made


def _timed(function, items):
    """Seconds per item and in all."""
    each = []
    for item in items:
        started = time.perf_counter()
        function(item)
        each.append(time.perf_counter() - started)
    return each


def _bare_fetch(plan):
    """The plan's projects and indicators, as plain tuples: the bare stack's ceiling."""
    from app.models import Indicator, Project

    list(Project.select().where(Project.plan == plan).tuples())
    query = Indicator.select().join(Project).where(Project.plan == plan)
    return list(query.tuples())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=100)
    parser.add_argument("--projects", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="20 departments")
    add_json_option(parser)
    options = parser.parse_args()
    if options.quick:
        options.departments = 20

    from app import create_app
    from app.checks.rules import check
    from app.services import checking
    from app.services.exporting import plan_document
    from app.services.importing import import_document
    from app.services.setup import init_db

    documents = _documents(options.departments, options.projects)
    indicators = sum(len(p.indicators) for d, _ in documents for p in d.projects)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"DATABASE_URL": f"sqlite:///{folder}/city.sqlite3", "SECRET_KEY": "bench"},
            instance_path=folder,
        )
        with app.app_context():
            init_db()
            started = time.perf_counter()
            for document, _layout in documents:
                import_document(document, 2021)
            built = time.perf_counter() - started
            plans = checking.every_plan()
            rules = _timed(lambda made: check(made[0], 2021, made[1]), documents)
            ceiling = _timed(_bare_fetch, plans)
            read = _timed(plan_document, plans)
            found = []
            stored = _timed(lambda p: found.extend(checking.check_plan(p)), plans)

    def row(name, each):
        total = sum(each)
        return {
            "step": name,
            "seconds": round(total, 3),
            "per_plan_ms_p50": round(statistics.median(each) * 1000, 2),
            "per_plan_ms_max": round(max(each) * 1000, 2),
        }

    results = [row("rules (in memory)", rules), row("ceiling: bare fetch", ceiling)]
    results.append(row("read plans (Document)", read))
    results.append(row("check every stored plan", stored))
    summary = {
        "departments": options.departments,
        "projects": options.departments * options.projects,
        "indicators": indicators,
        "build_seconds": round(built, 1),
        "findings": len(found),
        "errors": sum(f.severity == "E" for f in found),
        "stored_to_ceiling": round(sum(stored) / sum(ceiling), 2),
        "steps": results,
    }
    print(
        f"城市：{summary['departments']}个部门、{summary['projects']}个项目、"
        f"{indicators}条指标（建库 {summary['build_seconds']} s）"
    )
    for item in results:
        print(
            f"  {item['step']:<26} {item['seconds']:>8.3f} s   每个计划 p50 "
            f"{item['per_plan_ms_p50']:>7.2f} ms  最长 {item['per_plan_ms_max']:>7.2f} ms"
        )
    print(
        f"  发现 {summary['findings']} 条（错误 {summary['errors']} 条）；"
        f"检查/读取上限 = {summary['stored_to_ceiling']}"
    )
    city = f"{options.departments}×{options.projects}"
    figures = [
        Figure(f"check every stored plan, city {city}", sum(stored), "s", ceiling=sum(ceiling)),
        Figure("check one stored plan, p50", statistics.median(stored) * 1000, "ms",
               ceiling=statistics.median(ceiling) * 1000),
        Figure("check one stored plan, slowest", max(stored) * 1000, "ms",
               ceiling=max(ceiling) * 1000),
        Figure(f"rules alone, every plan in memory, city {city}", sum(rules), "s"),
        Figure(f"read every plan (Document), city {city}", sum(read), "s", ceiling=sum(ceiling)),
        Figure(f"import the city, {city}", built, "s"),
    ]  # fmt: skip
    report("checks_city", figures, options.json)


if __name__ == "__main__":
    main()
