"""Upload in the page: a file is read, previewed change by change, confirmed or cancelled."""

import datetime
import io
from pathlib import Path

import docx
import openpyxl
import pytest

from app.models import Change, Department, Indicator, Plan, Project, Upload
from app.services.setup import DEMO_FILE
from tests.conftest import Browserless, database_snapshot, logged_in


def _upload(user, name, data, **fields):
    form = {"csrf_token": user.token, "file": (io.BytesIO(data), name), **fields}
    return user.client.post("/imports/", data=form, content_type="multipart/form-data")


def _export(user, kind, url="/plans/405002/2021"):
    response = user.get(f"{url}/export.{kind}")
    assert response.status_code == 200
    return response.get_data()


def _preview(user, response):
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    page = user.get(response.headers["Location"]).get_data(as_text=True)
    return response.headers["Location"], page


def _edited_workbook(user, old, new):
    """The plan exported to Excel with `old` replaced by `new` in every cell, as a colleague
    edits it in Excel and sends it back."""
    book = openpyxl.load_workbook(io.BytesIO(_export(user, "xlsx")))
    replaced = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and old in cell.value:
                    cell.value = cell.value.replace(old, new)
                    replaced += 1
    assert replaced
    edited = io.BytesIO()
    book.save(edited)
    return edited.getvalue()


def test_an_exported_workbook_edited_in_one_cell_previews_that_one_change(app, user):
    edited = _edited_workbook(user, "26650.77平方米", "27000平方米")
    with app.app_context():
        before = database_snapshot()
    location, page = _preview(user, _upload(user, "edited.xlsx", edited))
    assert page.count('name="apply"') == 1
    assert "26650.77平方米" in page and "27000平方米" in page
    with app.app_context():
        after = database_snapshot()
    assert len(after.pop("Upload")) == 1 and not before.pop("Upload")
    assert after == before  # a preview writes nothing but the file it keeps
    fingerprint = page.split('name="fingerprint" value="')[1].split('"')[0]
    key = page.split('name="apply" value="')[1].split('"')[0]
    done = user.post(location, {"fingerprint": fingerprint, "apply": key}, htmx=False)
    assert done.status_code == 303
    with app.app_context():
        changes = list(Change.select().where(Change.action == "edit"))
        assert [(c.field, c.old, c.new, c.user) for c in changes] == [
            ("target", "26650.77平方米", "27000平方米", "root")
        ]
        assert Upload.select().count() == 0


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_an_untouched_export_previews_no_change(app, user, kind):
    _, page = _preview(user, _upload(user, f"plan.{kind}", _export(user, kind)))
    assert 'id="no-changes"' in page


def test_a_renamed_row_is_a_rename_and_an_unticked_change_is_left_out(app, user):
    book = openpyxl.load_workbook(io.BytesIO(_export(user, "xlsx")))
    sheet = book["唐山市科普专项经费"]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "青少年科技活动次数":
                cell.value = "青少年科技活动场次"
            if cell.value == "100%":
                cell.value = "95%"
    edited = io.BytesIO()
    book.save(edited)
    location, page = _preview(user, _upload(user, "renamed.xlsx", edited.getvalue()))
    keys = page.split('name="apply" value="')[1:]
    keys = [k.split('"')[0] for k in keys]
    assert len(keys) == 2 and all(k.startswith("edit:indicator:") for k in keys)
    rename = next(k for k in keys if k.endswith(":name"))
    fingerprint = page.split('name="fingerprint" value="')[1].split('"')[0]
    assert (
        user.post(location, {"fingerprint": fingerprint, "apply": rename}, htmx=False).status_code
        == 303
    )
    with app.app_context():
        names = [i.name for i in Indicator.select().where(Indicator.deleted_at.is_null())]
        assert "青少年科技活动场次" in names and "青少年科技活动次数" not in names
        assert Indicator.get(Indicator.name == "科普活动举办成效").target == "100%"  # unticked
        assert Indicator.select().count() == 18  # nothing deleted, nothing created


def test_a_cancelled_upload_writes_nothing(app, user):
    with app.app_context():
        before = database_snapshot()
    location, _ = _preview(user, _upload(user, "plan.docx", _export(user, "docx")))
    assert user.post(f"{location}/cancel", htmx=False).status_code == 303
    with app.app_context():
        after = database_snapshot()
    assert after == before


def test_an_editor_uploads_into_their_own_department_only(app, seeded):
    editor = Browserless(logged_in(app, app.test_client(), "other_editor"))
    response = _upload(editor, "seed.txt", DEMO_FILE.read_bytes())
    assert response.status_code == 403
    viewer = Browserless(logged_in(app, app.test_client(), "viewer"))
    assert _upload(viewer, "seed.txt", DEMO_FILE.read_bytes()).status_code == 403


