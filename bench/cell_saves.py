"""Cell saves on the site against the bare stack's ceiling: the same loads on both, in one run.

Starts the site (bench/live_site.py: waitress on a fresh SQLite database with the demo data, as
`make run` does) and the bare Flask + Peewee app (bench/ceiling_app.py) with the same number of
waitress threads, and runs each load on one, then the other. Every editor and reader is a
person of its own: a kept-alive connection, logged in through the login page with a session of
its own. The loads:
  - distinct cells: 8 editors, each saving its own indicator's 指标值 over and over;
  - hot cells: 8 editors on 4 shared cells, read-modify-write as bench/concurrency_drill.py: a
    save reads the cell `N/…` and writes `N+1/…` with the version it read, and a 409 (someone
    saved first) reads again and retries. Lost saves: the saves answered 200 that the cells'
    counts do not hold (must be 0);
  - with readers: the distinct-cell editors while 4 readers open the project page over and over.
Each load ends when every editor has made `--saves` saves, or after `--seconds`. Latency is per
request (a 409 is a request too). Prints the figures with their ceilings and targets
(bench/report.py); about a minute at the default size.

    .venv/bin/python bench/cell_saves.py [--saves 200] [--seconds 20] [--threads 4] [--json FILE]
    .venv/bin/python bench/cell_saves.py --site-root /tmp/old-checkout   # the same loads, before
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import live_site
from live_site import Person, Site, _free_port
from report import Figure, add_json_option, report

HERE = Path(__file__).resolve().parent
EDITORS, READERS = 8, 4
HOT_CELLS = (1, 2, 3, 4)  # the seed's first indicators, as in bench/concurrency_drill.py
PROJECT_PAGE = "/projects/1"


class Ceiling:
    """bench/ceiling_app.py served on a free port, with as many indicators as the site has."""

    def __init__(self, indicators, threads):
        self.port = _free_port()
        path = Path(tempfile.mkdtemp(prefix="jixiao-ceiling-")) / "ceiling.sqlite3"
        command = [sys.executable, HERE / "ceiling_app.py", path, f"--port={self.port}"]
        command += [f"--threads={threads}", "--indicators=" + ",".join(map(str, indicators))]
        self.server = subprocess.Popen(command, stdout=subprocess.DEVNULL)

    def person(self, _name):
        deadline = time.monotonic() + 20
        while True:
            try:
                return Person(self.port, "bench")
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self):
        self.server.terminate()
        self.server.wait(timeout=10)


class Timed:
    """Requests timed and counted by status, from several threads."""

    def __init__(self):
        self.latencies, self.statuses, self.lock = [], Counter(), threading.Lock()

    def __call__(self, request, *args):
        started = time.perf_counter()
        status = request(*args)
        elapsed = time.perf_counter() - started
        if isinstance(status, tuple):
            status = status[0]
        with self.lock:
            self.latencies.append(elapsed)
            self.statuses[status] += 1
        return status

    def quantiles(self):
        """p50 and p99 in ms."""
        cut = statistics.quantiles(self.latencies, n=100)
        return cut[49] * 1000, cut[98] * 1000


def _together(work, count):
    """Run `work(number)` in `count` threads at once; the wall seconds it took."""
    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def distinct(editors, saves, seconds, readers=()):
    """Each editor saves its own cell `saves` times; `readers` open the project page meanwhile."""
    timed, pages = Timed(), Timed()
    stop_at, done = time.monotonic() + seconds, threading.Event()

    def edit(number):
        indicator_id, person = number + 1, editors[number]
        old = person.cell(indicator_id)
        for round_ in range(saves):
            if time.monotonic() > stop_at:
                return
            new = f"{number}-{round_}"
            old = new if timed(person.save, indicator_id, old, new) == 200 else old

    def read(number):
        while not done.is_set():
            pages(readers[number].request, "GET", PROJECT_PAGE)

    reading = [threading.Thread(target=read, args=(n,)) for n in range(len(readers))]
    for thread in reading:
        thread.start()
    wall = _together(edit, len(editors))
    done.set()
    for thread in reading:
        thread.join()
    return {
        "saves/s": timed.statuses[200] / wall,
        "p50, p99": timed.quantiles(),
        "statuses": dict(timed.statuses),
        "pages": pages.quantiles() if pages.latencies else None,
        "page statuses": dict(pages.statuses),
    }


def hot(editors, saves, seconds):
    """Read-modify-write on shared cells, retrying on 409; how many saves answered 200 are lost."""
    first = editors[0]
    for cell in HOT_CELLS:  # every cell starts at 0
        first.save(cell, first.cell(cell), "0")
    timed, answered, lock = Timed(), Counter(), threading.Lock()
    stop_at = time.monotonic() + seconds

    def edit(number):
        person = editors[number]
        for round_ in range(saves):
            cell = HOT_CELLS[(number + round_) % len(HOT_CELLS)]
            while time.monotonic() < stop_at:
                old = person.cell(cell)
                status = timed(person.save, cell, old, f"{_count(old) + 1}/{number}.{round_}")
                if status == 200:
                    with lock:
                        answered[cell] += 1
                    break
                if status != 409:
                    return

    wall = _together(edit, len(editors))
    stored = {cell: _count(first.cell(cell)) for cell in HOT_CELLS}
    return {
        "saves/s": timed.statuses[200] / wall,
        "p50, p99": timed.quantiles(),
        "statuses": dict(timed.statuses),
        "lost": sum(answered.values()) - sum(stored.values()),
    }


def _count(text):
    return int(text.split("/")[0])


def figures(site, ceiling):
    """The figures of the three loads, each beside the ceiling's and its target."""

    def ms(load, key, index):
        return load[key][index]

    out = []
    s, c = site["distinct"], ceiling["distinct"]
    out.append(Figure("distinct cells: saves/s", s["saves/s"], "saves/s", c["saves/s"]))
    out.append(Figure("distinct cells: save p99", ms(s, "p50, p99", 1), "ms", ms(c, "p50, p99", 1)))
    s, c = site["hot"], ceiling["hot"]
    out.append(
        Figure(
            "hot cells: saves/s",
            s["saves/s"],
            "saves/s",
            c["saves/s"],
            "≥ 60 % of the ceiling",
            s["saves/s"] >= 0.6 * c["saves/s"],
        )
    )
    p99, ceiling_p99 = ms(s, "p50, p99", 1), ms(c, "p50, p99", 1)
    out.append(
        Figure(
            "hot cells: save p99",
            p99,
            "ms",
            ceiling_p99,
            "≤ 2× the ceiling",
            p99 <= 2 * ceiling_p99,
        )
    )
    out.append(Figure("hot cells: lost saves", s["lost"], "saves", c["lost"], "0", s["lost"] == 0))
    s, c = site["readers"], ceiling["readers"]
    out.append(Figure("8 editors + 4 readers: saves/s", s["saves/s"], "saves/s", c["saves/s"]))
    out.append(Figure("8 editors + 4 readers: page p50", s["pages"][0], "ms", c["pages"][0]))
    out.append(
        Figure(
            "8 editors + 4 readers: page p99",
            s["pages"][1],
            "ms",
            c["pages"][1],
            "≤ 100 ms",
            s["pages"][1] <= 100,
        )
    )
    failed = sum(
        n
        for load in site.values()
        for statuses in (load["statuses"], load.get("page statuses", {}))
        for status, n in statuses.items()
        if status not in (200, 409)
    )
    out.append(Figure("answers other than 200 and 409", failed, "requests", None, "0", failed == 0))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=200, help="saves per editor and load")
    parser.add_argument("--seconds", type=float, default=20, help="at most, per load and server")
    parser.add_argument("--threads", type=int, default=4, help="waitress threads of both")
    parser.add_argument("--site-root", type=Path, help="another checkout of the site to serve")
    add_json_option(parser)
    args = parser.parse_args()
    if args.site_root:
        live_site.ROOT = args.site_root.resolve()

    began = time.perf_counter()
    site = Site({"bench": ("admin", None)}, threads=args.threads)
    ceiling = None
    try:
        counts = site.sql(
            "SELECT COUNT(*) FROM indicator WHERE deleted_at IS NULL GROUP BY project_id"
            " ORDER BY project_id"
        )
        ceiling = Ceiling([n for (n,) in counts], args.threads)
        results = {}
        for name, server in (("ceiling", ceiling), ("site", site)):
            with ThreadPoolExecutor(4) as pool:  # logging in costs the site an argon2 check each
                people = list(pool.map(server.person, ["bench"] * (EDITORS + READERS)))
            results[name] = {"people": people}
        loads = (
            ("distinct", lambda p: distinct(p[:EDITORS], args.saves, args.seconds)),
            ("hot", lambda p: hot(p[:EDITORS], args.saves, args.seconds)),
            (
                "readers",
                lambda p: distinct(p[:EDITORS], args.saves, args.seconds, p[EDITORS:]),
            ),
        )
        for load, run in loads:  # each load on the ceiling, then at once on the site
            for name in ("ceiling", "site"):
                results[name][load] = run(results[name]["people"])
    finally:
        site.stop()
        if ceiling is not None:
            ceiling.stop()
    for name in ("ceiling", "site"):
        results[name].pop("people")
        print(name, {load: r["statuses"] for load, r in results[name].items()})
    print(
        f"{EDITORS} editors, {READERS} readers, {args.saves} saves per editor and load; "
        f"waitress {args.threads} threads, SQLite WAL, loopback; {time.perf_counter() - began:.0f} s"
    )
    report("cell_saves", figures(results["site"], results["ceiling"]), args.json)


if __name__ == "__main__":
    main()
