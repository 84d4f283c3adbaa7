"""Spreadsheet habits in real Chromium (issue 11): no keystroke lost, moving like a sheet,
typing over (an input method's composition too), clearing, copying and pasting blocks, undo
after a reload, a colleague's change and presence shown, and the guards against lost text."""

import re

import pytest
from playwright.sync_api import expect

from app.models import Change, Indicator, Plan


@pytest.fixture
def site(app, seeded, live_server):
    with app.app_context():
        project = Plan.get().ordered_projects()[0]
        indicators = list(project.ordered_indicators())
    return live_server, project, indicators


def _open(page, site):
    base, project, _ = site
    page.goto(f"{base}/projects/{project.id}")


def _active(page):
    return page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")


def _focused(page, selector):
    page.wait_for_function(
        "(s) => document.activeElement === document.querySelector(s)", arg=selector
    )


def _stored(app, indicator_id, name):
    with app.app_context():
        return getattr(Indicator.get_by_id(indicator_id), name)


def _wait_stored(page, app, indicator_id, name, value):
    """Wait (as a person waits for 保存中… to go) until the value is stored."""
    for _ in range(200):
        if _stored(app, indicator_id, name) == value:
            return
        page.wait_for_timeout(50)
    assert _stored(app, indicator_id, name) == value


def test_keys_typed_right_after_tab_arrive_with_300_ms_latency(app, page, site):
    _open(page, site)
    first = site[2][0]
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 300, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    page.locator(f"#cell-{first.id}-description").focus()
    page.keyboard.type("BBBB")  # types over the selected cell
    page.keyboard.press("Tab")
    page.keyboard.type("jihuabiaozhun")
    page.keyboard.press("Enter")
    _wait_stored(page, app, first.id, "description", "BBBB")
    _wait_stored(page, app, first.id, "target", "jihuabiaozhun")
    expect(page.locator(f"#cell-{first.id}-target")).to_have_text("jihuabiaozhun")


def test_clicking_another_cell_saves_the_open_one_and_opens_only_one(app, page, site):
    _open(page, site)
    first, second = site[2][0], site[2][1]
    page.locator(f"#cell-{first.id}-name").click()
    page.keyboard.type("租赁面积")
    page.locator(f"#cell-{second.id}-name").click()
    _focused(page, f"#cell-{second.id}-name input[name=name]")
    expect(page.locator("[data-editor]")).to_have_count(1)
    expect(page.locator(f"#cell-{first.id}-name")).to_have_text("租赁面积")
    assert _stored(app, first.id, "name") == "租赁面积"
    page.locator(f"#cell-{first.id}-basis").click()  # nothing typed: put back, no save
    expect(page.locator("[data-editor]")).to_have_count(1)
    with app.app_context():
        assert Change.select().where(Change.action == "edit").count() == 1


def test_arrows_move_across_merged_cells_home_end_and_ctrl(page, site):
    _open(page, site)
    first = site[2][0]
    page.locator(f"#cell-{first.id}-name").focus()
    page.keyboard.press("ArrowLeft")  # the merged 二级 cell of the first row
    level2 = page.locator("th.level2:focus")
    expect(level2).to_have_count(1)
    name = level2.evaluate("e => e.firstChild.textContent.trim()")
    span = int(level2.get_attribute("rowspan") or 1)
    page.keyboard.press("ArrowDown")  # the next 二级, below the whole span
    below = page.locator("th.level2:focus")
    expect(below).to_have_count(1)
    assert below.evaluate("e => e.firstChild.textContent.trim()") != name
    rows = page.evaluate(
        """() => { const th = document.activeElement;
        const body = [...th.closest('tbody').rows];
        const first = [...document.querySelectorAll('th.level2')][0];
        return body.indexOf(th.closest('tr')) - body.indexOf(first.closest('tr')); }"""
    )
    assert rows == span
    page.keyboard.press("ArrowLeft")  # the merged 一级 cell
    expect(page.locator("th.level1:focus")).to_have_count(1)
    page.locator(f"#cell-{first.id}-description").focus()
    page.keyboard.press("End")
    assert _active(page) == f"cell-{first.id}-basis"
    page.keyboard.press("Home")
    expect(page.locator("th.level1:focus")).to_have_count(1)
    page.locator(f"#cell-{first.id}-target").focus()
    page.keyboard.press("ArrowDown")
    assert _active(page) == f"cell-{site[2][1].id}-target"
    page.keyboard.press("Control+ArrowDown")
    assert _active(page) == f"cell-{site[2][-1].id}-target"
    page.keyboard.press("Control+ArrowUp")  # up through the project head to its top
    assert _active(page).startswith("cell-project-")
    expect(page.locator("td[data-cell]:focus")).to_be_in_viewport()


