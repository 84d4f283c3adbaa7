"""Cell-save round trips against the real server: 8 editors at once on loopback.

Starts waitress (as `make run` does) on a fresh SQLite database with the demo data, then 8
threads, each a separate person who logs in with its own session and CSRF token, save one
indicator's 指标值 over and over on a kept-alive connection. Prints saves per second and p50/p99 latency.
Bounded: SAVES per editor, and never longer than LIMIT seconds.

    .venv/bin/python bench/cell_saves.py [--editors 8] [--saves 300]
"""

import argparse
import hashlib
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 120  # seconds, whatever happens
USER, PASSWORD = "bench", "bench-password-0"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def version(text):
    """The cell version the editor sends: see app/domain/fields.py."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


class Editor:
    """One person: a kept-alive connection, a session cookie and the page's CSRF token."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies = {}
        form = self.request("GET", "/login")[1]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode({"username": USER, "password": PASSWORD, "csrf_token": token})
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

    def save(self, indicator_id, old, new):
        body = urllib.parse.urlencode({"target": new, "version-target": version(old)})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": self.token,
            "HX-Request": "true",
        }
        return self.request("PUT", f"/cells/indicator/{indicator_id}/target", body, headers)[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=8)
    parser.add_argument("--saves", type=int, default=300, help="saves per editor")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="jixiao-bench-")
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{workdir}/bench.sqlite3", SECRET_KEY="bench")
    bin_dir = Path(sys.executable).parent
    flask = [bin_dir / "flask", "--app", "wsgi"]
    quiet = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "text": True}
    subprocess.run([*flask, "init-db", "--demo"], **quiet)
    subprocess.run([*flask, "create-user", USER, "--role", "admin"], input=PASSWORD + "\n", **quiet)
    port = free_port()
    server = subprocess.Popen(
        [bin_dir / "waitress-serve", f"--listen=127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                editors = [Editor(port) for _ in range(args.editors)]
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        latencies, statuses = [], {}
        lock = threading.Lock()
        stop_at = time.monotonic() + LIMIT

        def work(number, editor):
            indicator_id = number + 1  # the seed's indicators 1…18: one cell per editor
            current = editor.request("GET", f"/cells/indicator/{indicator_id}/target")[1]
            old = re.sub(r"<[^>]+>", "", current).strip()
            for round_ in range(args.saves):
                if time.monotonic() > stop_at:
                    return
                new = f"{number}-{round_}"
                started = time.perf_counter()
                status = editor.save(indicator_id, old, new)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    statuses[status] = statuses.get(status, 0) + 1
                old = new if status == 200 else old

        threads = [threading.Thread(target=work, args=(n, e)) for n, e in enumerate(editors)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=10)

    latencies.sort()
    cut = statistics.quantiles(latencies, n=100)
    print(f"editors: {args.editors}, saves: {len(latencies)} in {wall:.2f} s, statuses: {statuses}")
    print(f"throughput: {len(latencies) / wall:.0f} saves/s")
    print(
        f"latency: p50 {cut[49] * 1000:.1f} ms, p99 {cut[98] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms"
    )
    print("server: waitress (default 4 threads), SQLite WAL, loopback")


if __name__ == "__main__":
    main()
