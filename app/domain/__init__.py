"""The domain: what a budget performance plan is, pure Python, no Flask and no database.

Owns the indicator framework (`framework`), the editable fields and how a typed value is read
(`fields`, with the one reader of numbers in `numbers`), the `Document` every reader produces
(`document`), the official table's rows (`indicator_table`), who may do what (`permissions`),
what a department's code and name may be (`departments`), where a comment can be
(`comment_places`), how figures are written (`formatting`), Markdown → sanitised HTML
(`markdown`) and the review statuses and their transitions (`workflow`).

May import: the standard library, markdown, nh3, markupsafe, and other `app.domain` modules.
Never Flask, Peewee or a layer above (`app.formats`, `app.checks` once it exists,
`app.services`, `app.web`); tests/test_layers.py checks this.
"""
