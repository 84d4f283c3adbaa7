"""Editing in real Chromium: keys, validation, rows, history, the narrative, and conflicts."""

import re

import pytest

from app.models import Change, Indicator, Plan


@pytest.fixture
def site(app, seeded, live_server):
    with app.app_context():
        project = Plan.get().ordered_projects()[0]
        indicators = list(project.ordered_indicators())
    return live_server, project, indicators


def _editing(page, selector):
    """Wait until the editor inside `selector` has the keyboard, as a person waits for the cursor."""
    field = page.locator(selector)
    field.wait_for()
    page.wait_for_function(
        "(selector) => document.activeElement === document.querySelector(selector)", arg=selector
    )
    return field


def _open_project(page, site):
    base, project, _ = site
    page.goto(f"{base}/projects/{project.id}")


def test_keyboard_edit_is_saved_and_survives_a_reload(page, site):
    _open_project(page, site)
    first = site[2][0]
    cell = page.locator(f"#cell-{first.id}-target")
    cell.focus()
    page.keyboard.press("Enter")
    editor = _editing(page, f"#cell-{first.id}-target input[name=target]")
    assert editor.evaluate(
        "e => e === document.activeElement && e.selectionEnd - e.selectionStart"
    ) == len("26650.77平方米")
    page.keyboard.type("27000平方米")
    page.keyboard.press("Tab")  # saves and selects the next cell, its editor closed (Excel)
    page.wait_for_function(f"document.activeElement.id === 'cell-{first.id}-basis'")
    page.locator(f"#cell-{first.id}-target:not(.editing)").wait_for()
    assert page.locator(f"#cell-{first.id}-target").inner_text() == "27000平方米"
    page.keyboard.press("Shift+Tab")  # back to the target cell
    page.keyboard.press("Enter")
    _editing(page, f"#cell-{first.id}-target input[type=text]")
    page.keyboard.press("Escape")
    page.reload()
    assert page.locator(f"#cell-{first.id}-target").inner_text() == "27000平方米"


def test_f2_then_escape_restores_the_old_value_and_saves_nothing(app, page, site):
    _open_project(page, site)
    first = site[2][0]
    cell = page.locator(f"#cell-{first.id}-name")
    cell.focus()
    page.keyboard.press("F2")
    _editing(page, f"#cell-{first.id}-name input[type=text]")
    page.keyboard.type("不要保存")
    page.keyboard.press("Escape")
    page.locator(f"#cell-{first.id}-name:not(.editing)").wait_for()
    assert cell.inner_text() == "房屋租赁平米数"
    assert page.evaluate("document.activeElement.id") == f"cell-{first.id}-name"
    with app.app_context():
        assert Indicator.get_by_id(first.id).name == "房屋租赁平米数"
        assert Change.select().where(Change.action == "edit").count() == 0


def test_enter_that_confirms_an_ime_composition_does_not_save(app, page, site):
    _open_project(page, site)
    first = site[2][0]
    page.locator(f"#cell-{first.id}-target").click()
    field = _editing(page, f"#cell-{first.id}-target input[type=text]")
    field.fill("三万")
    field.dispatch_event(
        "keydown", {"key": "Enter", "keyCode": 229, "isComposing": True, "bubbles": True}
    )
    page.wait_for_timeout(300)
    assert field.is_visible()
    page.keyboard.press("Enter")
    page.locator(f"#cell-{first.id}-target:not(.editing)").wait_for()
    with app.app_context():
        assert Indicator.get_by_id(first.id).target == "三万"


