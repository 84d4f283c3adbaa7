"""The pages in real Chromium: the official form's merged cells line up, and it prints."""

from app.models import Plan


def _first_project(app):
    with app.app_context():
        return Plan.get().ordered_projects()[0]


def test_merged_cells_cover_their_rows_and_slots_show(app, seeded, live_server, page):
    project = _first_project(app)
    page.goto(f"{live_server}/projects/{project.id}")
    table = page.locator(f"#indicators-{project.id}")
    output = table.locator("th.level1", has_text="产出指标").bounding_box()
    rows = table.locator("tbody tr")
    first, fourth = rows.nth(0).bounding_box(), rows.nth(3).bounding_box()
    assert abs(output["y"] - first["y"]) < 1.5
    assert abs((output["y"] + output["height"]) - (fourth["y"] + fourth["height"])) < 1.5
    slots = table.locator("tr.slot-empty")
    assert slots.count() == 3
    for index in range(3):
        box = slots.nth(index).bounding_box()
        assert box and box["height"] > 10


def test_print_hides_navigation_and_makes_a4_pages(app, seeded, live_server, page):
    project = _first_project(app)
    page.goto(f"{live_server}/projects/{project.id}")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert (
        page.locator(f"#indicators-{project.id} thead").evaluate(
            "el => getComputedStyle(el).display"
        )
        == "table-header-group"
    )
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page") >= 1


def test_logging_in_and_out_in_the_browser(seeded, live_server, browser):
    from tests.conftest import PASSWORD

    page = browser(None)  # nobody logged in
    page.goto(f"{live_server}/plans/405002/2021")
    assert "/login?next=/plans/405002/2021" in page.url
    page.fill("#username", "editor")
    page.fill("#password", "wrong-password")
    page.click("button.primary")
    assert "用户名或密码不正确" in page.locator(".field-error").inner_text()
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server}/plans/405002/2021")
    assert "editor（填报人" in page.locator(".account").inner_text()
    page.click(".account button")
    page.wait_for_url(f"{live_server}/login")
    page.goto(f"{live_server}/")
    assert "/login" in page.url
