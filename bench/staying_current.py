"""The cost of pages that stay current: 50 open pages polling "what changed since" while a few
editors save cells, against the real server, beside a bare Flask + Peewee poll (the ceiling).

Starts waitress on a fresh SQLite database with the demo data (bench/live_site.py, as `make run`
does) and logs in READERS readers and EDITORS editors; the 50 pages are the readers' tabs (a
session each, a connection per tab), most on the seed's three project pages, one in five on the
plan page. Each page polls `GET /plans/<code>/<year>/changes?since=…[&project=…]` every
`--interval` seconds (4, what the pages are told: app/web/live.py), staggered, as static/app.js
does: it fetches the fragment of each changed cell it shows and keeps `last`. Three phases of
`--seconds` each, the server's CPU (process CPU seconds / wall seconds, from /proc) read over each:
  - pages open: the pages poll, nobody saves (after one interval, so each page's presence row is
    written); then idle CPU is read before it, with nothing open;
  - + editors: each editor opens a cell (POST presence), saves it (PUT), closes it (POST presence)
    every 2-4 s, and the pages fetch the cells they show; the CPU includes the editors' requests;
  - ceiling: a bare Flask app under the same waitress (4 threads), one kept Peewee connection per
    thread, answering the same poll with one indexed query on the same database file, no session,
    polled by as many pages at the same rate.
Prints requests per minute per open page, poll p50/p99, server CPU, then JSON. About 50 s.

    .venv/bin/python bench/staying_current.py [--pages 50] [--interval 4] [--seconds 10]
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from live_site import Person, Site, _free_port

ROOT = Path(__file__).resolve().parent.parent
PLAN = "/plans/405002/2021"
READERS = 5  # people reading, each with several pages open
EDITORS = 2
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def cpu_share(pid, seconds):
    """CPU seconds per wall second of a process over `seconds` of whatever is happening."""
    before, started = cpu_seconds(pid), time.perf_counter()
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / (time.perf_counter() - started)


class Page:
    """One open page: a person's kept-alive connection polling the plan or a project."""

    def __init__(self, person, project_id, since, cells=None):
        self.person, self.project_id, self.since = person, project_id, since
        self.requests, self.latencies, self.cells_seen = 0, [], 0
        self.cells = cells  # the ids of the cells on the page (None: every cell)

    def poll(self, path="/changes"):
        query = f"?since={self.since}" + (f"&project={self.project_id}" if self.project_id else "")
        started = time.perf_counter()
        status, body = self.person.request("GET", PLAN + path + query)
        self.latencies.append(time.perf_counter() - started)
        self.requests += 1
        assert status == 200, (status, body[:200])
        answer = json.loads(body)
        self.since = answer["last"]
        for cell in answer["cells"]:  # the browser fetches the changed cells it shows
            if self.cells is not None and cell["id"] not in self.cells:
                continue
            status, _ = self.person.request("GET", cell["url"], headers={"HX-Request": "true"})
            self.requests += 1
            self.cells_seen += 1


class Pollers:
    """Every page polls every `interval` seconds, staggered, until stopped."""

    def __init__(self, pages, interval, path="/changes"):
        self.pages, self.interval, self.path = pages, interval, path
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._loop, args=item) for item in enumerate(pages)]

    def _loop(self, number, page):
        next_at = time.monotonic() + self.interval * number / len(self.pages)
        while not self.stopping.wait(max(0, next_at - time.monotonic())):
            page.poll(self.path)
            next_at += self.interval

    def start(self):
        for thread in self.threads:
            thread.start()
        return self

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join()