def test_422_for_a_decreasing_plan_and_a_wrong_money_split(page, site):
    _open_project(page, site)
    project = site[1]
    page.locator(f"#cell-project-{project.id}-plan_q1").click()
    q1 = _editing(page, f"#cell-project-{project.id}-quarters input[name=plan_q1]")
    page.keyboard.type("50")
    page.keyboard.press("Enter")
    error = page.locator(f"#cell-project-{project.id}-quarters .field-error")
    error.wait_for()
    assert error.inner_text() == "资金支出计划是累计进度，第二季度（0.00）不能小于第一季度（50.00）"
    assert q1.input_value() == "50"
    page.keyboard.press("Escape")

    page.locator(f"#cell-project-{project.id}-fiscal_funds").click()
    fiscal = _editing(page, f"#cell-project-{project.id}-money input[name=fiscal_funds]")
    page.keyboard.type("1000")
    page.keyboard.press("Enter")
    error = page.locator(f"#cell-project-{project.id}-money .field-error")
    error.wait_for()
    assert "应等于预算数 1044.94" in error.inner_text()
    assert fiscal.input_value() == "1000"
    page.keyboard.press("Escape")
    page.reload()
    assert page.locator(f"#cell-project-{project.id}-fiscal_funds").inner_text() == "1044.94"
    assert page.locator(f"#cell-project-{project.id}-plan_q1").inner_text() == "0.00"


def test_a_late_answer_to_a_save_does_not_take_the_focus_from_the_next_editor(page, site):
    """Enter, then a click on another cell: the next editor keeps the keyboard even when the
    answer to the first save comes back after it opened (a busy server)."""
    _open_project(page, site)
    project = site[1]
    held = []
    page.route(re.compile(rf".*/cells/project/{project.id}/quarters$"), lambda r: held.append(r))
    page.locator(f"#cell-project-{project.id}-plan_q1").click()
    _editing(page, f"#cell-project-{project.id}-quarters input[name=plan_q1]")
    page.keyboard.type("0")
    page.keyboard.press("Enter")
    while not held:  # the save is on its way, and held back
        page.wait_for_timeout(20)
    page.locator(f"#cell-project-{project.id}-fiscal_funds").click()
    fiscal = _editing(page, f"#cell-project-{project.id}-money input[name=fiscal_funds]")
    held[0].continue_()
    page.locator(f"#cell-project-{project.id}-plan_q1").wait_for()
    page.keyboard.type("1044.94")
    assert fiscal.evaluate("e => e === document.activeElement")
    assert fiscal.input_value() == "1044.94"


def test_add_move_delete_and_restore_from_history(page, site):
    base, project, indicators = site
    _open_project(page, site)
    table = page.locator(f"#indicators-{project.id}")
    # Add into the empty 经济效益指标 slot: the new row opens its 三级指标 editor.
    page.locator(f"#indicators-{project.id} tr.slot-empty").first.locator(
        "button.add-indicator"
    ).click()
    _editing(page, f"#indicators-{project.id} td.editing input[name=name]")
    page.keyboard.type("带动就业人数")
    page.keyboard.press("Enter")
    table.locator("td", has_text="带动就业人数").wait_for()
    level1 = table.locator("th.level1", has_text="效果指标")
    assert level1.get_attribute("rowspan") == "4"
    assert table.locator("tr.slot-empty").count() == 2

    # Move the first indicator into 质量指标, then up above 项目完成率.
    first = indicators[0]
    page.locator(f"#row-{first.id} summary").click()
    page.locator(f"#row-{first.id} select[name=category_id]").select_option(label="质量指标")
    page.locator(f"#row-{first.id} form.move-to button").click()
    page.wait_for_function(
        f"() => (document.querySelector('#row-{first.id}').previousElementSibling || {{}}).id"
        f" === 'row-{indicators[1].id}'"
    )
    page.locator(f"#row-{first.id} summary").click()
    page.locator(f"#row-{first.id} button.move-up").click()
    page.wait_for_function(
        f"() => (document.querySelector('#row-{first.id}').nextElementSibling || {{}}).id"
        f" === 'row-{indicators[1].id}'"
    )
    output = table.locator("th.level1", has_text="产出指标")
    assert (
        output.get_attribute("rowspan") == "5"
    )  # 数量 (now an empty slot) + 质量 ×2 + 时效 + 成本
    assert table.locator("th.level2", has_text="质量指标").get_attribute("rowspan") == "2"
    assert table.locator("tr.slot-empty th.level2", has_text="数量指标").count() == 1

    # Delete it, then restore it from the project's history.
    page.locator(f"#row-{first.id} summary").click()
    page.locator(f"#row-{first.id} button.delete-row").click()
    page.locator(".toast", has_text="已删除指标“房屋租赁平米数”").wait_for()
    assert page.locator(f"#row-{first.id}").count() == 0
    page.goto(f"{base}/history/projects/{project.id}")
    page.locator("tr.action-delete button", has_text="恢复此行").click()
    page.locator(".flash", has_text="已恢复").wait_for()
    _open_project(page, site)
    assert page.locator(f"#row-{first.id}").count() == 1


