"""部门管理: a department's code and name corrected everywhere at once, with their history; a
plan created by mistake deleted (gone from every page) and restored whole; admins only."""

import html
import io
import re

import pytest

from app.domain.fields import version as version_of
from app.formats.detect import read_file
from app.models import Change, Comment, Department, Indicator, Plan, Project
from app.services.comments import add as add_comment
from app.services.next_year import start_next_year
from app.services.setup import DEMO_FILE
from app.services.workflow import change_status
from tests.conftest import Browserless, account, database_snapshot, logged_in
from tests.web.test_imports import (
    _fingerprint,
    _keys,
    _preview,
    _upload,
    _workbook_without_a_department,
)


def _as(app, username):
    return Browserless(logged_in(app, app.test_client(), username))


def _text(response):
    """A page's text as a user reads it: tags dropped, entities read."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _department(app, code="405002"):
    with app.app_context():
        return Department.get(Department.code == code)


def _plan(app, year=2021):
    with app.app_context():
        return Plan.get(Plan.year == year)


def _correct(user, department, code, name):
    form = {"csrf_token": user.token, "code": code, "name": name}
    return user.post(f"/departments/{department.id}", form, htmx=False)


def _delete(user, plan, reason="重复建立"):
    form = {"csrf_token": user.token, "reason": reason}
    return user.post(f"/departments/plans/{plan.id}/delete", form, htmx=False)


def _restore(user, plan):
    return user.post(
        f"/departments/plans/{plan.id}/restore", {"csrf_token": user.token}, htmx=False
    )


# Correcting a department


def test_the_departments_page_counts_each_departments_plans_and_users(app, user):
    page = _text(user.get("/departments/"))
    # 405002: the seed's plan and the editor; 406001: no plan, the other editor.
    assert "405002 唐山市科学技术协会 1 1" in page
    assert "406001 某市档案馆 0 1" in page
    assert 'href="/departments/"' in user.get("/").get_data(as_text=True)  # linked in the header


def test_a_corrected_code_and_name_show_on_every_page_and_in_exports(app, user):
    department = _department(app)
    response = _correct(user, department, "405099", "唐山市科协")
    assert response.status_code == 303

    plan_page = user.get("/plans/405099/2021")
    assert plan_page.status_code == 200
    assert "<title>唐山市科协 2021年" in plan_page.get_data(as_text=True)
    home = user.get("/").get_data(as_text=True)
    assert 'href="/plans/405099/2021"' in home and "唐山市科协" in home
    assert "唐山市科学技术协会" not in home
    found = user.get("/search", query_string={"q": "405002B"}).get_data(as_text=True)
    assert "唐山市科协" in found and 'href="/plans/405099/2021"' in found
    exported = user.get("/plans/405099/2021/export.docx")
    document = read_file(exported.get_data(), "plan.docx")
    assert (document.department_code, document.department_name) == ("405099", "唐山市科协")
    # An old link or bookmark is sent on to the plan's address now.
    old = user.get("/history/plans/405002/2021?page=2")
    assert old.status_code == 302
    assert old.headers["Location"] == "/history/plans/405099/2021?page=2"
    assert user.get("/plans/405002/2021", headers={"HX-Request": "true"}).status_code == 404
    # The department's history says who changed what, old → new.
    history = _text(user.get(f"/departments/{department.id}"))
    assert "root 部门编码 405002 405099" in history
    assert "root 部门名称 唐山市科学技术协会 唐山市科协" in history


def test_a_logged_in_editor_of_the_department_follows_the_new_code(app, user):
    editor = _as(app, "editor")
    _correct(user, _department(app), "405099", "唐山市科协")
    page = editor.get("/plans/405099/2021").get_data(as_text=True)
    assert "唐山市科协" in page and 'id="cell-plan-' in page  # still its editor


def test_an_approved_version_keeps_the_name_it_was_approved_with(app, user):
    plan = _plan(app)
    with app.app_context():
        change_status(account(), plan.id, "submit")
        change_status(account(), plan.id, "approve")
    _correct(user, _department(app), "405002", "唐山市科协")
    version = user.get("/plans/405002/2021/versions/1").get_data(as_text=True)
    assert "唐山市科学技术协会" in version


@pytest.mark.parametrize(
    "code,name,message",
    [
        ("406001", "唐山市科协", "部门编码 406001 已被“某市档案馆”使用，未作修改"),
        ("405-002", "唐山市科协", "部门编码只能由数字和字母组成，最多20位"),
        ("", "唐山市科协", "请填写部门编码"),
        ("405002", "  ", "请填写部门名称"),
        ("405002", "唐山\u202e协会", "部门名称含有不可见的控制字符（U+202E），请删除"),
    ],
)
def test_a_correction_not_allowed_is_refused_and_nothing_changes(app, user, code, name, message):
    department = _department(app)
    with app.app_context():
        before = database_snapshot()
    response = _correct(user, department, code, name)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in html.unescape(page)
    assert f'value="{html.escape(code)}"' in page  # what was typed, to correct
    with app.app_context():
        assert database_snapshot() == before


def test_full_width_digits_are_read_as_a_code(app, user):
    _correct(user, _department(app), "４０５０９９", "唐山市科学技术协会")
    assert _department(app, "405099").name == "唐山市科学技术协会"


# Deleting a plan created by mistake


def _everything_of(app, plan):
    """What a plan holds: its projects, indicators, comments and history (as rows)."""
    with app.app_context():
        projects = Project.select().where(Project.plan == plan.id)
        return {
            "plan": Plan.select(Plan.overall_goal, Plan.status)
            .where(Plan.id == plan.id)
            .tuples()[:],
            "projects": sorted(projects.tuples()),
            "indicators": sorted(
                Indicator.select().where(Indicator.project.in_(projects)).tuples()
            ),
            "comments": sorted(Comment.select().where(Comment.plan == plan.id).tuples()),
            "changes": sorted(Change.select().where(Change.plan == plan.id).tuples()),
        }


def test_a_deleted_plan_is_gone_from_every_page_and_comes_back_whole(app, user):
    plan = _plan(app)
    with app.app_context():
        project = plan.ordered_projects()[0]
        add_comment(account(), project.id, "请核对预算数")
    before = _everything_of(app, plan)
    confirm = user.get(f"/departments/plans/{plan.id}/delete")
    assert "删除唐山市科学技术协会2021年的绩效目标？" in _text(confirm)

    response = _delete(user, plan, "重复建立，应为2022年")
    assert response.status_code == 303
    listed = _text(user.get("/departments/"))
    assert "已删除的计划 部门 年度 删除时间 删除人 原因" in listed
    assert re.search(
        r"405002 唐山市科学技术协会 2021 \S+ \S+ root 重复建立，应为2022年 恢复", listed
    )
    assert "/plans/405002/2021" not in user.get("/").get_data(as_text=True)
    assert "没有找到" in _text(user.get("/search", query_string={"q": project.name}))
    for url in (
        "/plans/405002/2021",
        f"/projects/{project.id}",
        "/history/plans/405002/2021",
        f"/history/projects/{project.id}",
        "/plans/405002/2021/export.docx",
        "/plans/405002/2021/checks",
    ):
        assert user.get(url).status_code == 404, url
    reviewer = _as(app, "reviewer")
    assert "/plans/405002/2021" not in reviewer.get("/").get_data(as_text=True)

    response = _restore(user, plan)
    assert response.status_code == 303 and response.headers["Location"] == "/plans/405002/2021"
    assert user.get("/plans/405002/2021").status_code == 200
    after = _everything_of(app, plan)
    added = [c for c in after.pop("changes") if c not in before["changes"]]
    assert after == {k: v for k, v in before.items() if k != "changes"}
    assert [(c[5], c[8], c[9], c[10]) for c in added] == [  # entity, action, old, new
        ("plan", "delete_plan", None, "重复建立，应为2022年"),
        ("plan", "restore_plan", "重复建立，应为2022年", None),
    ]
    history = _text(user.get("/history/plans/405002/2021"))
    assert "删除计划" in history and "恢复计划" in history
    assert "没有已删除的计划" in _text(user.get("/departments/"))


def test_a_deletion_without_a_reason_is_refused(app, user):
    plan = _plan(app)
    with app.app_context():
        before = database_snapshot()
    response = _delete(user, plan, "  ")
    assert response.status_code == 422
    assert "请写明删除的原因" in _text(response)
    with app.app_context():
        assert database_snapshot() == before


def test_a_plan_once_approved_is_not_deleted(app, user):
    plan = _plan(app)
    with app.app_context():
        change_status(account(), plan.id, "submit")
        change_status(account(), plan.id, "approve")
        change_status(account(), plan.id, "adjust", "补充指标")
        before = database_snapshot()
    assert "已批复过，不能删除" in _text(user.get(f"/departments/{plan.department_id}"))
    response = _delete(user, plan)
    assert response.status_code == 422
    assert "已批复过的计划是正式记录，不能删除" in _text(response)
    with app.app_context():
        assert database_snapshot() == before


def test_the_year_of_a_deleted_plan_says_where_to_restore_it(app, user):
    plan = _plan(app)
    _delete(user, plan)
    message = "唐山市科学技术协会2021年的计划已删除，可在“部门管理”中恢复"
    form = {"csrf_token": user.token, "code": "405002", "name": "", "year": "2021"}
    new = user.post("/plans/new", {**form, "layout": "classic"}, htmx=False)
    assert new.status_code == 422 and message in _text(new)
    data = DEMO_FILE.read_bytes()
    upload = user.client.post(
        "/imports/",
        data={"csrf_token": user.token, "file": (io.BytesIO(data), "seed.txt")},
        content_type="multipart/form-data",
    )
    assert message in _text(upload) or message in _text(user.get(upload.headers["Location"]))
    with app.app_context():
        assert Plan.select().count() == 1 and Plan.get().deleted_at is not None


def test_next_year_is_not_copied_over_a_deleted_plan(app, user):
    with app.app_context():
        copied = start_next_year(account(), _plan(app).id).plan
    assert 'id="compare-last-year"' in user.get("/plans/405002/2022").get_data(as_text=True)
    _delete(user, _plan(app))  # last year's gone: nothing to compare 2022 with
    assert 'id="compare-last-year"' not in user.get("/plans/405002/2022").get_data(as_text=True)
    _restore(user, _plan(app))
    _delete(user, copied)
    page = user.get("/plans/405002/2021").get_data(as_text=True)
    assert "以本年度为基础开始2022年度" in page  # no link to the deleted plan
    response = user.post("/plans/405002/2021/next-year", {"csrf_token": user.token}, htmx=False)
    assert response.status_code == 409
    assert "唐山市科学技术协会2022年的计划已删除，可在“部门管理”中恢复" in _text(response)


def test_the_home_pages_counts_leave_a_deleted_plan_out(app, user):
    with app.app_context():
        Plan.create(department=_department(app, "406001"), year=2021)
    before = _text(user.get("/"))
    assert "全部（2）" in before and "草稿（2）" in before
    _delete(user, _plan(app))
    home = _text(user.get("/"))
    assert "全部（1）" in home and "草稿（1）" in home
    assert "某市档案馆" in home and "/plans/405002/2021" not in user.get("/").get_data(as_text=True)


# Admins only


def _routes(plan, department):
    return [
        ("GET", "/departments/", {}),
        ("GET", f"/departments/{department.id}", {}),
        ("POST", f"/departments/{department.id}", {"code": "1", "name": "x"}),
        ("GET", f"/departments/plans/{plan.id}/delete", {}),
        ("POST", f"/departments/plans/{plan.id}/delete", {"reason": "x"}),
        ("POST", f"/departments/plans/{plan.id}/restore", {}),
    ]


@pytest.mark.parametrize("who", ["editor", "viewer", "reviewer"])
@pytest.mark.parametrize("token", [True, False], ids=["token", "no-token"])
def test_only_administrators_reach_the_departments_pages(app, seeded, who, token):
    plan, department = _plan(app), _department(app)
    someone = _as(app, who)
    assert 'href="/departments/"' not in someone.get("/").get_data(as_text=True)
    with app.app_context():
        before = database_snapshot()
    for method, url, data in _routes(plan, department):
        if method == "GET":
            response = someone.get(url)
        else:
            form = {**data, "csrf_token": someone.token} if token else data
            response = someone.client.post(url, data=form)
        # Without the token the CSRF guard answers first (400); with it, the role does (403).
        assert response.status_code == (403 if token or method == "GET" else 400), (url, token)
    with app.app_context():
        assert database_snapshot() == before


def test_a_deleted_plan_is_restored_by_administrators_only(app, seeded, user):
    plan = _plan(app)
    _delete(user, plan)
    editor = _as(app, "editor")
    assert _restore(editor, plan).status_code == 403
    with app.app_context():
        assert Plan.get_by_id(plan.id).deleted_at is not None


def test_nothing_is_written_into_a_deleted_plan(app, user):
    """A page left open on a plan that is then deleted: its saves, comments and polls find
    nothing (404), and the plan stays as it was deleted."""
    plan = _plan(app)
    with app.app_context():
        project = plan.ordered_projects()[0]
        indicator = project.ordered_indicators()[0]
        thread = add_comment(account(), project.id, "请核对预算数")
        on_plan = add_comment(account(), None, "请补充", field="overall_goal", plan_id=plan.id)
    version = {"version-overall_goal": version_of(plan.overall_goal)}
    edit = user.put(f"/cells/plan/{plan.id}/overall_goal", {"overall_goal": "新目标", **version})
    assert edit.status_code == 200
    with app.app_context():
        edited = Change.select().where(Change.field == "overall_goal").get()
    _delete(user, plan)
    with app.app_context():
        before = database_snapshot()
    version = {"version-overall_goal": version_of("新目标")}
    for method, url, data in [
        ("PUT", f"/cells/plan/{plan.id}/overall_goal", {"overall_goal": "改", **version}),
        ("PUT", f"/cells/project/{project.id}/name", {"name": "改", "version-name": "x"}),
        ("PUT", f"/cells/indicator/{indicator.id}/target", {"target": "1", "version-target": "x"}),
        ("POST", f"/projects/{project.id}/comments", {"text": "意见"}),
        ("POST", f"/plans/{plan.id}/comments", {"text": "意见", "field": "overall_goal"}),
        ("POST", f"/comments/{thread.id}/replies", {"text": "回复"}),
        ("POST", f"/comments/{on_plan.id}/replies", {"text": "回复"}),
        ("POST", f"/indicators/{indicator.id}/delete", {}),
        ("POST", f"/history/{edited.id}/restore", {}),
    ]:
        assert user._send(method, url, data).status_code == 404, url
    for url in (
        f"/history/cells/plan/{plan.id}?field=overall_goal",
        f"/departments/plans/{plan.id}/delete",
        "/plans/405002/2021/changes?since=0",
    ):
        assert user.get(url).status_code == 404, url
    with app.app_context():
        assert database_snapshot() == before


def test_a_deleted_plan_leaves_the_reviewers_queue(app, user):
    plan = _plan(app)
    with app.app_context():
        change_status(account(), plan.id, "submit")
    reviewer = _as(app, "reviewer")
    assert f'id="task-{plan.id}"' in reviewer.get("/").get_data(as_text=True)
    _delete(user, plan)
    home = reviewer.get("/").get_data(as_text=True)
    assert f'id="task-{plan.id}"' not in home and "暂无待处理的计划" in home


def test_a_file_waiting_for_its_confirmation_goes_into_the_corrected_department(app, user):
    """Uploaded for 405002 (the file names no department), confirmed after 405002 became 405099:
    it goes into the department as it is now, not into a new 405002."""
    data = _workbook_without_a_department()
    location, page = _preview(
        user, _upload(user, "new.xlsx", data, year="2022", department="405002")
    )
    _correct(user, _department(app), "405099", "唐山市科学技术协会")
    form = {"fingerprint": _fingerprint(page), "apply": _keys(page)}
    done = user.post(location, form, htmx=False)
    assert done.status_code == 303 and done.headers["Location"].endswith("/plans/405099/2022")
    with app.app_context():
        assert [d.code for d in Department.select().order_by(Department.code)] == [
            "405099",
            "406001",
        ]


def test_an_editor_imports_last_years_file_under_the_former_code(app, user):
    _correct(user, _department(app), "405099", "唐山市科学技术协会")
    editor = _as(app, "editor")
    old_file = DEMO_FILE.read_bytes()  # names 405002
    location, page = _preview(editor, _upload(editor, "2021.txt", old_file, year="2022"))
    assert "文件中的部门编码 405002 已更正为 405099，导入到 405099" in html.unescape(page)
    form = {"fingerprint": _fingerprint(page), "apply": _keys(page)}
    done = editor.post(location, form, htmx=False)
    assert done.status_code == 303 and done.headers["Location"].endswith("/plans/405099/2022")