def test_enter_saves_and_moves_down_keeping_the_selection_visible(app, page, site):
    _open(page, site)
    first, second = site[2][0], site[2][1]
    page.locator(f"#cell-{first.id}-target").focus()
    page.keyboard.press("Enter")
    page.keyboard.type("99")
    page.keyboard.press("Enter")
    _wait_stored(page, app, first.id, "target", "99")
    assert _active(page) == f"cell-{second.id}-target"
    expect(page.locator("[data-editor]")).to_have_count(0)
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_a_refused_money_split_keeps_the_keyboard_on_the_field_typed_in(page, site):
    _open(page, site)
    project = site[1]
    page.locator(f"#cell-project-{project.id}-fiscal_funds").focus()
    page.keyboard.type("1000")
    page.keyboard.press("Enter")
    money = page.locator(f"#cell-project-{project.id}-money")
    expect(money.locator(".field-error")).to_contain_text("应等于预算数")
    expect(money.locator("input[name=fiscal_funds]")).to_be_focused()
    page.keyboard.type("0")  # goes where the user was typing
    expect(money.locator("input[name=fiscal_funds]")).to_have_value("10000")


def test_typing_over_and_an_input_method_composition_replace_the_value(app, page, site):
    _open(page, site)
    first = site[2][0]
    cell = page.locator(f"#cell-{first.id}-basis")
    cell.focus()
    cell.evaluate(
        """cell => {
        cell.dispatchEvent(new CompositionEvent('compositionstart', {bubbles: true, data: ''}));
        cell.dispatchEvent(new CompositionEvent('compositionupdate', {bubbles: true, data: 'jihua'}));
        cell.dispatchEvent(new InputEvent('input', {bubbles: true, isComposing: true, data: 'jihua',
            inputType: 'insertCompositionText'}));
        cell.dispatchEvent(new CompositionEvent('compositionend', {bubbles: true, data: '计划'}));
    }"""
    )
    field = page.locator(f"#cell-{first.id}-basis input[name=basis]")
    expect(field).to_be_focused()
    expect(field).to_have_value("计划")
    page.keyboard.type("标准")
    page.keyboard.press("Enter")
    _wait_stored(page, app, first.id, "basis", "计划标准")

    name = page.locator(f"#cell-{first.id}-name")
    name.focus()
    page.keyboard.type("X")
    expect(page.locator(f"#cell-{first.id}-name input[name=name]")).to_have_value("X")
    page.keyboard.press("Escape")  # the old value back, the cell selected
    expect(name).to_have_text("房屋租赁平米数")
    assert _active(page) == f"cell-{first.id}-name"
    page.keyboard.press("F2")  # keeps the text, the caret at its end
    field = page.locator(f"#cell-{first.id}-name input[name=name]")
    assert field.evaluate("e => [e.selectionStart, e.selectionEnd]") == [len("房屋租赁平米数")] * 2


def test_a_composition_through_the_browser_input_method_types_over(app, page, site):
    _open(page, site)
    first = site[2][0]
    page.locator(f"#cell-{first.id}-basis").focus()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.imeSetComposition", {"text": "jihua", "selectionStart": 5, "selectionEnd": 5})
    cdp.send("Input.insertText", {"text": "计划"})
    field = page.locator(f"#cell-{first.id}-basis input[name=basis]")
    expect(field).to_have_value("计划")
    expect(field).to_be_focused()


def test_delete_clears_a_cell_as_a_recorded_change(app, page, site):
    _open(page, site)
    first = site[2][0]
    page.locator(f"#cell-{first.id}-basis").focus()
    page.keyboard.press("Delete")
    _wait_stored(page, app, first.id, "basis", "")
    shown = page.locator(f"#cell-{first.id}-basis:not(.editing)")
    expect(shown).not_to_contain_text(first.basis)
    expect(shown.locator(".cell-finding")).to_contain_text("指标值确定依据为空")
    page.wait_for_function(f"document.activeElement.id === 'cell-{first.id}-basis'")
    with app.app_context():
        change = Change.select().where(Change.action == "edit").get()
        assert change.new == "" and change.old


