"""部门管理 in Chromium: from the header to a corrected name, a plan deleted after its
confirmation and restored, without a script error or a CSP violation."""

from playwright.sync_api import expect


def test_an_administrator_corrects_a_name_deletes_a_plan_and_restores_it(seeded, live_server, page):
    page.goto(live_server + "/")
    page.get_by_role("link", name="部门管理").click()
    expect(page.locator("h1")).to_have_text("部门管理")
    page.get_by_role("row", name="405002").get_by_role("link").click()
    page.get_by_label("部门名称").fill("唐山市科协")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash.success")).to_contain_text(
        "部门名称：唐山市科学技术协会 → 唐山市科协"
    )
    expect(page.locator("#department-history")).to_contain_text("唐山市科协")

    page.get_by_role("link", name="删除…").click()
    expect(page.locator("h1")).to_have_text("删除唐山市科协2021年的绩效目标？")
    page.get_by_label("删除原因").fill("重复建立")
    page.get_by_role("button", name="确认删除").click()
    expect(page.locator("#deleted-plan-list")).to_contain_text("重复建立")
    page.goto(live_server + "/")
    expect(page.locator("main")).not_to_contain_text("唐山市科协")

    page.goto(live_server + "/departments/")
    page.get_by_role("row", name="重复建立").get_by_role("button", name="恢复").click()
    expect(page).to_have_title("唐山市科协 2021年部门总体绩效目标及保障措施 · 绩效")
    expect(page.locator(".flash.success")).to_have_text("已恢复唐山市科协2021年的绩效目标。")
