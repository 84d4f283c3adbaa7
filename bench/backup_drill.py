"""The backup drill: a backup taken while 8 editors save, restored into an empty database, checked record by record.

8 editors save 4 shared cells without pause (read-modify-write as in concurrency_drill.py).
After `--before` seconds `flask --app wsgi backup -o FILE` runs on the site's database while they
go on; a moment after it ends they stop, and so does the site. Then `flask --app wsgi restore
FILE` writes the backup into an empty database, and the drill checks there:

- every table holds exactly the rows the backup holds, record by record (read from the backup
  itself: the gunzipped SQLite file, or the rows of `pg_restore --data-only`), but the findings
  counted for 首页 (plan_check), which a restore drops to be counted afresh;
- every save answered 200 before the backup began is there, with its change in the history,
  and no save sent after the backup ended is;
- each cell's history is strictly sequential and ends at the value the cell holds;
- `PRAGMA integrity_check` is ok (SQLite);
- the site started on the restored database takes a save, filed after the restored changes.

SQLite: the site's database is a temporary file, restored into a new file. PostgreSQL
(`--database-url`, which it wipes): the restore goes into the same database, wiped after the site
stopped, since the drill may not be allowed to create databases (CI's role cannot).

    .venv/bin/python bench/backup_drill.py [--before 2] [--database-url URL] [--json FILE]
"""

import argparse
import gzip
import io
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

from live_site import (
    ROOT,
    Editors,
    Person,
    Site,
    database_env,
    database_sql,
    history_chains,
    missing_saves,
    serve,
    version,
    wait_until_up,
)
from playhouse.db_url import connect
from report import Figure, add_json_option, report

CELLS = (1, 2, 3, 4)  # the seed's first indicators: four shared cells
EDITORS = 8
CACHES = {"plan_check"}  # counted afresh after a restore (app/services/setup.py init_db)
FLASK = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]


def flask(url, *args):
    """A flask command on the database at `url`; its output, or SystemExit with it."""
    env = database_env(url)
    done = subprocess.run([*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"flask {args[0]} failed: {done.stdout}{done.stderr}")
    return done.stdout


def sqlite_tables(path):
    """{table: sorted rows} of an SQLite file, every table but SQLite's own."""
    connection = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: sorted(connection.execute(f'SELECT * FROM "{name}"'), key=repr) for name in names
        }
    finally:
        connection.close()


COPY = re.compile(r"^COPY public\.(\S+) \((.*)\) FROM stdin;$")


