"""Start-up time: from starting waitress to the first answered page (/login), on the demo
database and on a city; and `flask init-db` on an empty database.

Each start is a fresh process (`waitress-serve wsgi:app`, as `make run` does), timed from the
moment it is started to the first 200 of GET /login, polled every 5 ms; the median of ROUNDS.
The ceiling is the same waitress starting a bare Flask + Peewee app that opens the same
database and answers one page: the interpreter and the libraries, nothing of the site. The city
is made by `flask demo-city` (100 departments × 30 projects; 20 with --quick).

    .venv/bin/python bench/startup.py [--rounds 3] [--departments 100] [--quick] [--json FILE]
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from http.client import HTTPConnection
from pathlib import Path

from report import Figure, add_json_option, report

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

BARE_APP = """
from flask import Flask
from playhouse.db_url import connect
import os

app = Flask(__name__)
db = connect(os.environ["DATABASE_URL"])


@app.get("/login")
def login():
    db.connect(reuse_if_open=True)
    count = db.execute_sql("SELECT count(*) FROM department").fetchone()[0]
    db.close()
    return f"<form>{count}</form>"
"""


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port):
    try:
        connection = HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/login")
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status == 200
    except OSError:
        return False


def first_answer(app, env, cwd):
    """Seconds from starting waitress serving `app` to its first 200 of /login."""
    port = _free_port()
    command = [BIN / "waitress-serve", f"--listen=127.0.0.1:{port}", app]
    started = time.perf_counter()
    server = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        while not _answers(port):
            if server.poll() is not None:
                raise RuntimeError(f"{app} did not start: {server.stderr.read().decode()[-2000:]}")
            if time.perf_counter() - started > 60:
                raise RuntimeError(f"{app} did not answer within 60 s")
            time.sleep(0.005)
        return time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)


def _flask(env, *args):
    """Seconds a `flask --app wsgi …` command takes, start to end."""
    started = time.perf_counter()
    subprocess.run(
        [BIN / "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--departments", type=int, default=100, help="of the city")
    parser.add_argument("--quick", action="store_true", help="2 rounds, a city of 20")
    add_json_option(parser)
    args = parser.parse_args()
    rounds, departments = (2, 20) if args.quick else (args.rounds, args.departments)

    folder = Path(tempfile.mkdtemp(prefix="jixiao-startup-"))
    (folder / "bare_app.py").write_text(BARE_APP)

    def env(name):
        return dict(os.environ, DATABASE_URL=f"sqlite:///{folder}/{name}.sqlite3", SECRET_KEY="x")

    init_empty = statistics.median(_flask(env(f"empty{n}"), "init-db") for n in range(rounds))
    _flask(env("demo"), "init-db", "--demo")
    city_built = _flask(env("city"), "demo-city", "--departments", str(departments))

    figures = [
        Figure("flask init-db, empty database", init_empty * 1000, "ms"),
        Figure(f"flask demo-city, {departments} departments", city_built, "s"),
    ]
    for name in ("demo", "city"):
        site = [first_answer("wsgi:app", env(name), ROOT) for _ in range(rounds)]
        bare = [first_answer("bare_app:app", env(name), folder) for _ in range(rounds)]
        label = "the demo" if name == "demo" else f"a city of {departments} departments"
        figures.append(
            Figure(
                f"start to first page, {label}",
                statistics.median(site) * 1000,
                "ms",
                ceiling=statistics.median(bare) * 1000,
            )
        )
    print(f"waitress, SQLite · median of {rounds} starts · ceiling: bare Flask + Peewee app")
    report("startup", figures, args.json)


if __name__ == "__main__":
    main()
