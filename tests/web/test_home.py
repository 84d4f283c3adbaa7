"""首页: every plan's status, findings, open comments, last change and money; the status filter;
and "待我处理" for each role."""

import html
from decimal import Decimal as D

import pytest

from app.domain.fields import version
from app.models import Comment, Department, Indicator, Plan, PlanCheck, Project
from app.services import check_counts, checking
from app.services.plans import create_plan, create_project
from tests.conftest import logged_in
from tests.html_table import table_rows


def _columns(response):
    """{plan row id: {column title: text}} of 首页's table (a department's code and name are
    merged over its years: they are read from the row above)."""
    rows = table_rows(response.data, "plans")
    titles = rows[0].texts
    found, merged = {}, []
    for row in rows[1:]:
        if not row.attrs.get("id", "").startswith("plan-"):
            continue
        texts = [c.text for c in row.cells for _ in range(int(c.attrs.get("colspan", 1)))]
        texts = texts if len(texts) == len(titles) else merged[:2] + texts
        merged = texts
        found[row.attrs["id"]] = dict(zip(titles, texts, strict=True))
    return found


def _seed_plan_row(app):
    with app.app_context():
        return f"plan-{Plan.get().id}"


def _text(response):
    return html.unescape(response.get_data(as_text=True))


def _save_target(user, app, name, target):
    with app.app_context():
        indicator = Indicator.get(Indicator.name == name)
    form = {"target": target, "version-target": version(indicator.target)}
    response = user.put(f"/cells/indicator/{indicator.id}/target", form)
    assert response.status_code == 200, response.get_data(as_text=True)


def _second_plan(app, budgets, status="draft", code="406001", year=2022):
    """Another plan (of the archive's department) with projects of these 预算数."""
    with app.app_context():
        department = Department.get(Department.code == code)
        plan = create_plan(department, year, "classic", user="root")
        for number, budget in enumerate(budgets):
            create_project(plan, "root", {"name": f"项目{number}", "budget": budget})
        Plan.update(status=status).where(Plan.id == plan.id).execute()
        return f"plan-{plan.id}"


def test_a_save_changes_the_counts_seen_on_home(app, user):
    row = _seed_plan_row(app)
    before = _columns(user.get("/"))[row]
    assert (before["错误"], before["警告"]) == ("0", "3")
    _save_target(user, app, "青少年科技活动次数", "150%")  # a rate above 100: V02, an error
    after = _columns(user.get("/"))[row]
    assert (after["错误"], after["警告"]) == ("1", "3")
    assert after["最近修改"].endswith("root") and after["最近修改"] != before["最近修改"]
    assert 'href="/plans/405002/2021/checks"' in user.get("/").get_data(as_text=True)


def test_an_unchanged_plan_is_not_checked_again(app, user, monkeypatch):
    other = _second_plan(app, [D(10)])
    checked = []
    check_plan = checking.check_plan

    def counting(plan, projects=None):
        checked.append(plan.department.code)
        return check_plan(plan, projects)

    monkeypatch.setattr(checking, "check_plan", counting)
    with app.app_context():
        PlanCheck.delete().execute()
    user.get("/")
    assert sorted(checked) == ["405002", "406001"]  # nothing was counted before
    with app.app_context():
        kept_at = {row.plan_id: row.checked_at for row in PlanCheck.select()}

    checked.clear()
    columns = _columns(user.get("/"))
    assert checked == []
    assert columns[other]["警告"] != ""
    _save_target(user, app, "青少年科技活动次数", "5次")
    user.get("/")
    assert checked == ["405002"]  # the plan that changed, and only it
    with app.app_context():
        now_at = {row.plan_id: row.checked_at for row in PlanCheck.select()}
        seed_id = Plan.get(Plan.year == 2021).id
    assert now_at[seed_id] > kept_at[seed_id]
    assert {k: v for k, v in now_at.items() if k != seed_id} == {
        k: v for k, v in kept_at.items() if k != seed_id
    }


def test_counts_kept_from_an_older_state_are_counted_again(app, user):
    """A viewer who counted the plan before a write does not leave stale counts behind."""
    row = _seed_plan_row(app)
    user.get("/")
    with app.app_context():
        PlanCheck.update(errors=7, change_id=PlanCheck.change_id - 1).execute()
    assert _columns(user.get("/"))[row]["错误"] == "0"


def test_status_filter(app, user):
    submitted = _second_plan(app, [D(5)], status="submitted")
    seed = _seed_plan_row(app)
    everything = user.get("/")
    assert set(_columns(everything)) == {seed, submitted}
    page = _text(everything)
    assert 'href="/?status=submitted"' in page and "已提交（1）" in page and "草稿（1）" in page

    only = user.get("/?status=submitted")
    assert set(_columns(only)) == {submitted}
    assert _columns(only)[submitted]["状态"] == "已提交"
    assert '<a href="/?status=submitted" aria-current="page">' in only.get_data(as_text=True)
    total = table_rows(only.data, "plans")[-1]
    assert total.texts[-2:] == ["1", "5.00"]  # the grand total is of what is listed

    assert set(_columns(user.get("/?status=draft"))) == {seed}
    assert "没有状态为“已批复”的计划" in _text(user.get("/?status=approved"))
    assert set(_columns(user.get("/?status=nonsense"))) == {seed, submitted}


