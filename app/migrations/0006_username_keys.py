"""Usernames compared without case or width: a unique `name_key` beside each username.

Two accounts whose names were the same but for case (Admin, admin) could exist before; the
later one's key gets its id appended, so the migration never fails and both can still log in
by their exact name.
"""

import unicodedata

from peewee import CharField


def up(migrator, db):
    migrator.migrate(migrator.add_column("user", "name_key", CharField(null=True)))
    taken = set()
    for user_id, username in db.execute_sql('SELECT id, username FROM "user" ORDER BY id'):
        key = unicodedata.normalize("NFKC", username).strip().casefold()
        if key in taken:
            key = f"{key}#{user_id}"
        taken.add(key)
        db.execute_sql(
            f'UPDATE "user" SET name_key = {db.param} WHERE id = {db.param}', (key, user_id)
        )
    migrator.migrate(
        migrator.add_not_null("user", "name_key"),
        migrator.add_index("user", ("name_key",), True),
    )
