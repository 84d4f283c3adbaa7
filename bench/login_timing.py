"""Login timing: a known name and an unknown one take as long; logins do not hold up saves.

1. 50 logins with a wrong password for a known name, and 50 for an unknown name, through the
   server with the real argon2id parameters; the throttle is cleared before each, so every one
   is checked. Prints the median and the spread of each: when they differ, names can be probed.
2. 16 people log in at once, over and over, while an editor saves a cell: prints the saves'
   latency (a password check inside the write transaction made a save wait behind every login).

    .venv/bin/python bench/login_timing.py
"""

import statistics
import threading
import time
import urllib.parse

from live_site import PASSWORD, Site

ROUNDS = 50
CROWD = 16


def _login(person, name, password):
    """One login through the form; (status, seconds)."""
    status, form = person.request("GET", "/login")
    token = form.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    body = urllib.parse.urlencode({"username": name, "password": password, "csrf_token": token})
    started = time.perf_counter()
    status, _ = person.request(
        "POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    return status, time.perf_counter() - started


def _figures(seconds):
    ms = sorted(s * 1000 for s in seconds)
    return f"median {statistics.median(ms):.1f} ms (min {ms[0]:.1f}, max {ms[-1]:.1f})"


def known_and_unknown(site):
    person = site.person("editor")
    timings = {"known name": [], "unknown name": []}
    for _ in range(ROUNDS):
        for label, name in (("known name", "editor"), ("unknown name", "nobody-here")):
            site.sql("DELETE FROM login_throttle")
            status, seconds = _login(person, name, "a-wrong-password")
            assert status == 422, status
            timings[label].append(seconds)
    for label, seconds in timings.items():
        print(f"wrong password, {label}: {_figures(seconds)} over {ROUNDS}")


def saves_beside_logins(site):
    editor = site.person("editor")
    crowd = [site.person(f"user{n}") for n in range(CROWD)]
    stop = threading.Event()

    def log_in_again(person, name):
        while not stop.is_set():
            _login(person, name, PASSWORD)

    threads = [
        threading.Thread(target=log_in_again, args=(p, f"user{n}")) for n, p in enumerate(crowd)
    ]
    for thread in threads:
        thread.start()
    latencies, old = [], editor.cell(1)
    try:
        for round_ in range(30):
            new = f"beside the logins {round_}"
            started = time.perf_counter()
            status = editor.save(1, old, new)
            latencies.append(time.perf_counter() - started)
            old = new if status == 200 else editor.cell(1)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    print(f"a save while {CROWD} people log in: {_figures(latencies)} over {len(latencies)}")


def main():
    users = {"editor": ("editor", "405002")}
    users.update({f"user{n}": ("viewer", None) for n in range(CROWD)})
    site = Site(users)
    try:
        known_and_unknown(site)
        saves_beside_logins(site)
    finally:
        site.stop()
    print("argon2id with its production parameters · waitress, 4 threads · SQLite")


if __name__ == "__main__":
    main()
