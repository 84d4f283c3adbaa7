"""Setting up a database: the schema, the indicator framework, the demo data, the first admin."""

import secrets
from pathlib import Path

from app.db import database, migrate
from app.models import Category, Indicator, Plan, Project
from app.services import accounts, check_counts
from app.services.importing import import_file

DEMO_FILE = Path(__file__).parent / "demo" / "tangshan_kexie_2021.txt"
DEMO_USER = "示例数据"  # who the history names for the demo's plan


def init_db(demo=False):
    """Migrate the schema, make the framework's categories exist, drop the findings counted by
    the code that ran before (its rules may differ), and load the demo when empty.

    Returns the import report of the demo, or None when it was not loaded.
    """
    migrate()
    Category.sync_framework()
    read_unread_targets()
    check_counts.forget()  # counted by the rules of the code that ran before this one
    if demo and not Plan.select().exists():
        return import_file(DEMO_FILE, user=DEMO_USER)
    return None


def read_unread_targets(batch=500):
    """Store what each 指标值 says where it was never read (rows from before the parts were
    stored); the model reads it with its plan's year on save. Returns how many were read."""
    done = 0
    while True:
        with database.atomic():
            rows = list(
                Indicator.select(Indicator, Project, Plan)
                .join(Project)
                .join(Plan)
                .where(Indicator.target_parts == "")
                .limit(batch)
            )
            for indicator in rows:
                indicator.save(only=[Indicator.target])
        done += len(rows)
        if len(rows) < batch:
            return done


def ensure_admin():
    """Create the `admin` account when there is no user at all; returns its password, or None.

    The password is random and only its hash is stored: the caller shows it once.
    """
    if accounts.any_user():
        return None
    password = secrets.token_urlsafe(12)
    accounts.create_user("admin", "admin", password)
    return password
