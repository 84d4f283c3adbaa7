"""The users page in Chromium: each field under its own column, headed in Chinese."""

import re

from playwright.sync_api import expect

# Each column's header and the field under it, in every row of the users page.
COLUMNS = {
    "姓名": 'input[name="full_name"]',
    "角色": 'select[name="role"]',
    "部门": 'select[name="department"]',
    "启用": 'input[name="active"]',
    "设置新密码": 'input[name="password"]',
}


def test_the_users_page_lines_its_fields_up_under_chinese_headers(app, seeded, live_server, page):
    page.goto(live_server + "/users/")
    headers = page.locator("#users thead th")
    titles = [title.strip() for title in headers.all_inner_texts()]
    assert all(titles) and not any(re.search("[A-Za-z]", title) for title in titles), titles
    rows = page.locator("#users tbody tr")
    assert rows.count() == 5
    for title, selector in COLUMNS.items():
        column = headers.nth(titles.index(title)).bounding_box()
        for number in range(rows.count()):
            box = rows.nth(number).locator(selector).bounding_box()
            assert (
                column["x"] <= box["x"] and box["x"] + box["width"] <= column["x"] + column["width"]
            ), (title, number)
    roles = page.locator('#users select[name="role"]').first.locator("option").all_inner_texts()
    assert roles == ["领导（查看）", "填报人", "审核人", "管理员"]
    # Saving a row sends the fields of its columns: 姓名 included.
    row = page.locator("#users tbody tr", has_text="reviewer")
    row.locator('input[name="full_name"]').fill("钱七")
    row.get_by_role("button", name="保存").click()
    expect(page.locator(".flash.success")).to_contain_text("已更新用户 reviewer")
    expect(row.locator('input[name="full_name"]')).to_have_value("钱七")


def test_a_reviewers_departments_are_typed_under_their_header(app, seeded, live_server, page):
    page.goto(live_server + "/users/")
    header = page.locator("#users thead th", has_text="审核部门").bounding_box()
    row = page.locator("#users tbody tr", has_text="reviewer")
    field = row.locator('input[name="reviews"]')
    box = field.bounding_box()
    assert header["x"] <= box["x"] and box["x"] + box["width"] <= header["x"] + header["width"]
    expect(row.locator(".assigned")).to_have_text("全部部门")
    field.fill("406001、405002")
    row.get_by_role("button", name="设置reviewer的审核部门").click()
    expect(page.locator(".flash.success")).to_contain_text("reviewer 的审核部门：405002、406001")
    expect(row.locator(".assigned")).to_have_text("405002 唐山市科学技术协会、406001 某市档案馆")
    expect(field).to_have_value("405002、406001")


def test_a_users_department_chooser_offers_every_department(app, seeded, live_server, page):
    page.goto(live_server + "/users/")
    everyone = page.locator("#department option").all_inner_texts()
    row = page.locator("#users tbody tr", has_text="other_editor")
    chooser = row.locator('select[name="department"]')
    expect(chooser).to_have_value("406001")
    chooser.focus()
    assert chooser.locator("option").all_inner_texts() == everyone
    expect(chooser).to_have_value("406001")
    chooser.select_option("405002")
    row.get_by_role("button", name="保存").click()
    expect(page.locator(".flash.success")).to_contain_text("已更新用户 other_editor")
    expect(row.locator('select[name="department"]')).to_have_value("405002")