def test_a_submitted_plan_is_not_changed_by_an_upload(app, user):
    data = _export(user, "xlsx")
    with app.app_context():
        Plan.update(status="submitted").execute()
    location, _ = _preview(user, _upload(user, "plan.xlsx", data))
    page = user.get(location)
    assert page.status_code == 422 and "已提交" in page.get_data(as_text=True)


def test_a_file_that_cannot_be_read_is_refused_where_it_was_chosen(app, user):
    response = _upload(user, "plan.docx", b"PK\x03\x04" + bytes(64))
    assert response.status_code == 422
    assert "文件已损坏" in response.get_data(as_text=True)
    with app.app_context():
        assert Upload.select().count() == 0 and Project.select().count() == 3


def test_an_exported_document_edited_in_one_cell_previews_that_one_change(app, user):
    word = docx.Document(io.BytesIO(_export(user, "docx")))
    cell = next(
        c for t in word.tables for r in t.rows for c in r.cells if c.text == "26650.77平方米"
    )
    cell.paragraphs[0].runs[0].text = "27000平方米"
    edited = io.BytesIO()
    word.save(edited)
    location, page = _preview(user, _upload(user, "edited.docx", edited.getvalue()))
    assert page.count('name="apply"') == 1 and "27000平方米" in page
    fingerprint = page.split('name="fingerprint" value="')[1].split('"')[0]
    key = page.split('name="apply" value="')[1].split('"')[0]
    assert (
        user.post(location, {"fingerprint": fingerprint, "apply": key}, htmx=False).status_code
        == 303
    )
    with app.app_context():
        assert [(c.field, c.new) for c in Change.select().where(Change.action == "edit")] == [
            ("target", "27000平方米")
        ]


HOSTILE = Path(__file__).parent.parent / "fixtures" / "office" / "hostile"


@pytest.mark.parametrize(
    "name", ["zip_bomb.xlsx", "billion_laughs.xlsx", "lying_dimension.xlsx", "xlsx_named_docx.docx"]
)
def test_a_hostile_upload_is_refused_with_a_message_and_nothing_kept(app, user, name):
    with app.app_context():
        before = database_snapshot()
    response = _upload(user, name, (HOSTILE / name).read_bytes())
    assert response.status_code == 422
    assert "未导入，数据库未作任何改动" in response.get_data(as_text=True)
    with app.app_context():
        assert database_snapshot() == before


def _fingerprint(page):
    return page.split('name="fingerprint" value="')[1].split('"')[0]


def _keys(page):
    return [k.split('"')[0] for k in page.split('name="apply" value="')[1:]]


def _workbook_without_a_department():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["项目名称", "科普进社区", "预算数（万元）", 10])
    sheet.append(["一级指标", "二级指标", "三级指标", "指标值"])
    sheet.append(["产出指标", "数量指标", "科普活动次数", "≥10次"])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_an_editor_may_not_choose_another_department_for_a_file_that_names_none(app, seeded):
    editor = Browserless(logged_in(app, app.test_client(), "editor"))  # of 405002
    data = _workbook_without_a_department()
    refused = _upload(editor, "new.xlsx", data, year="2022", department="406001")
    assert refused.status_code == 403
    # Without a choice it goes into the editor's own department: a new plan, made on confirm.
    location, page = _preview(editor, _upload(editor, "new.xlsx", data, year="2022"))
    assert "将新建405002 唐山市科学技术协会 2022年的绩效目标" in page
    with app.app_context():
        assert not Plan.select().where(Plan.year == 2022).exists()
    keys = _keys(page)
    assert "create:plan" not in keys  # comes with the file: no box to untick
    done = editor.post(location, {"fingerprint": _fingerprint(page), "apply": keys}, htmx=False)
    assert done.status_code == 303 and done.headers["Location"].endswith("/plans/405002/2022")
    with app.app_context():
        plan = Plan.get(Plan.year == 2022)
        [project] = plan.ordered_projects()
        assert (project.name, project.budget) == ("科普进社区", 10)
        assert [i.target for i in project.ordered_indicators()] == ["≥10次"]


def test_a_department_new_to_the_site_is_created_by_the_confirmation_not_the_upload(app, user):
    data = (Path(__file__).parent.parent / "fixtures" / "office" / "other_region.xlsx").read_bytes()
    location, page = _preview(user, _upload(user, "other.xlsx", data, year="2022"))
    assert "412001" in page
    with app.app_context():
        assert not Department.select().where(Department.code == "412001").exists()
    assert user.post(f"{location}/cancel", htmx=False).status_code == 303
    with app.app_context():
        assert not Department.select().where(Department.code == "412001").exists()
    location, page = _preview(user, _upload(user, "other.xlsx", data, year="2022"))
    done = user.post(
        location, {"fingerprint": _fingerprint(page), "apply": _keys(page)}, htmx=False
    )
    assert done.status_code == 303
    with app.app_context():
        department = Department.get(Department.code == "412001")
        assert department.name == "唐山市文化广电和旅游局"
        assert Plan.get(Plan.department == department).ordered_projects()


