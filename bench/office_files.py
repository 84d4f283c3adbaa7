"""Import and export of a 300-project plan in Word and Excel: time and peak memory, beside the
bare libraries doing the same amount of work (the ceiling), and hostile files refused.

Each step runs in a process of its own, so its peak memory (max RSS, the interpreter and the
libraries included) is its own:
  - export: the plan (300 projects, ~12 indicators each) from the database to .docx / .xlsx;
  - import: that file read and written into an empty database (preview and confirm are the
    same import, made twice);
  - ceiling: python-docx / openpyxl writing (the export's ceiling) and, in another process,
    reading (the import's) the same number of table cells, nothing else;
  - hostile: each kind of hostile file refused, timed.

    .venv/bin/python bench/office_files.py [--projects 300] [--quick] [--json FILE]
"""

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import Figure, add_json_option, report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _plan(projects):
    """A Document of `projects` projects, the seed's three repeated with their own codes."""
    from app.formats.text import read
    from app.services.setup import DEMO_FILE

    seed = read(DEMO_FILE.read_bytes())
    document = read(DEMO_FILE.read_bytes())
    document.projects, document.summaries = [], []
    for number in range(projects):
        project = read(DEMO_FILE.read_bytes()).projects[number % 3]
        project.code = f"405002B21XX{number:04d}"
        project.name = f"{project.name}（{number + 1}）"
        for extra in range(6):  # ~12 indicators a project
            copy = type(project.indicators[0])(**vars(project.indicators[extra % 6]))
            copy.name = f"{copy.name}{extra}"
            project.indicators.append(copy)
        document.projects.append(project)
    document.title = "2021年部门总体绩效目标及保障措施"
    return document, seed


def _app(folder):
    from app import create_app
    from app.services.setup import init_db

    app = create_app(
        {"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "SECRET_KEY": "bench"},
        instance_path=folder,
    )
    with app.app_context():
        init_db()
    return app


def step(name, folder, projects):
    """One measured step, in this process; prints its seconds."""
    folder = Path(folder)
    if name.startswith("export"):
        kind = name.split("-")[1]
        from app.models import Plan
        from app.services.exporting import export
        from app.services.importing import import_document

        app = _app(str(folder))
        with app.app_context():
            import_document(_plan(projects)[0], 2021)
            started = time.perf_counter()
            data = export(Plan.get(), kind)
            elapsed = time.perf_counter() - started
        (folder / f"plan.{kind}").write_bytes(data)
        return elapsed, len(data)
    if name.startswith("import"):
        kind = name.split("-")[1]
        from app.formats.detect import read_file
        from app.services.importing import import_document

        data = (folder / f"plan.{kind}").read_bytes()
        app = _app(str(folder / f"empty-{kind}"))
        with app.app_context():
            started = time.perf_counter()
            report = import_document(read_file(data, f"plan.{kind}"))
            elapsed = time.perf_counter() - started
        return elapsed, report.indicators_created
    if name.startswith("bare"):
        return _ceiling(name.split("-")[0], name.split("-")[1], projects, folder)
    raise ValueError(name)


def _ceiling(step, kind, projects, folder):
    """The bare library writing (bare write) or reading back (bare read) as many 6-column rows
    as the plan's tables."""
    rows = projects * 20
    started = time.perf_counter()
    if kind == "xlsx":
        import openpyxl

        if step == "bare read":
            openpyxl.load_workbook(folder / "bare.xlsx", data_only=True)
        else:
            book = openpyxl.Workbook()
            for number in range(projects):
                sheet = book.create_sheet(f"s{number}")
                for row in range(20):
                    sheet.append([f"单元格{row}-{c}" for c in range(6)])
            book.save(folder / "bare.xlsx")
    else:
        import docx

        if step == "bare read":
            docx.Document(folder / "bare.docx")
        else:
            document = docx.Document()
            for _ in range(projects):
                table = document.add_table(rows=20, cols=6)
                for row in table.rows:
                    for cell in row.cells:
                        cell.text = "单元格"
            document.save(folder / "bare.docx")
    return time.perf_counter() - started, rows


def _measure(name, folder, projects):
    command = [
        sys.executable,
        __file__,
        "--step",
        name,
        "--folder",
        folder,
        "--projects",
        str(projects),
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])  # seconds, size, the process's peak MiB


def _hostile():
    """Seconds to refuse each hostile file of tests/formats/test_hostile_files.py."""
    from app.domain.document import MalformedDocument
    from app.formats.detect import read_file
    from tests.formats.test_hostile_files import HOSTILE

    times = {}
    for name, make, _ in HOSTILE:
        data, filename = make()
        started = time.perf_counter()
        with contextlib.suppress(MalformedDocument):
            read_file(data, filename)
        times[name] = time.perf_counter() - started
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="a plan of 60 projects")
    parser.add_argument("--step")
    parser.add_argument("--folder")
    add_json_option(parser)
    args = parser.parse_args()
    if args.step:
        seconds, size = step(args.step, args.folder, args.projects)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB (Linux: KiB)
        print(json.dumps([seconds, size, peak]))
        return
    projects = 60 if args.quick else args.projects
    folder = tempfile.mkdtemp(prefix="jixiao-office-")
    print(f"a plan of {projects} projects (~12 indicators each); each step in its own process")
    print(f"{'step':<16}{'seconds':>9}{'peak MiB':>10}  what")
    figures = []
    for kind in ("docx", "xlsx"):
        measured = {}
        for name in (f"export-{kind}", f"import-{kind}", f"bare write-{kind}", f"bare read-{kind}"):
            seconds, size, peak = measured[name.split("-")[0]] = _measure(name, folder, projects)
            what = {
                "export": f"{size / 1024:.0f} KiB written",
                "import": f"{size} indicators created",
                "bare write": f"{size} bare rows written",
                "bare read": f"{size} bare rows read back",
            }[name.split("-")[0]]
            print(f"{name:<16}{seconds:>9.2f}{peak:>10.0f}  {what}")
        for step_name, bare in (("export", "bare write"), ("import", "bare read")):
            seconds, _, peak = measured[step_name]
            ceiling_seconds, _, ceiling_peak = measured[bare]
            label = f"{step_name} .{kind}, {projects} projects"
            figures.append(Figure(label, seconds, "s", ceiling=ceiling_seconds))
            figures.append(Figure(f"{label}, peak memory", peak, "MiB", ceiling=ceiling_peak))
    try:
        hostile = _hostile()
    except ImportError as error:  # the hostile files are made by the tests, with pytest
        print(f"hostile files not timed: {error} (make test installs it)")
        hostile = {}
    for name, seconds in hostile.items():
        print(f"hostile: {name:<24} refused in {seconds * 1000:7.1f} ms")
    if hostile:
        slowest = max(hostile, key=hostile.get)
        label = f"slowest hostile file refused ({slowest})"
        figures.append(Figure(label, hostile[slowest] * 1000, "ms"))
    report("office_files", figures, args.json)


if __name__ == "__main__":
    main()
