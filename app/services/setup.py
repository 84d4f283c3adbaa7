"""Setting up a database: the schema, the indicator framework, the demo data, the first admin."""

import secrets
from pathlib import Path

from app.db import migrate
from app.models import Category, Plan
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
    check_counts.forget()  # counted by the rules of the code that ran before this one
    if demo and not Plan.select().exists():
        return import_file(DEMO_FILE, user=DEMO_USER)
    return None


def ensure_admin():
    """Create the `admin` account when there is no user at all; returns its password, or None.

    The password is random and only its hash is stored: the caller shows it once.
    """
    if accounts.any_user():
        return None
    password = secrets.token_urlsafe(12)
    accounts.create_user("admin", "admin", password)
    return password