def test_a_rectangle_is_copied_as_tsv_and_a_table(page, site):
    _open(page, site)
    first, second = site[2][0], site[2][1]
    page.locator(f"#cell-{first.id}-name").focus()
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    expect(page.locator("td.in-range")).to_have_count(4)
    copied = page.evaluate(
        """() => { const data = new DataTransfer();
        document.activeElement.dispatchEvent(new ClipboardEvent('copy',
            {clipboardData: data, bubbles: true, cancelable: true}));
        return [data.getData('text/plain'), data.getData('text/html')]; }"""
    )
    names = [first.name, first.description, second.name, second.description]
    assert copied[0] == f"{names[0]}\t{names[1]}\r\n{names[2]}\t{names[3]}"
    assert copied[1].startswith("<table><tr><td>") and copied[1].count("<tr>") == 2


def test_a_block_pasted_from_excel_is_previewed_then_written(page, site):
    base, project, indicators = site
    _open(page, site)
    first = indicators[0]
    posted = []

    def paste(route):
        form = route.request.post_data
        posted.append(form)
        if "preview=1" in form:
            changes = [
                {"row": r, "indicator": "", "label": "三级指标", "old": "", "new": f"指标{r}"}
                for r in (1, 2, 3)
            ]
            body = {"preview": True, "changes": changes, "cells": 12, "rows_added": 2,
                    "message": "将修改12个单元格，新增2行"}  # fmt: skip
        else:
            body = {"done": True, "cells": 12, "rows_added": 2, "message": "已粘贴：12个单元格",
                    "reload": True}  # fmt: skip
        route.fulfill(status=200, json=body)

    page.route(re.compile(rf".*/projects/{project.id}/paste$"), paste)
    block = "\r\n".join("\t".join(f"{c}{r}" for c in "ABCD") for r in (1, 2, 3)) + "\r\n"
    page.locator(f"#cell-{first.id}-name").click()  # opens its editor: the block goes in whole
    page.evaluate(
        """(text) => { const data = new DataTransfer(); data.setData('text/plain', text);
        document.activeElement.dispatchEvent(new ClipboardEvent('paste',
            {clipboardData: data, bubbles: true, cancelable: true})); }""",
        block,
    )
    preview = page.locator(".paste-preview")
    expect(preview).to_contain_text("将修改12个单元格，新增2行")
    expect(preview.locator("li")).to_have_count(3)
    assert "start=cell-" in posted[0] and "preview=1" in posted[0]
    with page.expect_navigation():
        preview.locator("button", has_text="确认粘贴").click()
    assert "preview" not in posted[1] and "A1%09B1%09C1%09D1" in posted[1]
    expect(page.locator(".toast")).to_contain_text("已粘贴：12个单元格")
    page.locator(f"#cell-{first.id}-name").focus()  # one value without tabs: typed over
    page.evaluate(
        """() => { const data = new DataTransfer(); data.setData('text/plain', '面积\\r\\n');
        document.activeElement.dispatchEvent(new ClipboardEvent('paste',
            {clipboardData: data, bubbles: true, cancelable: true})); }"""
    )
    expect(page.locator(f"#cell-{first.id}-name input[name=name]")).to_have_value("面积")
    assert len(posted) == 2


def test_ctrl_z_after_a_reload_undoes_my_last_change(app, page, site):
    _open(page, site)
    first = site[2][0]
    page.locator(f"#cell-{first.id}-target").focus()
    page.keyboard.type("1平方米")
    page.keyboard.press("Enter")
    _wait_stored(page, app, first.id, "target", "1平方米")
    page.reload()
    page.locator(f"#cell-{first.id}-name").focus()
    page.keyboard.press("Control+z")
    expect(page.locator(f"#cell-{first.id}-target")).to_have_text("26650.77平方米")
    expect(page.locator(".toast")).to_contain_text("已撤销")
    assert _stored(app, first.id, "target") == "26650.77平方米"
    page.keyboard.press("Control+y")
    expect(page.locator(f"#cell-{first.id}-target")).to_have_text("1平方米")