def test_edit_the_narrative_with_preview_and_a_draft_that_survives_reload(app, page, site):
    base = site[0]
    page.goto(f"{base}/plans/405002/2021")
    with app.app_context():
        plan_id = Plan.get().id
    block = page.locator(f"#cell-plan-{plan_id}-safeguards")
    block.locator("button.edit-button").click()
    textarea = _editing(page, f"#cell-plan-{plan_id}-safeguards textarea")
    # The cursor waits at the end of the text; nothing is selected for a key to replace.
    assert (
        textarea.evaluate("e => [e.selectionStart, e.selectionEnd]")
        == [len(textarea.input_value())] * 2
    )
    textarea.fill("1. 加强领导\n2. **强化监督**")
    preview = block.locator(".markdown-preview")
    preview.locator("strong", has_text="强化监督").wait_for()
    assert preview.locator("li").count() == 2

    page.reload()  # the draft is not saved yet, but the browser kept it
    block = page.locator(f"#cell-plan-{plan_id}-safeguards")
    assert "有未保存的草稿" in block.locator("button.edit-button").inner_text()
    block.locator("button.edit-button").click()
    block.locator(".draft-note").wait_for()  # shown once the draft is back in the textarea
    assert block.locator("textarea").input_value() == "1. 加强领导\n2. **强化监督**"
    block.locator("button.primary", has_text="保存").click()
    block.locator("ol li strong", has_text="强化监督").wait_for()
    page.wait_for_function("() => Object.keys(localStorage).length === 0")  # the draft is gone
    with app.app_context():
        assert Plan.get().safeguards == "1. 加强领导\n2. **强化监督**"


def test_two_browsers_conflict_ends_with_409_and_no_lost_value(app, browser, site):
    base, project, indicators = site
    first = indicators[0]
    alice, bob = browser(), browser()
    for page in (alice, bob):
        page.goto(f"{base}/projects/{project.id}")
        page.locator(f"#cell-{first.id}-target").click()
        _editing(page, f"#cell-{first.id}-target input[type=text]")
    alice.keyboard.type("30000平方米")
    alice.keyboard.press("Enter")
    alice.locator(f"#cell-{first.id}-target:not(.editing)").wait_for()

    bob.keyboard.type("31000平方米")
    with bob.expect_response(re.compile(r"/cells/indicator/\d+/target$")) as answer:
        bob.keyboard.press("Enter")
    assert answer.value.status == 409
    conflict = bob.locator(f"#cell-{first.id}-target .conflict")
    conflict.wait_for()
    assert "30000平方米" in conflict.inner_text()  # Alice's value, shown to Bob
    assert bob.locator(f"#cell-{first.id}-target input[type=text]").input_value() == "31000平方米"
    with app.app_context():
        assert Indicator.get_by_id(first.id).target == "30000平方米"  # nothing lost

    conflict.locator("button.keep-mine").click()
    bob.locator(f"#cell-{first.id}-target:not(.editing)").wait_for()
    assert bob.locator(f"#cell-{first.id}-target").inner_text() == "31000平方米"
    with app.app_context():
        changes = [
            (c.old, c.new)
            for c in Change.select().where(Change.action == "edit").order_by(Change.id)
        ]
    assert changes == [("26650.77平方米", "30000平方米"), ("30000平方米", "31000平方米")]
