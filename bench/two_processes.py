"""Two processes, one database: the hot-cell load across two waitress processes, and what must hold across them.

Two waitress processes serve the site on one database (`--database-url postgresql://…`, which it
wipes; without it, one SQLite file), with the same SECRET_KEY, as the README's deployment
section sets them up behind one address. Each person's requests go to the two processes in turn
(A B B A …), so a session made on one is used on the other and every read-modify-write crosses
from one process to the other.

1. Hot cells: 8 editors save 4 shared cells for `--seconds` (read the cell `N/…`, write
   `N+1/editor.round` with the version read; a 409 reads again and retries, as in
   concurrency_drill.py). Then: 0 lost (each cell's count equals the saves answered 200 on it,
   and each such save's change is in the history), 0 answers 5xx, and the write order holds:
   each cell's history is strictly sequential (each change's old is the previous change's new).
2. Sessions: a session made on one process is used on the other, and logging out on one ends
   it on both.
3. Login throttling: 5 wrong passwords for one account, spread over both processes, lock it on
   both (the right password is refused on either); then 10 wrong passwords at once, 5 on each,
   for another account: it is locked on both, and the failures counted are reported against
   those made.

On SQLite the same is measured with two processes on one file: each process queues its own
writers, and the two processes meet in SQLite's lock (its busy timeout), not in one queue.

    .venv/bin/python bench/two_processes.py [--database-url URL] [--seconds 10] [--json FILE]
"""

import argparse
import http.client
import re
import threading
import time
import urllib.parse
from collections import Counter

from live_site import (
    PASSWORD,
    Editors,
    Person,
    Site,
    history_chains,
    missing_saves,
    serve,
    wait_until_up,
)
from report import Figure, add_json_option, report

CELLS = (1, 2, 3, 4)  # the seed's first indicators: four shared cells
EDITORS = 8
LOCKED = "登录失败次数过多"
WRONG = "用户名或密码不正确"


