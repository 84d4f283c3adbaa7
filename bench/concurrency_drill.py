"""The concurrency drill: no save lost, and no save landing on a plan submitted meanwhile.

1. Lost updates: 8 editors each make 200 read-modify-write saves on 4 shared cells. A save
   reads the cell `N/…`, writes `N+1/editor.round` (unique, so no two saves agree by chance)
   with the version it read; a 409 (someone saved first) is read again and retried. At the end each cell must hold exactly the
   number of saves that were answered 200 on it, and the history must hold one edit per save.
2. A save racing a submit, 100 times: one editor saves a cell while another submits the plan,
   both released at once; then an admin returns the plan for the next trial. A save answered
   200 must be in the history before that trial's submit; a later one landed on a submitted plan.

Runs against waitress on a fresh database (SQLite, or `--database-url postgresql://…`, which it
wipes) and prints the figures. Only HTTP and plain SQL, so it runs against an older checkout too.

    .venv/bin/python bench/concurrency_drill.py [--database-url URL]
"""

import argparse
import threading
import time
from collections import Counter

from live_site import Site

CELLS = (1, 2, 3, 4)  # the seed's first indicators: four shared cells
EDITORS, SAVES, TRIALS = 8, 200, 100


def lost_updates(site):
    for cell in CELLS:  # every cell starts at 0
        site.person("admin1").save(cell, site.person("admin1").cell(cell), "0")
    first_change = site.sql("SELECT COALESCE(MAX(id), 0) FROM change")[0][0]
    people = [site.person(f"editor{n}") for n in range(EDITORS)]
    answered = Counter()
    retries = Counter()
    lock = threading.Lock()

    def work(number, person):
        for round_ in range(SAVES):
            cell = CELLS[(number + round_) % len(CELLS)]
            while True:
                old = person.cell(cell)
                status = person.save(cell, old, f"{_count(old) + 1}/{number}.{round_}")
                if status == 200:
                    with lock:
                        answered[cell] += 1
                    break
                with lock:
                    retries[status] += 1
                if status != 409:
                    raise AssertionError(f"save answered {status}")

    began = time.perf_counter()
    threads = [threading.Thread(target=work, args=(n, p)) for n, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    stored = {cell: _count(site.person("admin1").cell(cell)) for cell in CELLS}
    edits = site.sql(
        "SELECT COUNT(*) FROM change WHERE id > ? AND action = 'edit' AND field = 'target'",
        (first_change,),
    )[0][0]
    lost = sum(answered.values()) - sum(stored.values())
    print(
        f"lost updates: {EDITORS} editors × {SAVES} saves on {len(CELLS)} cells in {wall:.1f} s: "
        f"{sum(answered.values())} answered 200, {dict(retries)} retried; cells hold {stored} "
        f"(sum {sum(stored.values())}); history edits {edits}; LOST {lost}"
    )
    return lost + abs(edits - sum(answered.values()))


def _count(text):
    return int(text.split("/")[0])


def save_racing_submit(site):
    saver, submitter = site.person("editor0"), site.person("editor1")
    admin = site.person("admin1")
    plan_id = site.sql("SELECT id FROM plan")[0][0]
    outcomes, on_submitted = Counter(), 0
    for trial in range(TRIALS):
        old = saver.cell(CELLS[0])
        start = threading.Barrier(2)
        result = {}

        def save(old=old, trial=trial, result=result, start=start):
            start.wait()
            result["save"] = saver.save(CELLS[0], old, f"race-{trial}")

        def submit(result=result, start=start):
            start.wait()
            result["submit"] = submitter.send("POST", "/plans/405002/2021/submit", {}, False)[0]

        mark = site.sql("SELECT COALESCE(MAX(id), 0) FROM change")[0][0]
        threads = [threading.Thread(target=save), threading.Thread(target=submit)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rows = site.sql(
            "SELECT id, action FROM change WHERE id > ? AND plan_id = ? ORDER BY id",
            (mark, plan_id),
        )
        edit = next((row_id for row_id, action in rows if action == "edit"), None)
        status = next((row_id for row_id, action in rows if action == "status"), None)
        outcomes[(result["save"], "edit before submit" if edit and status and edit < status
                  else "edit after submit" if edit and status else "no edit" if not edit
                  else "no submit")] += 1  # fmt: skip
        if edit is not None and status is not None and edit > status:
            on_submitted += 1
        if site.sql("SELECT status FROM plan WHERE id = ?", (plan_id,))[0][0] == "submitted":
            admin.send("POST", "/plans/405002/2021/return", {"reason": f"第{trial}轮"}, False)
    print(
        f"save racing a submit, {TRIALS} trials: {dict(outcomes)}; "
        f"SAVES ON A SUBMITTED PLAN {on_submitted}"
    )
    return on_submitted


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL database to wipe and use")
    args = parser.parse_args()
    users = {f"editor{n}": ("editor", "405002") for n in range(EDITORS)}
    users["admin1"] = ("admin", None)
    site = Site(users, args.database_url)
    try:
        lost = lost_updates(site)
        landed = save_racing_submit(site)
    finally:
        site.stop()
    print("database:", site.url.split("://")[0], "· server: waitress, 4 threads, loopback")
    raise SystemExit(1 if lost or landed else 0)


if __name__ == "__main__":
    main()
