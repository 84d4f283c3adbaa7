"""In Chromium: a workbook uploaded, its preview, one change unticked, confirmed; and the whole
plan printed to PDF, one project a page at least."""

import io
import re

import openpyxl

from app.models import Change, Indicator, Plan
from app.services.exporting import export


def _edited_workbook(app, tmp_path):
    """The seed exported to Excel with two cells changed, as a colleague sends it back."""
    with app.app_context():
        data = export(Plan.get(), "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["唐山市总工会房屋租金"]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "26650.77平方米":
                cell.value = "27000平方米"
            if cell.value == "房屋租赁平米数" and cell.column == 4:
                cell.value = "房屋租赁面积"
    path = tmp_path / "同事改过的.xlsx"
    book.save(path)
    return path


def test_upload_preview_untick_one_change_and_confirm(app, seeded, live_server, page, tmp_path):
    path = _edited_workbook(app, tmp_path)
    page.goto(f"{live_server}/plans/405002/2021")
    page.get_by_role("link", name="导入文件").click()
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name="上传并预览").click()
    changes = page.locator("#changes tbody tr")
    changes.first.wait_for()
    assert changes.count() == 2
    described = changes.filter(has_text="房屋租赁面积")
    described.locator("input[type=checkbox]").uncheck()
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(re.compile(r"/plans/405002/2021$"))
    assert "改动的1处数值已记入修改记录" in page.locator(".flashes").inner_text()
    with app.app_context():
        row = Indicator.get(Indicator.name == "房屋租赁平米数")
        assert (row.target, row.description) == ("27000平方米", "房屋租赁平米数")
        assert Change.select().where(Change.action == "edit").count() == 1


def test_the_whole_plan_prints_in_one_job(app, seeded, live_server, page, tmp_path):
    page.goto(f"{live_server}/plans/405002/2021")
    page.get_by_role("link", name="打印整个计划").click()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.locator(".print-sheet").count() == 3
    pdf = page.pdf(format="A4", print_background=False)
    (tmp_path / "plan.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 4  # the narrative, then a page at least for each of the three projects
