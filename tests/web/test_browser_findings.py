"""The review rules in real Chromium: a finding appears at the cell it is about as soon as the
value is saved and goes when it is fixed; a finding's link opens its cell; a cell that will not
open says why."""

import re

import pytest
from playwright.sync_api import expect

from app.models import Indicator, Plan

RATE_FINDING = "比率“120%”应在 0% 到 100% 之间"


@pytest.fixture
def site(app, seeded, live_server):
    with app.app_context():
        project = Plan.get().ordered_projects()[0]
        rate = Indicator.get(Indicator.name == "项目完成率", Indicator.project == project)
        execution = Indicator.get(Indicator.name == "预算资金完成率")
    return live_server, project, rate, execution


def _stays(page):
    """Mark the page, so that `_stayed` tells it was not reloaded meanwhile."""
    page.evaluate("window.jixiaoTestMark = 'same page'")


def _stayed(page):
    return page.evaluate("window.jixiaoTestMark") == "same page"


def _type_into(page, cell_id, text):
    cell = page.locator(f"#{cell_id}")
    cell.focus()
    page.keyboard.press("Enter")
    field = page.locator(f"#{cell_id} input[type=text]")
    expect(field).to_be_focused()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(page.locator(f"#{cell_id}.cell:not(.editing)")).to_have_count(1)
    return cell


def test_a_bad_target_shows_its_finding_at_the_cell_until_it_is_fixed(page, site):
    base, project, rate, _ = site
    page.goto(f"{base}/projects/{project.id}")
    _stays(page)
    cell_id = f"cell-{rate.id}-target"
    note = page.locator(f"#{cell_id} .cell-finding")
    expect(note).to_have_count(0)
    box = page.locator(f"#findings-project-{project.id}")

    cell = _type_into(page, cell_id, "120%")
    expect(note).to_have_text(RATE_FINDING)
    expect(note).to_have_class(re.compile(r"\bfinding-E\b"))
    expect(box).to_contain_text("错误 1 条")  # the project's box, refreshed by the same save

    cell = _type_into(page, cell_id, "*")
    expect(note).to_have_text("指标值为空或只是占位符，请填写具体的目标值")

    _type_into(page, cell_id, "95%")
    expect(note).to_have_count(0)
    expect(cell).to_have_text("95%")
    expect(box).not_to_contain_text("错误")
    assert _stayed(page)


def test_a_save_that_changes_another_cells_findings_shows_it_there(page, site):
    base, project, rate, _ = site
    page.goto(f"{base}/projects/{project.id}")
    _stays(page)
    other = page.locator(f"#cell-{rate.id}-name .cell-finding")
    with_name = page.locator("[id^=cell-][id$=-name]", has_text="市民满意度")
    last_name_id = with_name.get_attribute("id")
    _type_into(page, last_name_id, "项目完成率")  # now the name of two rows
    expect(other).to_have_text("三级指标“项目完成率”在本项目中出现了2次")
    expect(page.locator(f"#cell-{rate.id}-name")).to_have_class(re.compile(r"\bflagged-W\b"))
    _type_into(page, last_name_id, "市民满意度")
    expect(other).to_have_count(0)
    expect(page.locator(f"#cell-{rate.id}-name")).not_to_have_class(re.compile(r"flagged"))
    assert _stayed(page)


def test_a_money_slip_is_warned_of_in_the_box_above_the_table(page, site):
    base, project, _, _ = site
    page.goto(f"{base}/projects/{project.id}")
    _stays(page)
    box = page.locator(f"#findings-project-{project.id}")
    expect(box.locator("li")).to_have_count(0)  # nothing yet about the project as a whole
    page.locator(f"#cell-project-{project.id}-budget").click()
    for name, value in (("budget", "1044940"), ("fiscal_funds", "1044940"), ("other_funds", "0")):
        page.locator(f"#input-cell-project-{project.id}-money-{name}").fill(value)
    page.keyboard.press("Enter")
    expect(box).to_contain_text("预算数 1044940 万元、财政资金 1044940 万元超过10亿元")
    expect(box.locator("li.finding-W")).to_have_count(1)
    assert _stayed(page)


def test_a_findings_link_opens_its_cell_for_an_editor(page, site):
    base, _, _, execution = site
    page.goto(f"{base}/plans/405002/2021/checks")
    page.locator(f'a[href$="#cell-{execution.id}-name"]').click()
    editor = page.locator(f"#cell-{execution.id}-name input[name=name]")
    expect(editor).to_be_focused()
    expect(editor).to_have_value("预算资金完成率")
    expect(page.locator(f"#cell-{execution.id}-name")).to_have_class(re.compile(r"\barrived\b"))
    expect(page.locator(f"#cell-{execution.id}-name")).to_be_in_viewport()


def test_a_findings_link_marks_the_cell_for_a_reader(browser, site):
    base, _, _, execution = site
    page = browser("viewer")
    page.goto(f"{base}/plans/405002/2021/checks")
    page.locator(f'a[href$="#cell-{execution.id}-name"]').click()
    cell = page.locator(f"#cell-{execution.id}-name")
    expect(cell).to_have_class(re.compile(r"\barrived\b"))
    expect(cell).to_be_focused()
    expect(cell).to_be_in_viewport()
    expect(cell.locator(".cell-finding")).to_contain_text("是预算执行率，不是成本")
    expect(page.locator("[data-editor]")).to_have_count(0)


@pytest.mark.parametrize(
    ("status", "user", "message"),
    [
        ("submitted", "editor", "已提交审核，等待审核结果，暂不能修改"),
        ("approved", "root", "已批复，不能修改"),
        ("draft", "viewer", "只读"),
    ],
)
def test_a_cell_that_will_not_open_says_why(app, browser, site, status, user, message):
    base, project, rate, _ = site
    with app.app_context():
        Plan.update(status=status).execute()
    page = browser(user)
    page.goto(f"{base}/projects/{project.id}")
    cell = page.locator(f"#cell-{rate.id}-target")
    cell.click()
    expect(cell.locator(".locked-note")).to_contain_text(message)
    money = page.locator(f"#cell-project-{project.id}-fiscal_funds")
    money.focus()
    page.keyboard.press("Enter")
    expect(money.locator(".locked-note")).to_contain_text(message)
    expect(cell.locator(".locked-note")).to_have_count(0)  # one note at a time
    expect(page.locator("[data-editor]")).to_have_count(0)
