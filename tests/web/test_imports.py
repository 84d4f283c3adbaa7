"""Upload in the page: a file is read, previewed change by change, confirmed or cancelled."""

import io
from pathlib import Path

import docx
import openpyxl
import pytest

from app.models import Change, Indicator, Plan, Project, Upload
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


def test_an_exported_workbook_edited_in_one_cell_previews_that_one_change(app, user):
    book = openpyxl.load_workbook(io.BytesIO(_export(user, "xlsx")))
    sheet = book["唐山市总工会房屋租金"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "26650.77平方米")
    cell.value = "27000平方米"
    edited = io.BytesIO()
    book.save(edited)
    with app.app_context():
        before = database_snapshot()
    location, page = _preview(user, _upload(user, "edited.xlsx", edited.getvalue()))
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