def dump_tables(path):
    """({table: sorted COPY lines}, {table: its columns}) of a pg_dump file, as
    `pg_restore --data-only` writes them."""
    text = subprocess.run(
        ["pg_restore", "--data-only", "-f", "-", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    tables, columns, current = {}, {}, None
    for line in text.splitlines():
        if current is not None:
            if line == "\\.":
                current = None
            else:
                tables[current].append(line)
            continue
        match = COPY.match(line)
        if match:
            current = match.group(1).strip('"')
            tables[current], columns[current] = [], match.group(2)
    return {name: sorted(rows) for name, rows in tables.items()}, columns


def pg_tables(url, columns):
    """{table: sorted COPY lines} of the PostgreSQL database at `url`: the tables of `columns`,
    each read with the columns in the dump's order, and any other table there as empty."""
    db = connect(url)
    try:
        cursor = db.connection().cursor()
        tables = {}
        for name, listed in columns.items():
            out = io.StringIO()
            cursor.copy_expert(f'COPY public."{name}" ({listed}) TO STDOUT', out)
            tables[name] = sorted(out.getvalue().splitlines())
        query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        for (name,) in db.execute_sql(query).fetchall():
            tables.setdefault(name, [])
    finally:
        db.close()
    return tables


def compare(backed_up, restored):
    """(records checked, [problems]) comparing {table: rows} of the backup and the restore."""
    checked, problems = 0, []
    for name in sorted(set(backed_up) | set(restored)):
        if name in CACHES:
            continue
        want, got = backed_up.get(name), restored.get(name)
        if want is None or got is None:
            problems.append(f"table {name}: only in the {'restore' if want is None else 'backup'}")
            continue
        checked += len(want)
        if want != got:
            extra = Counter(map(repr, got)) - Counter(map(repr, want))
            gone = Counter(map(repr, want)) - Counter(map(repr, got))
            problems.append(
                f"table {name}: {sum(gone.values())} records of the backup missing, "
                f"{sum(extra.values())} not in the backup (e.g. {next(iter(gone or extra))[:120]})"
            )
    return checked, problems


def restored_site_saves(url, chains):
    """Whether the site, started on the restored database, takes a save and files its change
    after the restored ones (PostgreSQL's sequences restored too)."""
    process, port = serve(SimpleNamespace(url=url))
    try:
        wait_until_up(port)
        person = Person(port, "editor")
        cell = CELLS[0]
        old = chains[cell][-1][1] if chains[cell] else person.cell(cell)
        fields = {"target": "restored/ok", "version-target": version(old)}
        status = person.send("PUT", f"/cells/indicator/{cell}/target", fields)[0]
    finally:
        process.terminate()
        process.wait(timeout=10)
    last = database_sql(url)(
        "SELECT new FROM change WHERE entity = 'indicator' AND record_id = ? ORDER BY id DESC",
        (cell,),
    )
    return status == 200 and last[0][0] == "restored/ok"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=float, default=2.0, help="seconds of saves before it")
    parser.add_argument("--database-url", help="a PostgreSQL database to wipe and use")
    add_json_option(parser)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-backup-drill-"))

    users = {"editor": ("editor", "405002")}  # 8 people, each a session of its own
    site = Site(users, args.database_url)
    pg = not site.url.startswith("sqlite")
    backup_file = workdir / ("backup.dump" if pg else "backup.sqlite3.gz")
    try:
        mark = site.sql("SELECT COALESCE(MAX(id), 0) FROM change")[0][0]
        editors = Editors([site.person("editor") for _ in range(EDITORS)], CELLS).start()
        time.sleep(args.before)
        began = time.monotonic()
        said = flask(site.url, "backup", "-o", str(backup_file))
        ended = time.monotonic()
        time.sleep(0.5)
        editors.stop()
    finally:
        site.stop()
    print(said.strip())

    # The backup's own content, read from the file.
    if pg:
        backed_up, columns = dump_tables(backup_file)
        target = site.url
        site._wipe()  # the restore goes into the emptied database
    else:
        copy = workdir / "backup-content.sqlite3"
        with gzip.open(backup_file) as packed, open(copy, "wb") as raw:
            shutil.copyfileobj(packed, raw)
        backed_up = sqlite_tables(copy)
        target = f"sqlite:///{workdir}/restored.sqlite3"

    started = time.monotonic()
    restored_said = flask(target, "restore", str(backup_file))
    restore_seconds = time.monotonic() - started
    print(restored_said.strip())
    aside = re.search(r"恢复前的数据库已另存为 (\S+?)。", restored_said)
    if aside:  # the empty database kept aside, in the site's instance/backups: not needed
        Path(aside.group(1)).unlink(missing_ok=True)

    if pg:
        restored = pg_tables(target, {n: c for n, c in columns.items() if n not in CACHES})
        checked_integrity = None
    else:
        path = target.removeprefix("sqlite:///")
        restored = sqlite_tables(path)
        connection = sqlite3.connect(path)
        checked_integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        connection.close()
    records, problems = compare(backed_up, restored)

    sql = database_sql(target)
    chains, wrong = history_chains(sql, CELLS, mark)
    problems += wrong
    before = editors.answered(until=began)
    missing = missing_saves(chains, before)
    problems += [f"save answered 200 before the backup missing: {s[:2]}" for s in missing[:5]]
    after = [s for s in editors.saves if s[4] > ended]
    leaked = len(after) - len(missing_saves(chains, after))
    if leaked:
        problems.append(f"{leaked} saves sent after the backup ended are in it")
    during = [s for s in editors.answered() if began <= s[3] <= ended]
    during_in = len(during) - len(missing_saves(chains, during))
    if checked_integrity not in (None, ["ok"]):
        problems.append("integrity_check: " + "; ".join(checked_integrity[:3]))
    serves = restored_site_saves(target, chains)
    if not serves:
        problems.append("the site on the restored database did not take a save")
    unexpected = sum(editors.other.values())
    if unexpected:
        problems.append(f"answers other than 200/409: {editors.other}")

    size = backup_file.stat().st_size
    own_seconds = float(re.search(r"用时 ([\d.]+) 秒", said).group(1))
    print(
        f"{len(editors.answered())} saves answered 200: {len(before)} before the backup "
        f"(all {len(before) - len(missing)} there? {not missing}), {len(during)} while it ran "
        f"({during_in} of them in it), {len(after)} sent after it ({leaked} in it)"
    )
    for problem in problems[:10]:
        print("PROBLEM:", problem)
    print(
        "database:", site.url.split("://")[0], "· server: waitress, 4 threads, loopback",
        "· a shared, noisy machine: the times are indicative",
    )  # fmt: skip
    figures = [
        Figure("records checked in the restore", records, "records"),
        Figure("problems found", len(problems), "problems", target="0", met=not problems),
        Figure("saves answered before the backup", len(before), "saves"),
        Figure(
            "of them missing in the restore", len(missing), "saves", target="0", met=not missing
        ),  # fmt: skip
        Figure("saves answered while it ran", len(during), "saves"),
        Figure("the restored site takes a save", serves, "yes", target="yes", met=serves),
        Figure(
            "integrity_check of the restore",
            (checked_integrity == ["ok"]) if checked_integrity else None,
            "ok",
            target="ok" if checked_integrity else "PostgreSQL: not asked",
            met=checked_integrity == ["ok"] if checked_integrity else None,
        ),
        Figure("backup command while 8 editors save", ended - began, "s"),
        Figure("of it the copy itself (its own report)", own_seconds, "s"),
        Figure("backup size", size / 1024, "KiB"),
        Figure("restore time", restore_seconds, "s"),
    ]
    report("backup_drill", figures, args.json)
    shutil.rmtree(workdir, ignore_errors=True)
    raise SystemExit(1 if problems else 0)


if __name__ == "__main__":
    main()