def test_a_department_renamed_in_the_file_is_a_change_to_leave_out(app, user):
    edited = _edited_workbook(user, "唐山市科学技术协会", "唐山市科协")
    location, page = _preview(user, _upload(user, "renamed.xlsx", edited))
    assert _keys(page) == ["edit:department:name"]
    assert "唐山市科协" in page
    done = user.post(location, {"fingerprint": _fingerprint(page)}, htmx=False)  # unticked
    assert done.status_code == 303
    with app.app_context():
        assert Department.get(Department.code == "405002").name == "唐山市科学技术协会"


def test_a_plan_changed_after_the_preview_is_not_overwritten(app, user):
    edited = _edited_workbook(user, "26650.77平方米", "27000平方米")
    location, page = _preview(user, _upload(user, "edited.xlsx", edited))
    with app.app_context():  # a colleague saves the same cell meanwhile
        Indicator.update(target="26000平方米").where(Indicator.target == "26650.77平方米").execute()
    done = user.post(
        location, {"fingerprint": _fingerprint(page), "apply": _keys(page)}, htmx=False
    )
    assert done.status_code == 303 and done.headers["Location"] == location
    again = user.get(location).get_data(as_text=True)
    assert "预览之后计划已被修改" in again and "26000平方米" in again
    with app.app_context():
        assert Indicator.select().where(Indicator.target == "26000平方米").count() == 1
        assert not Change.select().where(Change.action == "edit").exists()


def test_an_upload_is_its_uploaders_alone_and_expires(app, user, seeded):
    editor = Browserless(logged_in(app, app.test_client(), "editor"))
    location, _ = _preview(editor, _upload(editor, "plan.xlsx", _export(user, "xlsx")))
    assert user.get(location).status_code == 404
    assert user.post(location, {"fingerprint": "x"}, htmx=False).status_code == 404
    assert user.post(f"{location}/cancel", htmx=False).status_code == 404
    assert editor.get(location).status_code == 200
    with app.app_context():
        Upload.update(created_at=datetime.datetime.now() - datetime.timedelta(days=2)).execute()
    assert editor.get(location).status_code == 404
    with app.app_context():
        assert Upload.select().count() == 0


def test_a_file_over_the_limit_is_refused_with_the_limit(app, user):
    response = _upload(user, "big.docx", bytes(9 * 1024 * 1024))
    assert response.status_code == 413
    assert "超过 8 MB" in response.get_data(as_text=True)


def test_a_new_plan_with_its_narrative_is_confirmed_though_other_plans_were_made_meanwhile(
    app, user
):
    data = (Path(__file__).parent.parent / "fixtures" / "jiaoyuju_2022_layout2021.txt").read_bytes()
    location, page = _preview(user, _upload(user, "教育局.txt", data))
    assert "将新建405010 某市教育局 2022年的绩效目标" in page
    assert "连同指标" in page  # a new project's box takes its indicators with it
    with app.app_context():  # ids the preview used are taken by someone else meanwhile
        department = Department.get(Department.code == "405002")
        Plan.create(department=department, year=2030, layout="classic")
    done = user.post(
        location, {"fingerprint": _fingerprint(page), "apply": _keys(page)}, htmx=False
    )
    assert done.status_code == 303 and done.headers["Location"].endswith("/plans/405010/2022")
    with app.app_context():
        plan = Plan.find("405010", 2022)
        assert plan.overall_goal and plan.ordered_projects()


def test_an_editor_cannot_rename_their_department_by_a_file(app, seeded):
    editor = Browserless(logged_in(app, app.test_client(), "editor"))
    edited = _edited_workbook(editor, "唐山市科学技术协会", "随便改的名")
    location, page = _preview(editor, _upload(editor, "renamed.xlsx", edited))
    assert _keys(page) == [] and "部门名称由管理员修改" in page
    done = editor.post(location, {"fingerprint": _fingerprint(page)}, htmx=False)
    assert done.status_code == 303
    with app.app_context():
        assert Department.get(Department.code == "405002").name == "唐山市科学技术协会"


def test_a_file_naming_no_department_does_not_undo_a_rename_made_after_its_upload(app, seeded):
    editor = Browserless(logged_in(app, app.test_client(), "editor"))
    upload = _upload(editor, "new.xlsx", _workbook_without_a_department(), year="2021")
    with app.app_context():
        Department.update(name="唐山市科协").where(Department.code == "405002").execute()
    _, page = _preview(editor, upload)
    assert "edit:department:name" not in page and "唐山市科协" in page
