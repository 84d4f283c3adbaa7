"""Cell-save round trips against the real server: 8 editors at once on loopback.

Starts waitress (as `make run` does) on a fresh SQLite database with the demo data, then 8
threads, each a separate person who logs in with its own session and CSRF token, save one
indicator's 指标值 over and over on a kept-alive connection. Prints saves per second and p50/p99 latency.
Bounded: SAVES per editor, and never longer than LIMIT seconds.

    .venv/bin/python bench/cell_saves.py [--editors 8] [--saves 300]
"""

import argparse
import statistics
import threading
import time

from live_site import Site

LIMIT = 120  # seconds, whatever happens


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=8)
    parser.add_argument("--saves", type=int, default=300, help="saves per editor")
    args = parser.parse_args()

    site = Site({"bench": ("admin", None)})
    try:
        editors = [site.person("bench") for _ in range(args.editors)]
        latencies, statuses = [], {}
        lock = threading.Lock()
        stop_at = time.monotonic() + LIMIT

        def work(number, editor):
            indicator_id = number + 1  # the seed's indicators 1…18: one cell per editor
            old = editor.cell(indicator_id)
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
        site.stop()

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
