"""The editor each table cell of a project page carries (opened at once by static/app.js) is
the editor GET …/edit serves: written out in templates/cells/_cell.html, it must not drift."""

import re

from app.models import Plan


def _squeezed(html):
    return re.sub(r">\s+<", "><", html.strip())


def test_every_cell_carries_the_editor_its_edit_address_serves(app, client, seeded):
    with app.app_context():
        project = Plan.get().ordered_projects()[0]
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    cells = re.findall(
        r'<td id="(cell-[^"]+)"[^>]*data-edit-url="([^"]+)".*?'
        r'<template class="editor-template screen-only">(.*?)</template>',
        page,
        re.S,
    )
    assert len(cells) >= 6 * 4  # every indicator's four cells, and the project's own
    for dom_id, edit_url, carried in cells:
        served = client.get(edit_url).get_data(as_text=True)
        assert _squeezed(carried) == _squeezed(served), dom_id
