"""`make bench`: every benchmark in turn, then one table of all their figures and one JSON file.

Each script of SCRIPTS runs as a process of its own (the interpreter running this), with
`--json` into a results folder, bench/results/<UTC time>/, and a timeout; its output goes to
<name>.out and <name>.err there. A script that is missing, fails or runs out of time is a row
saying so, with the end of what it wrote to stderr, and the others still run. At the end: the
table of every figure (bench/report.py), and all.json, the figures of every script together.

    .venv/bin/python bench/run_all.py [--only memory,startup] [--quick]

--quick runs each script's short form: `--quick` for a script that has that option, otherwise
the smaller sizes listed here for it. Exits 1 when a script did not give its figures.
"""

import argparse
import datetime
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from report import Figure, load, table  # noqa: E402

STDERR_TAIL = 12  # lines of a failed script's stderr shown


@dataclass
class Script:
    """A benchmark to run: its file in the folder, how long it may take, and the options that
    make it short for --quick when it has no --quick of its own."""

    file: str
    timeout: float
    quick: list = field(default_factory=list)

    @property
    def name(self):
        return self.file.removesuffix(".py")


# In the order they run. On an idle 2-CPU machine all take ~5 minutes; the timeouts (seconds),
# two to three times a script's usual time, bound the run at 27 minutes whatever happens.
SCRIPTS = [
    Script("cell_saves.py", 180, ["--saves", "60"]),
    Script("city_pages.py", 180),
    Script("scoped_home.py", 120),
    Script("office_files.py", 180, ["--projects", "60"]),
    Script("project_check.py", 60, ["--rounds", "5"]),
    Script("checks_city.py", 180, ["--departments", "20"]),
    Script("memory.py", 120),
    Script("startup.py", 180),
    # The drills: their figures are counts (lost saves, failed integrity checks), not speeds.
    Script("crash_drill.py", 300, ["--kills", "3"]),
    Script("backup_drill.py", 120),
    Script("two_processes.py", 120, ["--seconds", "3"]),
]


def quick_options(script, path):
    """The options that make `script` short: its own --quick, or the listed sizes it takes."""
    source = path.read_text(encoding="utf-8")
    if '"--quick"' in source:
        return ["--quick"]
    options = script.quick
    flags = [option for option in options if option.startswith("--")]
    return options if all(f'"{flag}"' in source for flag in flags) else []


def _stop(process):
    """End a script that ran out of time, and whatever it started (its own process group)."""
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def run_one(script, folder, results, quick=False):
    """Run one script; a dict of what happened: status ('ok', 'missing', 'failed', 'timeout'),
    seconds, figures (a list of Figure) and, unless ok, the end of its stderr."""
    path = Path(folder) / script.file
    outcome = {"script": script.name, "status": "ok", "seconds": 0.0, "figures": []}
    if not path.exists():
        outcome.update(status="missing", stderr_tail=f"{path} does not exist")
        return outcome
    json_path = results / f"{script.name}.json"
    command = [sys.executable, str(path), *(quick_options(script, path) if quick else [])]
    command += ["--json", str(json_path)]
    outcome["command"] = " ".join(command[1:])
    err_path = results / f"{script.name}.err"
    started = time.monotonic()
    with open(results / f"{script.name}.out", "w") as out, open(err_path, "w") as err:
        # A session of its own, so that a timeout ends the servers it started too.
        process = subprocess.Popen(
            command, cwd=BENCH.parent, stdout=out, stderr=err, start_new_session=True
        )
        try:
            code = process.wait(timeout=script.timeout)
        except subprocess.TimeoutExpired:
            _stop(process)
            code = None
        except KeyboardInterrupt:  # its own session does not get the Ctrl-C: pass it on
            _stop(process)
            raise
    outcome["seconds"] = round(time.monotonic() - started, 1)
    if code is None:
        outcome["status"] = f"timeout after {script.timeout:.0f} s"
    elif code != 0:
        outcome["status"] = f"failed (exit {code})"
    elif not json_path.exists():
        outcome["status"] = "failed (no --json figures)"
    else:
        outcome["figures"] = load(json_path)[1]
    if outcome["status"] != "ok":
        lines = err_path.read_text(errors="replace").splitlines()
        outcome["stderr_tail"] = "\n".join(lines[-STDERR_TAIL:])
    return outcome


def rows(outcomes):
    """Every figure, named with its script; a script without figures is a row saying why."""
    figures = []
    for outcome in outcomes:
        if outcome["status"] != "ok":
            name = f"{outcome['script']}: {outcome['status']}"
            figures.append(Figure(name, None, "", target="gives its figures", met=False))
        for figure in outcome["figures"]:
            figures.append(
                Figure(**{**asdict(figure), "name": f"{outcome['script']}: {figure.name}"})
            )
    return figures


def run_all(scripts, folder=None, results_root=None, quick=False, echo=print):
    """Run `scripts` from `folder` (bench/); (outcomes, the combined JSON's path)."""
    folder = folder or BENCH
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    results = Path(results_root or BENCH / "results") / stamp
    results.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for script in scripts:
        echo(f"· {script.file} …", end=" ", flush=True)
        outcome = run_one(script, folder, results, quick)
        echo(f"{outcome['status']} ({outcome['seconds']:.0f} s)")
        outcomes.append(outcome)
    combined = results / "all.json"
    saved = [
        {**outcome, "figures": [asdict(f) for f in outcome["figures"]]} for outcome in outcomes
    ]
    with open(combined, "w", encoding="utf-8") as out:
        json.dump(
            {"started": stamp, "quick": quick, "python": sys.version.split()[0], "scripts": saved},
            out,
            ensure_ascii=False,
            indent=1,
        )
    return outcomes, combined


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated names, e.g. memory,startup")
    parser.add_argument("--quick", action="store_true", help="each script's short form")
    parser.add_argument("--results", help="folder for the results (default bench/results)")
    args = parser.parse_args(argv)
    scripts = SCRIPTS
    if args.only:
        wanted = {name.strip().removesuffix(".py") for name in args.only.split(",")}
        unknown = wanted - {s.name for s in SCRIPTS}
        if unknown:
            parser.error(f"no such benchmark: {', '.join(sorted(unknown))}")
        scripts = [s for s in SCRIPTS if s.name in wanted]
    outcomes, combined = run_all(scripts, results_root=args.results, quick=args.quick)
    print()
    print(table(rows(outcomes)))
    for outcome in outcomes:
        if outcome["status"] != "ok":
            print(f"\n{outcome['script']}: {outcome['status']}; the end of its stderr:")
            print(outcome["stderr_tail"])
    print(f"\nfigures as JSON: {combined}")
    return 0 if all(o["status"] == "ok" for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