def test_a_colleagues_change_and_presence_show_in_an_open_page(app, browser, site):
    base, project, indicators = site
    first, second = indicators[0], indicators[1]
    alice, bob = browser("root"), browser("editor")
    for page in (alice, bob):
        page.goto(f"{base}/projects/{project.id}")
    bob.locator(f"#cell-{first.id}-target").focus()
    bob.keyboard.type("32000平方米")
    bob.keyboard.press("Enter")
    _wait_stored(bob, app, first.id, "target", "32000平方米")
    cell = alice.locator(f"#cell-{first.id}-target")
    expect(cell).to_have_text("32000平方米", timeout=5000)  # within 5 s of the save
    expect(cell).to_have_class(re.compile(r"\bchanged-by-other\b"))
    assert re.search(r"\d\d:\d\d 改了", cell.get_attribute("title"))
    alice.locator(f"#cell-{first.id}-target").click()  # the editor says who changed it
    expect(alice.locator(f"#cell-{first.id}-target .changed-note")).to_contain_text(
        "改为 32000平方米"
    )
    alice.keyboard.press("Escape")
    bob.locator(f"#cell-{second.id}-name").click()  # Bob is editing a name: Alice sees it
    mark = alice.locator(f"#cell-{second.id}-name.present")
    expect(mark).to_have_count(1, timeout=6000)
    assert "正在编辑" in mark.get_attribute("data-present")


def test_leaving_with_unsaved_text_asks_and_the_narrative_escape_asks_in_the_page(app, page, site):
    base, _, indicators = site
    page.dialogs = []  # this test expects a dialog (tests/conftest.py)
    _open(page, site)
    page.locator(f"#cell-{indicators[0].id}-name").focus()
    page.keyboard.type("没保存")
    page.goto(f"{base}/plans/405002/2021")
    assert page.dialogs == ["beforeunload"]
    with app.app_context():
        plan_id = Plan.get().id
    block = page.locator(f"#cell-plan-{plan_id}-safeguards")
    block.locator("button.edit-button").click()
    textarea = block.locator("textarea")
    expect(textarea).to_be_focused()
    page.keyboard.type("再加一条")
    page.keyboard.press("Escape")
    bar = block.locator(".discard-bar")
    expect(bar).to_contain_text("放弃未保存的修改")
    bar.locator("button", has_text="继续编辑").click()
    expect(textarea).to_be_focused()
    assert textarea.input_value().endswith("再加一条")
    page.keyboard.press("Escape")
    bar.locator("button", has_text="放弃修改").click()
    expect(block.locator("textarea")).to_have_count(0)
    assert "再加一条" not in block.inner_text()
    page.reload()  # nothing typed is left: no question
    assert page.dialogs == ["beforeunload"]


def test_a_3_by_4_block_pasted_from_excel_fills_cells_and_adds_rows_for_real(app, page, site):
    """The same paste against the real endpoint: 3 rows × 4 columns from the 三级 cell of a
    二级 holding one row fill it and add two rows under the same 二级, as one undo step."""
    base, project, indicators = site
    _open(page, site)
    first = indicators[0]
    block = '甲\t"说明""一""\n第二行"\t≥10次\t计划\r\n乙\t说明二\t≤100万元\t标准\r\n丙\t说明三\t90%\t历史\r\n'
    page.locator(f"#cell-{first.id}-name").focus()
    page.evaluate(
        """(text) => { const data = new DataTransfer(); data.setData('text/plain', text);
        document.activeElement.dispatchEvent(new ClipboardEvent('paste',
            {clipboardData: data, bubbles: true, cancelable: true})); }""",
        block,
    )
    preview = page.locator(".paste-preview")
    expect(preview).to_contain_text("新增2行")
    with page.expect_navigation():
        preview.locator("button", has_text="确认粘贴").click()
    with app.app_context():
        rows = list(
            Indicator.select()
            .where(
                (Indicator.project == project.id)
                & (Indicator.category == first.category_id)
                & Indicator.deleted_at.is_null()
            )
            .order_by(Indicator.position)
        )
    assert [(r.name, r.description, r.target, r.basis) for r in rows] == [
        ("甲", '说明"一"\n第二行', "≥10次", "计划"),
        ("乙", "说明二", "≤100万元", "标准"),
        ("丙", "说明三", "90%", "历史"),
    ]
    expect(page.locator(f"#row-{rows[2].id}")).to_contain_text("丙")
    page.locator(f"#cell-{rows[0].id}-name").focus()
    page.keyboard.press("Control+z")
    expect(page.locator(".toast")).to_contain_text("已撤销")
    with app.app_context():
        assert Indicator.get_by_id(first.id).name == first.name
        assert Indicator.get_by_id(rows[2].id).deleted_at is not None
