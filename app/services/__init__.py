"""Services: everything that reads or writes the database, and no Flask.

Each module owns one job: `records` (loading a record with its plan), `saving` (a cell group
saved without lost updates), `history` (recording changes, restoring), `rows` (indicator rows),
`plans` (departments, plans, projects and what their pages read), `importing`, `workflow`,
`comments`, `accounts` (passwords, sessions, throttling, users), `setup` (the schema and the
demo data), `plan_versions` (what a plan's content is at, for reusing what was computed from
it) and `prepared` (selects compiled to SQL once). A refusal is an exception: `errors.NotFound` and `errors.Forbidden`, or a module's
own error whose message is for the user, in Chinese.

May import: `app.db`, `app.models`, `app.domain`, `app.formats`, `app.checks` (the review rules,
to come) and other `app.services` modules. Never Flask or `app.web`; tests/test_layers.py
checks this.
"""
