"""What the benchmarks share: the site served by waitress on a fresh database, and people using it.

`Site` runs `flask init-db --demo`, creates the users asked for and serves the site the way
`make run` does, on a free loopback port (SQLite in a temporary folder, or the PostgreSQL
database a `--database-url` names, which it wipes first). `Person` is one browser: a kept-alive
connection, its own session cookie and the page's CSRF token. Only HTTP and plain SQL are used,
so a script runs unchanged against an older checkout of the site, for before/after figures.
"""

import hashlib
import html
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from playhouse.db_url import connect

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-0"


def version(text):
    """The cell version an editor sends: a short hash of the value shown (app/domain/fields.py)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def shown(fragment):
    """The text of a cell fragment."""
    return re.sub(r"<[^>]+>", "", fragment).strip()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """The site on a fresh database with the demo data and `users` {name: (role, department)}."""

    def __init__(self, users, database_url=None, threads=4, database_file=None):
        """`database_file`: serve this SQLite file as it is (a city built beforehand) instead of
        a fresh database with the demo data; `users` are still created in it."""
        workdir = tempfile.mkdtemp(prefix="jixiao-bench-")
        self.url = database_url or f"sqlite:///{workdir}/bench.sqlite3"
        if database_file:
            self.url = f"sqlite:///{Path(database_file).resolve()}"
        elif database_url:
            self._wipe()
        env = dict(os.environ, DATABASE_URL=self.url, SECRET_KEY="bench")
        bin_dir = Path(sys.executable).parent
        flask = [bin_dir / "flask", "--app", "wsgi"]
        quiet = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "text": True}
        if not database_file:
            subprocess.run([*flask, "init-db", "--demo"], **quiet)
        for name, (role, department) in users.items():
            extra = ["--department", department] if department else []
            command = [*flask, "create-user", name, "--role", role, *extra]
            subprocess.run(command, input=PASSWORD + "\n", **quiet)
        self.port = _free_port()
        self.server = subprocess.Popen(
            [bin_dir / "waitress-serve", f"--listen=127.0.0.1:{self.port}", f"--threads={threads}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.db = connect(self.url)

    def _wipe(self):
        db = connect(self.url)
        tables = db.get_tables()
        if tables:
            db.execute_sql("DROP TABLE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
        db.close()

    def person(self, name):
        """`name` logged in, once the server answers."""
        deadline = time.monotonic() + 20
        while True:
            try:
                return Person(self.port, name)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def sql(self, query, params=()):
        """Rows of a query on the site's database, read afresh."""
        self.db.close()
        self.db.connect()
        return self.db.execute_sql(query.replace("?", self.db.param), params).fetchall()

    def stop(self):
        self.server.terminate()
        self.server.wait(timeout=10)
        self.db.close()


class Person:
    """One browser: a kept-alive connection, a session cookie and the page's CSRF token."""

    def __init__(self, port, name):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = {}
        form = self.request("GET", "/login")[1]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode({"username": name, "password": PASSWORD, "csrf_token": token})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        status, answer = self.request("POST", "/login", body, headers)
        errors = re.findall(r'class="field-error"[^>]*>([^<]+)', answer)
        assert status == 303, f"login refused ({status}): {errors}"
        page = self.request("GET", "/")[1]
        self.token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, text

    def send(self, method, path, fields, htmx=True):
        """A form as the page sends it, with the CSRF token; (status, body)."""
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.token}
        if htmx:
            headers["HX-Request"] = "true"
        return self.request(method, path, urllib.parse.urlencode(fields), headers)

    def cell(self, indicator_id, field="target"):
        """The value of an indicator's cell now (see `cell_value`)."""
        return cell_value(self.request("GET", f"/cells/indicator/{indicator_id}/{field}")[1])

    def save(self, indicator_id, old, new, field="target"):
        """Save a cell from `old` to `new`; the status (200, 409, 422, 403)."""
        fields = {field: new, f"version-{field}": version(old)}
        return self.send("PUT", f"/cells/indicator/{indicator_id}/{field}", fields)[0]


# For the drills (bench/crash_drill.py, backup_drill.py, two_processes.py): more processes on
# the site's database, a server killed and restarted, and editors saving until told to stop.


def database_env(url):
    """The environment the site's processes run in on the database at `url` (Site's SECRET_KEY)."""
    return dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench")


def site_env(site):
    """The environment a site's processes run in: its DATABASE_URL and SECRET_KEY."""
    return database_env(site.url)


