"""The server's memory: RSS idle after start-up, after a load of page reads and saves, and its
peak while people log in at once; and how long a login takes, alone and in a crowd.

Starts the site as `make run` does (bench/live_site.py: waitress, 4 threads, the demo data)
and reads the waitress process's /proc/<pid>/status: VmRSS (resident now) and VmHWM (the
highest it has been). The phases, in order:
  - idle: the first page answered, nobody logged in;
  - loaded: READERS people read 首页, the plan and its projects while one editor saves cells,
    ROUNDS times each;
  - logins: CROWD people log in at the same moment, LOGIN_ROUNDS times; a password check is the
    most memory one request takes (argon2id), so this is where the peak is.
Target: peak ≤ 200 MB. With --old-hashes the crowd's passwords are first hashed with
argon2-cffi's default parameters (64 MiB), as before the site moved to lighter ones: the first
round checks them and renews them, the peak of the move.

    .venv/bin/python bench/memory.py [--crowd 8] [--rounds 5] [--old-hashes] [--json FILE]
"""

import argparse
import re
import statistics
import threading
import time
import urllib.parse
from http.client import HTTPConnection

from live_site import PASSWORD, Site
from report import Figure, add_json_option, report

PEAK_TARGET = 200  # MB
READERS = 4


def status_mb(pid):
    """{'VmRSS': MB, 'VmHWM': MB} of a process (MB = 10^6 bytes, as the target says)."""
    figures = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                figures[key] = int(value.split()[0]) * 1024 / 1e6  # kB → MB
    return figures


def reset_peak(pid):
    """Start VmHWM afresh from VmRSS (Linux ≥ 4.0), so that each phase's peak is its own."""
    with open(f"/proc/{pid}/clear_refs", "w") as clear:
        clear.write("5")


def _first_answer(port):
    """Wait until the server answers /login."""
    deadline = time.monotonic() + 30
    while True:
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/login")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _login(port, name, barrier=None):
    """One login through the form, in a browser of its own; seconds the POST took."""
    connection = HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", "/login")
    response = connection.getresponse()
    form = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"username": name, "password": PASSWORD, "csrf_token": token})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    if barrier:
        barrier.wait()
    started = time.perf_counter()
    connection.request("POST", "/login", body, headers)
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    assert response.status == 303, f"login of {name} refused ({response.status})"
    return elapsed


def _load(site, people, editor, rounds):
    """`people` read pages while `editor` saves cells, `rounds` times each."""
    code, year = site.sql(
        "SELECT d.code, p.year FROM plan p JOIN department d ON p.department_id = d.id"
    )[0]
    projects = [row[0] for row in site.sql("SELECT id FROM project")]
    indicators = [row[0] for row in site.sql("SELECT id FROM indicator")][:6]
    pages = ["/", f"/plans/{code}/{year}", *(f"/projects/{p}" for p in projects)]
    failures = []

    def read(person):
        for _ in range(rounds):
            for page in pages:
                status, _ = person.request("GET", page)
                if status != 200:
                    failures.append((page, status))

    def edit(person):
        old = {i: person.cell(i) for i in indicators}
        for round_ in range(rounds * 4):
            for indicator in indicators:
                new = f"memory {round_}"
                if person.save(indicator, old[indicator], new) == 200:
                    old[indicator] = new
                else:
                    old[indicator] = person.cell(indicator)

    threads = [threading.Thread(target=read, args=(p,)) for p in people]
    threads.append(threading.Thread(target=edit, args=(editor,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures[:5]


def _crowd(port, crowd, rounds):
    """`crowd` people log in at the same moment, `rounds` times; every login's seconds."""
    seconds = []
    for _ in range(rounds):
        barrier = threading.Barrier(crowd)
        results = [None] * crowd

        def one(number, barrier=barrier, results=results):
            results[number] = _login(port, f"crowd{number}", barrier)

        threads = [threading.Thread(target=one, args=(n,)) for n in range(crowd)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert None not in results, "a login did not finish"
        seconds.extend(results)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crowd", type=int, default=8, help="people logging in at once")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the load and the crowd")
    parser.add_argument("--quick", action="store_true", help="2 rounds of each")
    parser.add_argument("--old-hashes", action="store_true", help="the crowd's hashes at 64 MiB")
    add_json_option(parser)
    args = parser.parse_args()
    rounds = 2 if args.quick else args.rounds

    users = {"editor": ("editor", "405002")}
    users.update({f"reader{n}": ("viewer", None) for n in range(READERS)})
    users.update({f"crowd{n}": ("viewer", None) for n in range(args.crowd)})
    site = Site(users)
    pid = site.server.pid
    try:
        _first_answer(site.port)
        idle = status_mb(pid)
        alone = [_login(site.port, "crowd0") for _ in range(5)]
        people = [site.person(f"reader{n}") for n in range(READERS)]
        editor = site.person("editor")
        logins_alone = status_mb(pid)  # start-up and one login at a time
        reset_peak(pid)
        _load(site, people, editor, rounds)
        loaded = status_mb(pid)
        if args.old_hashes:
            from argon2 import PasswordHasher

            old = PasswordHasher().hash(PASSWORD)  # RFC 9106 low-memory: 64 MiB
            site.sql("UPDATE \"user\" SET password_hash = ? WHERE username LIKE 'crowd%'", (old,))
        reset_peak(pid)
        crowd = _crowd(site.port, args.crowd, rounds)
        after = status_mb(pid)
    finally:
        site.stop()

    old = ", old 64 MiB hashes" if args.old_hashes else ""
    peak = max(logins_alone["VmHWM"], loaded["VmHWM"], after["VmHWM"])
    in_crowd = statistics.quantiles(crowd, n=100) if len(crowd) > 1 else [crowd[0]] * 99
    figures = [
        Figure("server RSS idle (after start-up)", idle["VmRSS"], "MB"),
        Figure("server RSS peak, one login at a time", logins_alone["VmHWM"], "MB"),
        Figure("server RSS after reads and saves", loaded["VmRSS"], "MB"),
        Figure("server RSS peak during reads and saves", loaded["VmHWM"], "MB"),
        Figure(
            f"server RSS peak of the run ({args.crowd} log in at once{old})",
            peak,
            "MB",
            target=f"≤ {PEAK_TARGET} MB",
            met=peak <= PEAK_TARGET,
        ),
        Figure("server RSS after the logins", after["VmRSS"], "MB"),
        Figure("login alone, p50", statistics.median(alone) * 1000, "ms"),
        Figure(f"login, {args.crowd} at once, p50", in_crowd[49] * 1000, "ms"),
        Figure(f"login, {args.crowd} at once, p99", in_crowd[98] * 1000, "ms"),
    ]
    print(f"waitress, 4 threads, SQLite · {len(crowd)} logins in {rounds} rounds of {args.crowd}")
    report("memory", figures, args.json)


if __name__ == "__main__":
    main()
