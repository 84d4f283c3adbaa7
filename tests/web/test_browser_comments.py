"""Comments in real Chromium: a reviewer comments at a cell, from the cell; the department's
editor replies and resolves there; the cell's mark comes and goes. No script breaks the CSP."""

import pytest

from app.models import Comment, Plan


@pytest.fixture
def site(app, seeded, live_server):
    with app.app_context():
        project = Plan.get().ordered_projects()[0]
        indicators = list(project.ordered_indicators())
    return live_server, project, indicators


def _open_panel(page, cell):
    cell.hover()
    cell.locator(".comment-button").click()
    panel = page.locator("#comment-panel")
    panel.locator(".comment-panel-title").wait_for()
    return panel


def test_a_comment_made_at_a_cell_is_answered_and_resolved_there(app, browser, site):
    base, project, indicators = site
    row = indicators[0]
    target = f"#cell-{row.id}-target"

    reviewer = browser("reviewer")
    reviewer.goto(f"{base}/projects/{project.id}")
    panel = _open_panel(reviewer, reviewer.locator(target))
    assert (
        panel.locator(".comment-panel-title").inner_text()
        == f"审核意见 · 指标“{row.name}” · 指标值"
    )
    text = panel.locator("form.comment-form textarea")
    text.wait_for()
    assert text.evaluate("e => e === document.activeElement")  # ready to type
    text.fill("单位应为平方米\n请核对面积")
    panel.locator("form.comment-form button[type=submit]").click()
    reviewer.wait_for_url(f"**/projects/{project.id}#cell-{row.id}-target")
    mark = reviewer.locator(f"{target} .comment-button.open")
    assert mark.get_attribute("data-open") == "1" and mark.is_visible()
    assert reviewer.locator(target).inner_text() == row.target  # the cell's text is its value

    editor = browser("editor")
    editor.goto(f"{base}/projects/{project.id}")
    editor.locator(f"{target} .comment-button.open").click()  # opens the thread, not the editor
    panel = editor.locator("#comment-panel")
    thread = panel.locator(".comment-thread")
    thread.wait_for()
    assert thread.locator(".comment-text").inner_text() == "单位应为平方米\n请核对面积"
    assert editor.locator(f"{target} input").count() == 0
    thread.locator("summary", has_text="回复").click()
    thread.locator("textarea").fill("已改为平方米")
    thread.locator("button", has_text="发送回复").click()
    editor.wait_for_url(f"**#cell-{row.id}-target")
    panel = _open_panel(editor, editor.locator(target))
    assert panel.locator(".comment-reply .comment-text").inner_text() == "已改为平方米"
    panel.locator("button", has_text="标为已处理").click()
    editor.wait_for_url(f"**#cell-{row.id}-target")
    editor.locator(".flash", has_text="已将意见标为已处理").wait_for()
    assert editor.locator(f"{target} .comment-button").count() == 0
    assert "已由 editor 处理" in editor.locator("#comments").inner_text()
    with app.app_context():
        assert Comment.select().where(Comment.resolved_at.is_null(False)).count() == 1


def test_an_admin_comments_on_a_narrative_section_without_opening_its_editor(browser, site):
    base, project, _ = site
    page = browser("root")  # may edit and comment
    page.goto(f"{base}/plans/405002/2021")
    section = page.locator(".cell-markdown").first
    panel = _open_panel(page, section)
    assert panel.locator(".comment-panel-title").inner_text() == "审核意见 · 部门总体绩效目标"
    panel.locator("textarea").fill("缺少量化目标")
    panel.locator("button[type=submit]").click()
    page.locator("#plan-comments .comment-thread", has_text="缺少量化目标").wait_for()
    assert page.locator(".cell-markdown.editing").count() == 0
    assert page.locator(".cell-markdown .comment-button.open").count() == 1


def test_the_button_in_an_editable_cell_does_not_open_the_cells_editor(browser, site):
    base, project, indicators = site
    page = browser("root")
    page.goto(f"{base}/projects/{project.id}")
    cell = page.locator(f"#cell-{indicators[1].id}-basis")
    _open_panel(page, cell)
    assert page.locator("#comment-panel").evaluate("e => e.matches(':popover-open')")
    assert cell.locator("input").count() == 0 and page.locator("[data-editor]").count() == 0
    page.keyboard.press("Escape")  # closes the panel
    assert not page.locator("#comment-panel").evaluate("e => e.matches(':popover-open')")
    cell.click(position={"x": 10, "y": 10})  # the cell itself still opens its editor
    cell.locator("input[name=basis]").wait_for()
