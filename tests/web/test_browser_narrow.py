"""A 1024 px laptop: every row button of the project page within reach without scrolling
sideways, and a blank 二级 slot clicked starts a new row there."""

from app.models import Indicator, Project


def _first_project(app):
    with app.app_context():
        return Project.select().order_by(Project.position).first().id


def test_every_row_button_is_reachable_at_1024_px(app, seeded, page, live_server):
    project_id = _first_project(app)
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(f"{live_server}/projects/{project_id}")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]  # nothing to scroll to sideways
    rights = page.evaluate(
        "Array.from(document.querySelectorAll('.row-menu summary, .add-indicator'))"
        ".map(e => e.getBoundingClientRect().right)"
    )
    assert rights and max(rights) <= 1024
    page.locator(".row-menu summary").last.click()
    menu = page.locator(".row-menu[open] .row-menu-items")
    box = menu.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1024


def test_clicking_a_blank_slot_starts_a_row_there(app, seeded, page, live_server):
    project_id = _first_project(app)
    page.goto(f"{live_server}/projects/{project_id}")
    slot = page.locator("tr.slot-empty", has_text="经济效益指标")
    category = slot.get_attribute("data-category")
    slot.locator("td.blank").nth(1).click()
    editor = page.locator("td.editing input[name=name]")
    editor.wait_for()
    assert editor.evaluate("e => e === document.activeElement")
    with app.app_context():
        rows = Indicator.select().where(
            (Indicator.project == project_id) & (Indicator.category == int(category))
        )
        assert rows.count() == 1
    assert page.locator("tr.slot-empty", has_text="经济效益指标").count() == 0


def test_a_reader_clicking_a_blank_slot_adds_nothing(app, seeded, browser, live_server):
    project_id = _first_project(app)
    with app.app_context():
        before = Indicator.select().where(Indicator.project == project_id).count()
    page = browser("viewer")
    page.goto(f"{live_server}/projects/{project_id}")
    page.locator("tr.slot-empty td.blank").first.click()
    assert page.locator("td.blank.addable").count() == 0
    with app.app_context():
        assert Indicator.select().where(Indicator.project == project_id).count() == before
