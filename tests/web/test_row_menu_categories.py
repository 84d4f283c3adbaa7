"""A project table's row menu: its "移到" chooser offers every category of the plan, the list
carried once by the table (not once a row) and copied in by static/app.js when the menu opens."""

import re

import pytest

from app.models import Plan


@pytest.fixture
def project(app, seeded):
    with app.app_context():
        project = Plan.get().ordered_projects()[0]
        categories = [
            (parent.name, [child.name for child in children])
            for parent, children in project.plan.categories()
        ]
        return project, list(project.ordered_indicators()), categories


def test_the_table_lists_the_categories_once_and_each_row_menu_names_its_own(client, project):
    project, indicators, categories = project
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    listed = re.search(rf'<select id="categories-{project.id}"[^>]*>(.*?)</select>', html, re.S)
    assert re.findall(r"<optgroup label=\"([^\"]+)\"", listed.group(1)) == [
        parent for parent, _ in categories
    ]
    names = re.findall(r"<option value=\"\d+\">([^<]+)</option>", listed.group(1))
    assert names == [name for _, children in categories for name in children]
    # Every other option on the page is a row menu's own category: the page does not grow by
    # the whole list for each row (a draft of forty rows carried it forty times).
    table = re.search(rf'<table[^>]* id="indicators-{project.id}".*?</table>', html, re.S)
    assert table.group(0).count("<option") == len(names) + len(indicators)
    for indicator in indicators:
        row = re.search(rf'<tr id="row-{indicator.id}".*?</tr>', html, re.S).group(0)
        chooser = re.search(r'<select name="category_id"[^>]*>(.*?)</select>', row, re.S)
        assert chooser.group(1) == (
            f'<option value="{indicator.category_id}" selected>{indicator.category.name}</option>'
        )


def test_an_opened_row_menu_offers_every_category_and_moves_the_row(page, live_server, project):
    project, indicators, categories = project
    page.goto(f"{live_server}/projects/{project.id}")
    first = indicators[0]
    page.locator(f"#row-{first.id} summary").click()
    chooser = page.locator(f"#row-{first.id} select[name=category_id]")
    offered = chooser.evaluate(
        "s => Array.from(s.querySelectorAll('optgroup'), g =>"
        " [g.label, Array.from(g.querySelectorAll('option'), o => o.textContent)])"
    )
    assert offered == [[parent, children] for parent, children in categories]
    assert chooser.evaluate("s => s.selectedOptions[0].textContent") == first.category.name
    chooser.select_option(label="质量指标")
    page.locator(f"#row-{first.id} form.move-to button").click()
    page.locator(f"#indicators-{project.id} th.level2", has_text="质量指标").wait_for()
    page.wait_for_function(
        f"() => document.querySelector('#row-{first.id}').dataset.category"
        f" === document.querySelector('#row-{indicators[1].id}').dataset.category"
    )
    # The new table's menus are filled again when opened, the row now in 质量指标.
    page.locator(f"#row-{first.id} summary").click()
    chooser = page.locator(f"#row-{first.id} select[name=category_id]")
    assert chooser.evaluate("s => s.selectedOptions[0].textContent") == "质量指标"
    assert chooser.evaluate("s => s.options.length") == sum(len(c) for _, c in categories)