def test_money_is_summed_exactly_and_an_implausible_budget_is_left_out(app, user):
    other = _second_plan(app, [D("33.335"), D("0.0035"), D(250000), None])
    columns = _columns(user.get("/"))
    assert columns[other]["项目数"] == "4"
    total = columns[other]["预算数合计（万元）"]
    assert total.startswith("33.3385") and "另有1个项目金额异常，未计入" in total
    page = _text(user.get("/"))
    assert 'title="预算数超过100000.00万元的项目不计入合计' in page

    grand = table_rows(user.get("/").data, "plans")[-1]
    assert grand.texts[0] == "合计（2个年度计划）"
    assert grand.texts[-2] == "7"
    assert grand.texts[-1] == "1804.1585另有1个项目金额异常，未计入"  # 1770.82 + 33.3385


def test_a_deleted_project_is_neither_counted_nor_summed(app, user):
    with app.app_context():
        Project.update(deleted_at="2021-01-01").where(Project.code == "405002B19DX0002").execute()
        left = sum(p.budget for p in Plan.get().ordered_projects())
    columns = _columns(user.get("/"))[_seed_plan_row(app)]
    assert columns["项目数"] == "2" and columns["预算数合计（万元）"] == f"{left:.2f}"


def test_open_comments_are_counted(app, user):
    with app.app_context():
        projects = list(Plan.get().ordered_projects())
        Comment.create(project=projects[0], user="reviewer", text="请核对")
        Comment.create(project=projects[1], user="reviewer", text="请补充", indicator_id=None)
        Comment.create(project=projects[1], user="reviewer", text="已改", resolved_at="2021-01-02")
    assert _columns(user.get("/"))[_seed_plan_row(app)]["未解决意见"] == "2"


def _tasks(app, username):
    client = logged_in(app, app.test_client(), username)
    page = client.get("/").get_data(as_text=True)
    if 'id="tasks"' not in page:
        return None
    box = page[page.index('id="tasks"') : page.index("</section>", page.index('id="tasks"'))]
    return html.unescape(box)


@pytest.fixture
def statuses(app, seeded):
    """The seed's plan returned with a reason, and the archive's plan submitted."""
    with app.app_context():
        Plan.update(status="returned", status_reason="请补充满意度指标").execute()
    return _second_plan(app, [D(1)], status="submitted")


def test_reviewers_and_admins_see_the_plans_waiting_for_review(app, statuses):
    for username in ("reviewer", "root"):
        box = _tasks(app, username)
        assert "某市档案馆 · 2022年" in box and "等待审核" in box
        assert "唐山市科学技术协会" not in box  # returned: not theirs now


def test_an_editor_sees_the_plans_returned_to_the_department_with_the_reason(app, statuses):
    box = _tasks(app, "editor")
    assert "唐山市科学技术协会 · 2021年" in box and "退回理由：请补充满意度指标" in box
    assert "某市档案馆" not in box
    assert "某市档案馆" not in _tasks(app, "other_editor")  # submitted: waits for the reviewer
    assert "暂无待处理的计划" in _tasks(app, "other_editor")


def test_an_editor_sees_drafts_with_errors(app, seeded):
    assert "暂无待处理的计划" in _tasks(app, "editor")
    with app.app_context():
        Project.update(other_funds=1).where(Project.code == "405002B19DX0002").execute()
        PlanCheck.delete().execute()  # written behind the history's back: count again
    box = _tasks(app, "editor")
    assert "唐山市科学技术协会 · 2021年" in box and "1 条错误须改正" in box
    assert "暂无待处理的计划" in _tasks(app, "other_editor")


def test_a_viewer_has_no_task_box(app, statuses):
    assert _tasks(app, "viewer") is None
    assert _tasks(app, "reviewer") is not None


def test_a_reviewer_with_nothing_to_review_is_told_so(app, seeded):
    assert "暂无待处理的计划" in _tasks(app, "reviewer")


def test_the_project_page_shows_the_plans_status_and_why_it_is_locked(app, seeded):
    with app.app_context():
        project_id = Plan.get().ordered_projects()[0].id
    editor = logged_in(app, app.test_client(), "editor")
    page = _text(editor.get(f"/projects/{project_id}"))
    assert '<span class="badge">草稿</span>' in page and "表格暂不能修改" not in page
    with app.app_context():
        Plan.update(status="submitted").execute()
    page = _text(editor.get(f"/projects/{project_id}"))
    assert '<span class="badge">已提交</span>' in page and "计划已提交，表格暂不能修改" in page
    # A reader who could not edit it anyway is not told it is locked.
    viewer = logged_in(app, app.test_client(), "viewer")
    page = _text(viewer.get(f"/projects/{project_id}"))
    assert '<span class="badge">已提交</span>' in page and "表格暂不能修改" not in page


def test_a_view_counts_a_few_plans_and_leaves_the_rest_for_the_next(app, user, monkeypatch):
    """After an upgrade dropped every count, 首页 stays quick: each view counts a few plans."""
    plans = [_second_plan(app, [D(1)], year=year) for year in (2022, 2023)]
    monkeypatch.setattr(check_counts, "RECOUNTS_PER_VIEW", 2)
    with app.app_context():
        PlanCheck.delete().execute()
    first = user.get("/")
    pending = [row for row, columns in _columns(first).items() if columns["错误"] == "计算中"]
    assert len(pending) == 1 and "还有 1 个计划的审核结果在计算中" in _text(first)
    second = user.get("/")
    assert all(columns["错误"] != "计算中" for columns in _columns(second).values())
    assert "在计算中" not in _text(second)
    assert set(_columns(second)) == {_seed_plan_row(app), *plans}