class Phase:
    """A stretch of the run: the server's CPU and what the pages did meanwhile."""

    def __init__(self, pid, pages):
        self.pid, self.pages = pid, pages
        self.cpu, self.started = cpu_seconds(pid), time.perf_counter()
        self.marks = [(len(p.latencies), p.requests, p.cells_seen) for p in pages]

    def end(self):
        wall = time.perf_counter() - self.started
        cpu = cpu_seconds(self.pid) - self.cpu
        latencies, requests, cells = [], 0, 0
        for page, (polls, asked, seen) in zip(self.pages, self.marks, strict=True):
            latencies += page.latencies[polls:]
            requests += page.requests - asked
            cells += page.cells_seen - seen
        p50, p99 = quantiles(latencies)
        return {
            "seconds": round(wall, 1),
            "polls": len(latencies),
            "cell_fragments": cells,
            "requests_per_minute_per_page": round(requests / len(self.pages) / (wall / 60), 1),
            "poll_p50_ms": p50,
            "poll_p99_ms": p99,
            "cpu": round(cpu / wall, 3),
            "cpu_ms_per_request": round(cpu / max(requests, 1) * 1000, 2),
            "slowest_ms": [round(x * 1000, 1) for x in sorted(latencies)[-5:]],
        }


def edit_loop(editor, indicator_id, stop, counts):
    """An editor opening, saving and closing one cell every 2–4 seconds."""
    cell = f"cell-{indicator_id}-target"
    old = editor.cell(indicator_id)
    round_ = 0
    while not stop.is_set():
        editor.send("POST", PLAN + "/presence", {"cell": cell, "project": 1})
        new = f"第{round_}次 {indicator_id}"
        status = editor.save(indicator_id, old, new)
        old = new if status == 200 else editor.cell(indicator_id)
        editor.send("POST", PLAN + "/presence", {"cell": "", "project": 1})
        counts[status] = counts.get(status, 0) + 1
        round_ += 1
        stop.wait(random.uniform(2, 4))


def bare_server(url, port):
    """The ceiling: Flask + one kept Peewee connection per thread, one indexed query a poll."""
    from flask import Flask, jsonify, request
    from playhouse.db_url import connect
    from waitress import serve

    db = connect(url)
    app = Flask("bare")

    @app.get(PLAN + "/bare")
    def changes():
        since = int(request.args["since"])
        rows = db.execute_sql(
            "SELECT id, user FROM change WHERE plan_id = ? AND id > ? ORDER BY id LIMIT 201",
            (1, since),
        ).fetchall()
        return jsonify(last=max([since, *(row[0] for row in rows)]), cells=[], rows=False)

    serve(app, host="127.0.0.1", port=port, threads=4, _quiet=True)


