"""Next year from this year in Chromium: the button on the plan page, and on the copy's
project page last year's 指标值 under each of this year's, on screen and not on paper."""

from playwright.sync_api import expect

from app.models import Plan

LAST_YEAR = "el => getComputedStyle(el, '::after').content"


def test_start_next_year_and_see_last_years_targets_on_screen_only(
    app, seeded, live_server, browser
):
    page = browser("editor")
    page.goto(f"{live_server}/plans/405002/2021")
    page.get_by_role("button", name="以本年度为基础开始2022年度").click()
    page.wait_for_url(f"{live_server}/plans/405002/2022")
    expect(page.locator(".flash.success")).to_contain_text(
        "已复制3个项目、18条指标；请核对编码和文中的年份"
    )
    expect(page.locator("#projects-table .tag.continuing")).to_have_count(3)

    with app.app_context():
        project = Plan.find("405002", 2022).ordered_projects()[1]
        amount = project.ordered_indicators()[3]  # 科普专项经费金额: 100万元, read as ≥ 100 万元
    page.locator(f"#project-{project.id} td.name a").click()
    page.wait_for_url(f"{live_server}/projects/{project.id}")
    expect(page.locator(f"#project-head-{project.id} .tag.continuing")).to_be_visible()
    target = page.locator(f"#cell-{amount.id}-target")
    expect(target).to_have_text("100万元")  # the cell's own text is this year's alone
    shown = target.evaluate(LAST_YEAR)
    assert "上年：100万元" in shown and "100 万元" in shown  # under the hint

    # This year's changed: last year's stays beside it.
    target.click()
    field = page.locator(f"#cell-{amount.id}-target input[type=text]")
    field.fill("90万元")
    field.press("Enter")
    expect(page.locator(f"#cell-{amount.id}-target:not(.editing)")).to_have_text("90万元")
    assert "上年：100万元" in page.locator(f"#cell-{amount.id}-target").evaluate(LAST_YEAR)

    page.emulate_media(media="print")
    assert page.locator(f"#cell-{amount.id}-target").evaluate(LAST_YEAR) == "none"
    expect(page.locator(f"#project-head-{project.id} .tag.continuing")).to_be_hidden()