def serve(site, port=None, threads=4):
    """Another waitress process on the site's database (same SECRET_KEY); (process, port)."""
    port = port or _free_port()
    bin_dir = Path(sys.executable).parent
    process = subprocess.Popen(
        [bin_dir / "waitress-serve", f"--listen=127.0.0.1:{port}", f"--threads={threads}", "wsgi:app"],
        cwd=ROOT, env=site_env(site), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return process, port


def wait_until_up(port, timeout=30):
    """Once the server on `port` answers a page (it has imported the app and serves)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/login")
            connection.getresponse().read()
            connection.close()
            return
        except (OSError, http.client.HTTPException):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def kill_server(site):
    """kill -9 the site's server, as a power cut of the process would."""
    site.server.kill()  # SIGKILL
    site.server.wait(timeout=10)


def restart_server(site, threads=4):
    """The site's server started again on its port, once it answers."""
    site.server = serve(site, site.port, threads)[0]
    wait_until_up(site.port)


def reconnect(person, port):
    """A person's browser opens a new connection (to `port`), keeping its session cookie."""
    person.connection.close()
    person.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)


SAVE_COUNT = re.compile(r"^(\d+)/")


def cell_value(fragment):
    """The value a cell fragment holds: its editor's input where it carries one (for those who may
    edit; the cell's text also holds the editor's hints), else the text it shows before any
    template (the bare stack's cell is its value alone)."""
    found = _EDITOR_VALUE.search(fragment)
    if found:
        return html.unescape(found.group(1))
    return html.unescape(shown(fragment.split("<template", 1)[0]))


_EDITOR_VALUE = re.compile(r'<input type="text" name="[a-z_]+"[^>]*? value="([^"]*)"')


class Editors:
    """`people` saving cells in threads until `stop()`: read the cell `N/…`, write `N+1/who.i`
    (unique: no two saves agree by chance) with the version read; a 409 reads again and retries.

    Each save answered is logged as (cell, value, status, answered at, sent at) on
    `time.monotonic()`; a request that got no answer (the server died) is counted in `unanswered`
    and its save logged with status None, then `on_error(person)` is called (to reconnect) and
    the editor goes on. Any status but 200 and 409 is counted in `other` and stops nothing.
    """

    def __init__(self, people, cells, on_error=None):
        self.people, self.cells, self.on_error = people, cells, on_error
        self.saves, self.other, self.unanswered = [], {}, 0
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._work, args=(n, p), daemon=True)
            for n, p in enumerate(people)
        ]

    def start(self):
        for thread in self.threads:
            thread.start()
        return self

    def stop(self):
        self._stop.set()
        for thread in self.threads:
            thread.join(timeout=120)

    def answered(self, until=None):
        """The saves answered 200 (before `until`, if given), in the order answered."""
        return [s for s in self.saves if s[2] == 200 and (until is None or s[3] < until)]

    def _work(self, number, person):
        round_ = 0
        while not self._stop.is_set():
            cell = self.cells[(number + round_) % len(self.cells)]
            value = None
            try:
                status, page = person.request("GET", f"/cells/indicator/{cell}/target")
                if status != 200:
                    with self.lock:
                        self.other[status] = self.other.get(status, 0) + 1
                    continue
                old = cell_value(page)
                count = SAVE_COUNT.match(old)
                value = f"{int(count.group(1)) + 1 if count else 1}/{number}.{round_}"
                sent = time.monotonic()
                status = person.save(cell, old, value)
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.unanswered += 1
                    if value is not None:
                        self.saves.append((cell, value, None, time.monotonic(), sent))
                if self.on_error:
                    self.on_error(person)
                continue
            with self.lock:
                self.saves.append((cell, value, status, time.monotonic(), sent))
                if status not in (200, 409):
                    self.other[status] = self.other.get(status, 0) + 1
            if status == 200:
                round_ += 1


def history_chains(sql, cells, since=0):
    """Each cell's chain of 指标值 edits after change `since`, and what is wrong with it; `sql`
    runs a query on the database to look at (`Site.sql`, or `database_sql(url)`).

    Returns ({cell: [(old, new), …]}, [problems]): a chain must be strictly sequential (each
    change's old is the previous change's new) and end at the value the cell holds.
    """
    chains, problems = {}, []
    for cell in cells:
        rows = sql(
            "SELECT old, new FROM change WHERE id > ? AND entity = 'indicator' AND record_id = ?"
            " AND field = 'target' ORDER BY id",
            (since, cell),
        )
        chains[cell] = rows
        for (_, before), (old, new) in zip(rows, rows[1:], strict=False):
            if old != before:
                problems.append(
                    f"cell {cell}: change {old!r}→{new!r} after one that wrote {before!r}"
                )
        held = sql("SELECT target FROM indicator WHERE id = ?", (cell,))[0][0]
        if rows and rows[-1][1] != held:
            problems.append(f"cell {cell} holds {held!r}, its last change wrote {rows[-1][1]!r}")
    return chains, problems


def missing_saves(chains, saves):
    """The saves (cell, value, …) whose change is in no chain."""
    written = {(cell, new) for cell, rows in chains.items() for _, new in rows}
    return [save for save in saves if (save[0], save[1]) not in written]


def database_sql(url):
    """A function running a query on the database at `url` (`?` for parameters), read afresh."""
    db = connect(url)

    def sql(query, params=()):
        db.close()
        db.connect()
        return db.execute_sql(query.replace("?", db.param), params).fetchall()

    return sql
