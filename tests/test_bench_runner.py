"""`make bench`'s runner: a benchmark that is missing, fails or hangs is a row saying so, and the
others' figures are still in the table and the JSON."""

import importlib.util
import json
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _runner():
    spec = importlib.util.spec_from_file_location("run_all", BENCH / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GOOD = """
import argparse, json
parser = argparse.ArgumentParser()
parser.add_argument("--json")
parser.add_argument("--quick", action="store_true")
args = parser.parse_args()
figure = {"name": "saves" + (" (quick)" if args.quick else ""), "value": 123.0, "unit": "/s",
          "ceiling": 246.0, "target": "", "met": None}
json.dump({"script": "good", "figures": [figure]}, open(args.json, "w"))
"""
FAILING = "import sys\nprint('the server did not start', file=sys.stderr)\nsys.exit(3)\n"
HANGING = (
    "import sys, time\nprint('still building the city', file=sys.stderr, flush=True)\n"
    "time.sleep(600)\n"
)
SILENT = "print('no figures written')\n"


def test_a_missing_failing_or_hanging_benchmark_is_a_row_and_the_others_still_run(
    tmp_path, capsys, monkeypatch
):
    runner = _runner()
    scripts_dir = tmp_path / "scripts"
    scripts_dir.mkdir()
    for name, text in [
        ("good.py", GOOD),
        ("failing.py", FAILING),
        ("hanging.py", HANGING),
        ("silent.py", SILENT),
    ]:
        (scripts_dir / name).write_text(text)
    scripts = [
        runner.Script("failing.py", 30),
        runner.Script("missing.py", 30),
        runner.Script("hanging.py", 1),
        runner.Script("silent.py", 30),
        runner.Script("good.py", 30),
    ]
    monkeypatch.setattr(runner, "SCRIPTS", scripts)
    monkeypatch.setattr(runner, "BENCH", scripts_dir)
    code = runner.main(["--quick", "--results", str(tmp_path / "results")])
    printed = capsys.readouterr().out

    assert code == 1
    table = printed.split("\n\n")[1]
    assert "failing: failed (exit 3)" in table and "missing: missing" in table
    assert "hanging: timeout after 1 s" in table and "silent: failed (no --json figures)" in table
    assert "good: saves (quick)" in table and "0.50" in table  # the figure and its ratio
    assert "the server did not start" in printed and "still building the city" in printed
    combined = Path(printed.rsplit("figures as JSON: ", 1)[1].strip())
    saved = json.loads(combined.read_text())
    assert [s["status"] for s in saved["scripts"]] == [
        "failed (exit 3)",
        "missing",
        "timeout after 1 s",
        "failed (no --json figures)",
        "ok",
    ]
    assert saved["scripts"][-1]["figures"][0]["value"] == 123.0


def test_only_runs_the_benchmarks_named(tmp_path, capsys, monkeypatch):
    runner = _runner()
    (tmp_path / "good.py").write_text(GOOD)
    monkeypatch.setattr(
        runner, "SCRIPTS", [runner.Script("good.py", 30), runner.Script("x.py", 30)]
    )
    monkeypatch.setattr(runner, "BENCH", tmp_path)
    assert runner.main(["--only", "good", "--results", str(tmp_path / "results")]) == 0
    printed = capsys.readouterr().out
    assert "good: saves" in printed and "x:" not in printed and "(quick)" not in printed
