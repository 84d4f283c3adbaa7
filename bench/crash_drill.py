"""The crash drill: kill -9 the server during a stream of saves, again and again; nothing answered is lost.

8 editors save 4 shared cells without pause (read-modify-write as in concurrency_drill.py: read
the cell `N/…`, write `N+1/editor.round` with the version read, read again on a 409). KILLS
times, after a random 0.3–1.0 s of saves, the waitress process is killed by SIGKILL, and while
it is down the database is checked:

- `PRAGMA integrity_check` says ok (SQLite; PostgreSQL has none, and is not asked);
- every save answered 200 so far has its change in the history, and each cell's history is
  strictly sequential (each change's old is the previous change's new) and ends at the value
  the cell holds: so an answered save's value is in its cell or superseded by a later save.

Then the server is started again on the same port and the editors go on with the sessions they
had: a save sent as the server died got no answer, and may or may not have been stored (counted,
not judged). Prints the figures; exit status 1 if a save answered 200 was lost, the database was
not intact, or any answer was other than 200 or 409.

    .venv/bin/python bench/crash_drill.py [--kills 20] [--database-url URL] [--json FILE]
"""

import argparse
import random
import sqlite3
import threading
import time

from live_site import (
    Editors,
    Site,
    history_chains,
    kill_server,
    missing_saves,
    reconnect,
    restart_server,
)
from report import Figure, add_json_option, report

CELLS = (1, 2, 3, 4)  # the seed's first indicators: four shared cells
EDITORS = 8


def integrity(site):
    """`PRAGMA integrity_check` of the site's SQLite file, from a connection of our own."""
    connection = sqlite3.connect(site.url.removeprefix("sqlite:///"))
    try:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20, choices=range(1, 1001), metavar="N")
    parser.add_argument("--database-url", help="a PostgreSQL database to wipe and use")
    parser.add_argument("--seed", type=int, default=12, help="of the random times between kills")
    add_json_option(parser)
    args = parser.parse_args()
    chance = random.Random(args.seed)

    users = {"editor": ("editor", "405002")}  # 8 people, each a session of its own
    site = Site(users, args.database_url)
    sqlite = site.url.startswith("sqlite")
    up = threading.Event()
    up.set()

    def back_up(person):  # an editor whose request got no answer waits for the restart
        up.wait(timeout=60)
        reconnect(person, site.port)

    intact, restarts, problems, lost = 0, [], [], set()
    chains = {}

    def check(when):
        """The database now against every save answered 200 so far."""
        nonlocal chains
        answered = editors.answered()
        found, wrong = history_chains(site.sql, CELLS, mark)
        chains = found
        missing = missing_saves(found, answered)
        lost.update(save[:2] for save in missing)
        for save in missing[:3]:
            wrong.append(f"save answered 200 not in the history: cell {save[0]} {save[1]!r}")
        problems.extend(f"{when}: {problem}" for problem in wrong)
        return answered, missing

    try:
        mark = site.sql("SELECT COALESCE(MAX(id), 0) FROM change")[0][0]
        editors = Editors([site.person("editor") for _ in range(EDITORS)], CELLS, back_up)
        editors.start()
        for kill in range(1, args.kills + 1):
            time.sleep(chance.uniform(0.3, 1.0))
            up.clear()
            kill_server(site)
            # Every save answered so far was answered by the process now dead.
            checked = integrity(site) if sqlite else None  # PostgreSQL has no such check
            intact += checked == ["ok"]
            if checked not in (None, ["ok"]):
                problems.append(f"kill {kill}: integrity_check: " + "; ".join(checked[:3]))
            answered, missing = check(f"kill {kill}")
            said = {None: "not asked (PostgreSQL)", True: "ok", False: "FAILED"}
            print(
                f"kill {kill}: {len(answered)} saves answered so far, integrity "
                f"{said[checked if checked is None else checked == ['ok']]}, lost {len(missing)}"
            )
            started = time.monotonic()
            restart_server(site)
            restarts.append(time.monotonic() - started)
            up.set()
        time.sleep(0.3)
        editors.stop()
        check("at the end")
    finally:
        up.set()
        site.stop()

    answered = editors.answered()
    unanswered = [save for save in editors.saves if save[2] is None]
    stored_anyway = len(unanswered) - len(missing_saves(chains, unanswered))
    unexpected = sum(editors.other.values())
    print(
        f"{args.kills} kills; {len(answered)} saves answered 200, {len(unanswered)} sent as the "
        f"server died ({stored_anyway} of them stored); other answers {editors.other}"
    )
    for problem in problems[:10]:
        print("PROBLEM:", problem)
    print(
        "database:", site.url.split("://")[0], "· server: waitress, 4 threads, loopback",
        "· a shared, noisy machine: the times are indicative",
    )  # fmt: skip
    figures = [
        Figure("kills -9 during saves", args.kills, "kills"),
        Figure("saves answered 200", len(answered), "saves"),
        Figure("saves answered 200 and lost", len(lost), "saves", target="0", met=not len(lost)),
        Figure(
            "integrity_check ok after a kill",
            intact if sqlite else None,
            "kills",
            target=f"{args.kills} of {args.kills}" if sqlite else "PostgreSQL: not asked",
            met=intact == args.kills if sqlite else None,
        ),
        Figure("history problems", len(problems), "problems", target="0", met=not problems),
        Figure("answers other than 200/409", unexpected, "answers", target="0", met=not unexpected),
        Figure("saves sent as the server died", len(unanswered), "saves"),
        Figure("restart until serving, mean", sum(restarts) / len(restarts), "s"),
    ]
    report("crash_drill", figures, args.json)
    raise SystemExit(1 if problems or len(lost) or unexpected else 0)


if __name__ == "__main__":
    main()