class Alternating(Person):
    """A browser whose requests go to two processes in turn, A B B A …: a read and the save
    after it always go to different processes, and its saves to each in turn."""

    def __init__(self, ports, name):
        self.ports = ports
        self.connections = [http.client.HTTPConnection("127.0.0.1", p, timeout=60) for p in ports]
        self.turn = 0
        self.answers = Counter()  # (port, method, status)
        super().__init__(ports[0], name)

    def request(self, method, path, body=None, headers=None):
        which = (self.turn + self.turn // 2) % 2
        self.turn += 1
        self.connection = self.connections[which]
        status, text = super().request(method, path, body, headers)
        self.answers[(self.ports[which], method, status)] += 1
        return status, text


def attempt(port, name, password):
    """A login on `port` from a fresh browser: (status, the form's error or '')."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", "/login")
        response = connection.getresponse()
        form = response.read().decode("utf-8")
        cookie = response.getheader("Set-Cookie", "").split(";", 1)[0]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode({"username": name, "password": password, "csrf_token": token})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        connection.request("POST", "/login", body, headers)
        response = connection.getresponse()
        answer = response.read().decode("utf-8")
        error = re.findall(r'class="field-error"[^>]*>([^<]+)', answer)
        return response.status, " ".join(error)
    finally:
        connection.close()


def hot_cells(site, ports, seconds):
    mark = site.sql("SELECT COALESCE(MAX(id), 0) FROM change")[0][0]
    people = [Alternating(ports, "editor") for _ in range(EDITORS)]
    editors = Editors(people, CELLS)
    began = time.perf_counter()
    editors.start()
    time.sleep(seconds)
    editors.stop()
    wall = time.perf_counter() - began
    answered = editors.answered()
    per_cell = Counter(save[0] for save in answered)
    held = {
        cell: site.sql("SELECT target FROM indicator WHERE id = ?", (cell,))[0][0] for cell in CELLS
    }
    counts = {
        cell: int(m.group(1)) if (m := re.match(r"(\d+)/", held[cell])) else 0 for cell in CELLS
    }
    chains, order_problems = history_chains(site.sql, CELLS, mark)
    missing = missing_saves(chains, answered)
    lost = sum(per_cell.values()) - sum(counts.values())
    answers = sum((person.answers for person in people), Counter())
    server_errors = sum(n for (_, _, status), n in answers.items() if status >= 500)
    saves_by_port = {port: answers[(port, "PUT", 200)] for port in ports}
    retries = sum(
        n for (_, method, status), n in answers.items() if method == "PUT" and status == 409
    )
    print(
        f"hot cells: {EDITORS} editors on {len(CELLS)} cells over 2 processes for {wall:.1f} s: "
        f"{len(answered)} saves answered 200 ({saves_by_port} by port), {retries} answered 409 and "
        f"retried; cells count {counts}, saves on them {dict(per_cell)}; LOST {lost}, "
        f"not in the history {len(missing)}, 5xx {server_errors}, unanswered {editors.unanswered}"
    )
    for problem in order_problems[:5]:
        print("WRITE ORDER:", problem)
    return {
        "answered": len(answered),
        "rate": len(answered) / wall,
        "lost": max(lost, 0) + len(missing) + abs(min(lost, 0)) + editors.unanswered,
        "server_errors": server_errors,
        "order": len(order_problems),
        "by_port": saves_by_port,
        "changes": sum(len(rows) for rows in chains.values()),
    }


def sessions(site, ports):
    """A session made on one process works on the other; logging out on one ends it on both."""
    person = Person(ports[0], "editor")
    on_other = Person.__new__(Person)  # the same browser, talking to the other process
    on_other.connection = http.client.HTTPConnection("127.0.0.1", ports[1], timeout=60)
    on_other.cookies, on_other.token = person.cookies, person.token
    works = on_other.request("GET", "/")[0] == 200
    on_other.send("POST", "/logout", {}, htmx=False)
    ended = all(
        Person.request(browser, "GET", "/")[0] in (302, 303) for browser in (person, on_other)
    )
    print(f"sessions: made on {ports[0]}, used on {ports[1]}: {works}; logged out on {ports[1]}, "
          f"ended on both: {ended}")  # fmt: skip
    return works and ended


def throttling(site, ports):
    """Failures spread over both processes lock the account on both."""
    for n in range(5):
        status, error = attempt(ports[n % 2], "victim0", "wrong-password")
        assert status == 422 and WRONG in error, (status, error)
    spread = [LOCKED in attempt(port, "victim0", PASSWORD)[1] for port in ports]

    start = threading.Barrier(10)
    outcomes = Counter()
    lock = threading.Lock()

    def guess(port):
        start.wait()
        status, error = attempt(port, "victim1", "wrong-password")
        with lock:
            outcomes[
                "evaluated" if WRONG in error else "locked" if LOCKED in error else status
            ] += 1

    threads = [threading.Thread(target=guess, args=(ports[n % 2],)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counted = site.sql("SELECT failures FROM login_throttle WHERE key = 'user:victim1'")
    counted = counted[0][0] if counted else 0
    at_once = [LOCKED in attempt(port, "victim1", PASSWORD)[1] for port in ports]
    print(
        f"throttling: 5 failures spread over both processes lock the account on "
        f"{sum(spread)} of 2; 10 failures at once, 5 on each: {dict(outcomes)}, "
        f"{counted} counted, locked on {sum(at_once)} of 2"
    )
    return all(spread), all(at_once), outcomes["evaluated"], counted


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL database to wipe and use")
    parser.add_argument("--seconds", type=float, default=10.0, help="of hot-cell saves")
    add_json_option(parser)
    args = parser.parse_args()
    users = {"editor": ("editor", "405002")}  # 8 people, each a session of its own
    users |= {"victim0": ("editor", "405002"), "victim1": ("editor", "405002")}
    site = Site(users, args.database_url)
    other, other_port = serve(site)
    try:
        site.person("editor")  # the first process answers
        wait_until_up(other_port)
        ports = (site.port, other_port)
        load = hot_cells(site, ports, args.seconds)
        sessions_hold = sessions(site, ports)
        spread, at_once, evaluated, counted = throttling(site, ports)
    finally:
        other.terminate()
        other.wait(timeout=10)
        site.stop()
    print(
        "database:", site.url.split("://")[0],
        "· 2 waitress processes, 4 threads each, loopback",
        "· a shared, noisy machine: the rate is indicative",
    )  # fmt: skip
    figures = [
        Figure("hot-cell saves answered 200, 2 processes", load["answered"], "saves"),
        Figure("hot-cell saves per second, 2 processes", load["rate"], "saves/s"),
        Figure("saves lost", load["lost"], "saves", target="0", met=not load["lost"]),
        Figure(
            "answers 5xx",
            load["server_errors"],
            "answers",
            target="0",
            met=not load["server_errors"],
        ),  # fmt: skip
        Figure(
            "history out of order", load["order"], "changes", target="0", met=not load["order"]
        ),  # fmt: skip
        Figure(
            "session made on one process holds on the other",
            sessions_hold,
            "yes",
            target="yes",
            met=sessions_hold,
        ),  # fmt: skip
        Figure(
            "5 failures over both processes lock on both", spread, "yes", target="yes", met=spread
        ),  # fmt: skip
        Figure("10 failures at once, locked on both", at_once, "yes", target="yes", met=at_once),
        Figure("of 10 failures at once, passwords checked", evaluated, "guesses"),
        Figure("of 10 failures at once, counted", counted, "failures"),
    ]
    report("two_processes", figures, args.json)
    bad = load["lost"] or load["server_errors"] or load["order"]
    raise SystemExit(1 if bad or not (sessions_hold and spread and at_once) else 0)


if __name__ == "__main__":
    main()
