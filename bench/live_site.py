"""What the benchmarks share: the site served by waitress on a fresh database, and people using it.

`Site` runs `flask init-db --demo`, creates the users asked for and serves the site the way
`make run` does, on a free loopback port (SQLite in a temporary folder, or the PostgreSQL
database a `--database-url` names, which it wipes first). `Person` is one browser: a kept-alive
connection, its own session cookie and the page's CSRF token. Only HTTP and plain SQL are used,
so a script runs unchanged against an older checkout of the site, for before/after figures.
"""

import hashlib
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
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
        """The text of an indicator's cell as the page shows it now."""
        return shown(self.request("GET", f"/cells/indicator/{indicator_id}/{field}")[1])

    def save(self, indicator_id, old, new, field="target"):
        """Save a cell from `old` to `new`; the status (200, 409, 422, 403)."""
        fields = {field: new, f"version-{field}": version(old)}
        return self.send("PUT", f"/cells/indicator/{indicator_id}/{field}", fields)[0]
