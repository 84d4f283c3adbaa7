"""Two writers meeting in the database, as two requests of the server would: `meanwhile` runs
one in a transaction of another thread, with its own connection, and returns once it holds its
locks, so that the test's own write arrives while they are held."""

import threading
import time

from app.db import database

HOLD = 0.5  # seconds the first transaction keeps its lock, while the second arrives


def meanwhile(work):
    """Run `work(holding)` in a transaction of another thread; return (thread, failures) once
    `work` has set `holding`. Join the thread, then assert `failures == []`."""
    holding, failures = threading.Event(), []

    def run():
        try:
            with database.atomic():
                work(holding)
        except Exception as error:  # noqa: BLE001 (reported to the test)
            failures.append(error)
            holding.set()
        finally:
            database.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert holding.wait(10)
    return thread, failures


def hold(holding):
    """Say the locks are held, and keep them a while."""
    holding.set()
    time.sleep(HOLD)
