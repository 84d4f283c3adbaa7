"""File formats: bytes ↔ `Document`, pure, one module per format.

`text` reads the seed's text layout (DESIGN.md §4) with `narrative` reading its prose part.
Word and Excel readers and writers come here too. A reader never touches the database: it
returns a `Document` or raises `MalformedDocument` naming where the file is wrong.

May import: the standard library, file-format libraries, `app.domain` and other `app.formats`
modules. Never Flask, Peewee, `app.services` or `app.web`; tests/test_layers.py checks this.
"""
