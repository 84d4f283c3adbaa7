"""The write path alone: 8 threads saving cells through the saving service in one process, no
HTTP, no rendering, no checks: how writers wait for each other (app/db.py's queue, or SQLite's
busy handler in a checkout from before it).

Builds the site's database from the factory (SQLite in a temporary folder, the demo data) and
starts 8 threads, each with its own connection as a waitress thread has, together:
  - distinct cells: each saves its own indicator's 指标值 `--saves` times;
  - hot cells: 4 shared cells, read-modify-write: read the cell, save with the version read,
    read again and retry on a 409, as bench/cell_saves.py's hot load does over HTTP.
A save's latency is the service call (its wait for the other writers included); a 409 is an
attempt too. Prints saves/s and p50/p99/max (bench/report.py).

    .venv/bin/python bench/save_path.py [--saves 150] [--json FILE] [--site-root OTHER_CHECKOUT]
"""

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from report import Figure, add_json_option, report

ROOT = Path(__file__).resolve().parent.parent
THREADS, HOT_CELLS = 8, (1, 2, 3, 4)


def run(user, saves, cell_of, modules):
    """Every thread saves `saves` times, the cell of round r being `cell_of(thread, r)`."""
    database, Edit, version, Indicator, save_cell = modules
    latencies, lock, start = [], threading.Lock(), threading.Barrier(THREADS)

    def work(number):
        database.connect(reuse_if_open=True)
        start.wait()
        for round_ in range(saves):
            cell = cell_of(number, round_)
            while True:
                seen = Indicator.get_by_id(cell).target
                edit = Edit("indicator", "target", {"target": f"{number}.{round_}"}, {"target": version(seen)})  # fmt: skip
                began = time.perf_counter()
                status = save_cell(user, cell, edit).status
                with lock:
                    latencies.append(time.perf_counter() - began)
                if status == 200:
                    break
                assert status == 409, status
        database.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    cut = statistics.quantiles(latencies, n=100)
    return {
        "saves/s": THREADS * saves / wall,
        "attempts": len(latencies),
        "p50": cut[49] * 1000,
        "p99": cut[98] * 1000,
        "max": max(latencies) * 1000,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=150, help="saves per thread and load")
    parser.add_argument("--site-root", type=Path, default=ROOT, help="another checkout")
    add_json_option(parser)
    args = parser.parse_args()
    sys.path.insert(0, str(args.site_root.resolve()))
    from argon2 import PasswordHasher

    from app import create_app
    from app.db import database
    from app.domain.fields import Edit, version
    from app.models import Indicator, User
    from app.services import accounts
    from app.services.saving import save_cell
    from app.services.setup import init_db

    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))  # not timed
    workdir = tempfile.mkdtemp(prefix="jixiao-save-path-")
    config = {"DATABASE_URL": f"sqlite:///{workdir}/save.sqlite3", "SECRET_KEY": "bench"}
    app = create_app(config, instance_path=workdir)
    with app.app_context():
        init_db(demo=True)
        accounts.create_user("bench", "admin", "bench-password-0")
        user = User.get(User.username == "bench")
    database.close()
    modules = (database, Edit, version, Indicator, save_cell)
    distinct = run(user, args.saves, lambda n, r: n + 1, modules)
    hot = run(user, args.saves, lambda n, r: HOT_CELLS[(n + r) % len(HOT_CELLS)], modules)
    print(f"{THREADS} threads × {args.saves} saves a load; attempts: distinct {distinct['attempts']}, hot {hot['attempts']}")  # fmt: skip
    figures = []
    for name, load in (("distinct cells", distinct), ("hot cells", hot)):
        figures.append(Figure(f"{name}: saves/s (service)", load["saves/s"], "saves/s"))
        for key in ("p50", "p99", "max"):
            figures.append(Figure(f"{name}: save {key} (service)", load[key], "ms"))
    report("save_path", figures, args.json)


if __name__ == "__main__":
    main()
