"""Adding a plan, adding and deleting a project."""

import pytest

from app.models import Change, Department, Plan, Project


def test_new_plan_for_a_new_department(app, user):
    assert "新建年度绩效目标" in user.get("/plans/new").get_data(as_text=True)
    form = {
        "code": "406009",
        "name": "某市方志办",
        "year": "2024",
        "layout": "2021",
        "csrf_token": user.token,
    }
    response = user.post("/plans/new", form, htmx=False)
    assert response.status_code == 303 and response.headers["Location"] == "/plans/406009/2024"
    with app.app_context():
        plan = Plan.find("406009", 2024)
        assert (plan.department.name, plan.layout) == ("某市方志办", "2021")
        created = Change.get(Change.plan == plan)
        assert (created.action, created.user) == ("create", "root")
    page = user.get("/plans/406009/2024").get_data(as_text=True)
    assert "已新建某市方志办2024年的绩效目标" in page and "本年度还没有预算项目" in page


def test_a_new_plan_that_fails_leaves_no_new_department(app, user, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Plan, "create", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    form = {"code": "406009", "name": "某市方志办", "year": "2024", "layout": "2021"}
    response = user.post("/plans/new", {**form, "csrf_token": user.token}, htmx=False)
    assert response.status_code == 500
    with app.app_context():
        assert Department.get_or_none(Department.code == "406009") is None


def test_new_plan_for_an_existing_department_needs_no_name(app, user):
    form = {"code": "405002", "year": "2022", "layout": "classic", "csrf_token": user.token}
    assert user.post("/plans/new", form, htmx=False).status_code == 303
    with app.app_context():
        assert Department.select().count() == 2 and Plan.select().count() == 2  # 405002, 406001


@pytest.mark.parametrize(
    "form,words",
    [
        ({"code": "405002", "year": "2021"}, "2021年的绩效目标已存在"),
        ({"code": "999999", "year": "2022"}, "请填写部门名称"),
        ({"code": "405002", "year": "1999"}, "预算年度应在2000—2099之间"),
        ({"code": "405002", "year": "明年"}, "预算年度"),
        ({"code": "40 50", "year": "2022"}, "只能由数字和字母组成"),
        ({"code": "", "year": "2022"}, "请填写部门编码"),
        ({"code": "406010", "name": "档案\u202e馆", "year": "2022"}, "不可见的控制字符（U+202E）"),
    ],
)
def test_new_plan_refused_with_a_message_beside_the_field(app, user, form, words):
    data = {"name": "", "layout": "classic", "csrf_token": user.token, **form}
    response = user.post("/plans/new", data, htmx=False)
    assert response.status_code == 422
    assert words in response.get_data(as_text=True)
    with app.app_context():
        assert Plan.select().count() == 1


def test_add_a_project_and_delete_it(app, user):
    response = user.post("/plans/405002/2021/projects", htmx=False)
    assert response.status_code == 303
    project_url = response.headers["Location"]
    page = user.get(project_url).get_data(as_text=True)
    assert "新项目" in page and 'class="slot-empty"' in page
    with app.app_context():
        project = Project.get(Project.name == "新项目")
        assert project.position == 3
        assert Change.get(Change.record_id == project.id).action == "create"
    deleted = user.post(f"/projects/{project.id}/delete", htmx=False)
    assert deleted.status_code == 303 and deleted.headers["Location"] == "/plans/405002/2021"
    plan_page = user.get("/plans/405002/2021").get_data(as_text=True)
    assert "已删除项目“新项目”" in plan_page and "合计（3个项目）" in plan_page