def quantiles(latencies):
    cut = statistics.quantiles(latencies, n=100)
    return round(cut[49] * 1000, 2), round(cut[98] * 1000, 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--interval", type=float, default=4.0, help="seconds between polls")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--bare-server", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        return bare_server(args.bare_server[0], int(args.bare_server[1]))

    began = time.perf_counter()
    users = {f"reader{n}": ("viewer", None) for n in range(READERS)}
    users.update({f"editor{n}": ("editor", "405002") for n in range(EDITORS)})
    site = Site(users)
    bare = None
    try:
        with ThreadPoolExecutor(4) as pool:
            readers = list(pool.map(site.person, users))
        editors, readers = readers[READERS:], readers[:READERS]
        since = int(site.sql("SELECT MAX(id) FROM change")[0][0] or 0)
        # A reader has several tabs open (one session, a connection each); most are project
        # pages (the seed's three projects), one in five the plan page.
        shown = {}
        for project in (None, 1, 2, 3):
            url = f"/projects/{project}" if project else PLAN
            shown[project] = set(
                re.findall(r'id="(cell-[^"]+)"', readers[0].request("GET", url)[1])
            )
        pages = []
        for n in range(args.pages):
            project = None if n % 5 == 4 else 1 + n % 3
            pages.append(Page(tab(readers[n % READERS]), project, since, shown[project]))
        pid = site.server.pid
        results = {"idle": {"cpu": round(cpu_share(pid, 2), 3)}}

        pollers = Pollers(pages, args.interval).start()
        time.sleep(args.interval)  # every page has polled once: its presence is written
        phase = Phase(pid, pages)
        time.sleep(args.seconds)
        results["polls"] = phase.end()

        stop, counts = threading.Event(), {}
        workers = [
            threading.Thread(target=edit_loop, args=(editor, 1 + n, stop, counts))
            for n, editor in enumerate(editors)
        ]
        phase = Phase(pid, pages)
        for worker in workers:
            worker.start()
        time.sleep(args.seconds)
        stop.set()
        for worker in workers:
            worker.join()
        results["polls_and_saves"] = phase.end()
        results["polls_and_saves"]["saves"] = counts
        pollers.stop()
        results["presence_rows"] = site.sql("SELECT COUNT(*) FROM presence")[0][0]

        port = _free_port()
        here = [sys.executable, __file__, "--bare-server", site.url, str(port)]
        bare = subprocess.Popen(here, cwd=ROOT / "bench")
        bare_pages = [Page(Bare(port), None, since) for _ in range(args.pages)]
        bare_pages[0].poll("/bare")  # the server is up
        results["ceiling_idle"] = {"cpu": round(cpu_share(bare.pid, 2), 3)}
        pollers = Pollers(bare_pages, args.interval, "/bare").start()
        phase = Phase(bare.pid, bare_pages)
        time.sleep(args.seconds)
        results["ceiling"] = phase.end()
        pollers.stop()
    finally:
        site.stop()
        if bare is not None:
            bare.terminate()
            bare.wait(timeout=10)
    results.update(pages=args.pages, interval_s=args.interval, editors=EDITORS)
    results["total_s"] = round(time.perf_counter() - began, 1)
    report(results)


def report(results):
    """The table, then the JSON."""
    polls, saves, ceiling = results["polls"], results["polls_and_saves"], results["ceiling"]
    print(
        f"{results['pages']} open pages polling every {results['interval_s']:g} s "
        f"({READERS} readers' tabs); then {results['editors']} editors saving a cell every 2-4 s"
    )
    columns = ("pages open", "+ editors", "ceiling")
    print(f"{'':36}" + "".join(f"{c:>12}" for c in columns))
    rows = (
        ("requests / minute / open page", "requests_per_minute_per_page"),
        ("poll p50 (ms)", "poll_p50_ms"),
        ("poll p99 (ms)", "poll_p99_ms"),
        ("server CPU (CPU s / wall s)", "cpu"),
        ("server CPU per request (ms)", "cpu_ms_per_request"),
        ("cell fragments fetched", "cell_fragments"),
    )
    for label, key in rows:
        print(f"{label:36}" + "".join(f"{phase[key]:>12}" for phase in (polls, saves, ceiling)))
    print(
        f"server CPU idle: site {results['idle']['cpu']}, ceiling "
        f"{results['ceiling_idle']['cpu']} CPU s / s; saves {saves['saves']}; "
        f"presence rows {results['presence_rows']}; {results['total_s']} s in all"
    )
    print(json.dumps(results, ensure_ascii=False))


def tab(person):
    """Another tab of a person's browser: the same session, a connection of its own."""
    copy = Person.__new__(Person)
    copy.connection = _connect(person.connection.port)
    copy.cookies, copy.token = person.cookies, person.token
    return copy


class Bare(Person):
    """A page of the bare ceiling: a connection, no session."""

    def __init__(self, port):
        self.connection, self.cookies = _connect(port), {}

    def request(self, method, path, body=None, headers=None):
        deadline = time.monotonic() + 20
        while True:
            try:
                return super().request(method, path, body, headers)
            except ConnectionRefusedError:
                if time.monotonic() > deadline:
                    raise
                self.connection.close()
                time.sleep(0.1)


def _connect(port):
    import http.client

    return http.client.HTTPConnection("127.0.0.1", port, timeout=60)


if __name__ == "__main__":
    main()
