"""The review status of a plan: submit (refused while errors or open comments remain), return
with reasons, approve (frozen as a version), 调整 with a reason and a second approval; each
recorded."""

import pytest

from app.domain.fields import Edit, version
from app.domain.workflow import STATUSES, TRANSITIONS, WorkflowError
from app.formats import snapshot
from app.formats.text import read
from app.models import Change, Comment, Indicator, Plan, PlanVersion, Project
from app.services.errors import Forbidden, OutOfScope
from app.services.importing import import_document
from app.services.saving import save_cell
from app.services.setup import DEMO_FILE
from app.services.workflow import change_status
from tests.conftest import account, logged_in, page_csrf_token


def _post(app, who, url, **data):
    client = logged_in(app, app.test_client(), who)
    csrf = page_csrf_token(client.get("/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": csrf, **data}, follow_redirects=True)


def test_submit_return_resubmit_approve(app, seeded):
    page = _post(app, "editor", "/plans/405002/2021/submit").get_data(as_text=True)
    assert "状态已改为“已提交”" in page
    assert "退回时请写明理由" in _post(app, "reviewer", "/plans/405002/2021/return").get_data(
        as_text=True
    )
    page = _post(app, "reviewer", "/plans/405002/2021/return", reason="成本指标缺少依据").get_data(
        as_text=True
    )
    assert "已退回" in page and "退回理由：成本指标缺少依据" in page
    _post(app, "editor", "/plans/405002/2021/submit")
    _post(app, "reviewer", "/plans/405002/2021/approve", confirm="yes")
    with app.app_context():
        assert Plan.get().status == "approved"
        history = [
            (c.user, c.new)
            for c in Change.select().where(Change.field == "status").order_by(Change.id)
        ]
    assert history == [
        ("editor", "已提交"),
        ("reviewer", "已退回：成本指标缺少依据"),
        ("editor", "已提交"),
        ("reviewer", "已批复"),
    ]


def test_an_approved_plan_cannot_be_submitted_again(app, seeded):
    with app.app_context():
        plan = Plan.get()
        change_status(account(), plan.id, "submit")
        change_status(account(), plan.id, "approve")
        with pytest.raises(WorkflowError, match="已批复"):
            change_status(account(), plan.id, "submit")


def test_status_is_shown_with_the_buttons_each_role_may_use(app, seeded):
    editor = (
        logged_in(app, app.test_client(), "editor").get("/plans/405002/2021").get_data(as_text=True)
    )
    assert "草稿" in editor and "提交审核" in editor and "批复" not in editor
    viewer = (
        logged_in(app, app.test_client(), "viewer").get("/plans/405002/2021").get_data(as_text=True)
    )
    assert "提交审核" not in viewer


def test_the_history_page_names_a_status_change_in_chinese(app, seeded):
    _post(app, "editor", "/plans/405002/2021/submit")
    client = logged_in(app, app.test_client(), "viewer")
    page = client.get("/history/plans/405002/2021").get_data(as_text=True)
    row = page[page.index('class="action-status"') :]
    row = row[: row.index("</tr>")]
    assert ">状态</a>" in row and "<td>审核</td>" in row and "已提交" in row
    assert ">status<" not in row


# Who may take each action on the seed's plan (405002): its editor and admins submit and adjust,
# reviewers and admins return and approve.
MAY = {
    "submit": {"editor", "root"},
    "adjust": {"editor", "root"},
    "return": {"reviewer", "root"},
    "approve": {"reviewer", "root"},
}


def test_each_transition_is_allowed_only_to_its_role_and_in_its_state(app, seeded):
    with app.app_context():
        plan_id = Plan.get().id
        for action, (sources, target) in TRANSITIONS.items():
            for status in STATUSES:
                for who in ("viewer", "editor", "other_editor", "reviewer", "root"):
                    Plan.update(status=status).execute()
                    if who == "other_editor":  # another department's plan: not theirs to see
                        with pytest.raises(OutOfScope):
                            change_status(account(who), plan_id, action, "理由")
                    elif who not in MAY[action]:
                        with pytest.raises(Forbidden):
                            change_status(account(who), plan_id, action, "理由")
                    elif status not in sources:
                        with pytest.raises(WorkflowError, match=STATUSES[status]):
                            change_status(account(who), plan_id, action, "理由")
                    else:
                        assert change_status(account(who), plan_id, action, "理由").status == target
                    assert Plan.get().status == (
                        target if who in MAY[action] and status in sources else status
                    ), (action, status, who)


def _target_of(name):
    return Indicator.get(Indicator.name == name)


def _set_target(who, indicator, text):
    edit = Edit("indicator", "target", {"target": text}, {"target": version(indicator.target)})
    return save_cell(account(who), indicator.id, edit)


def test_submit_is_refused_while_an_error_finding_remains_and_says_which(app, seeded):
    with app.app_context():
        indicator = Indicator.select().where(Indicator.target != "").first()
        good = indicator.target
        assert _set_target("editor", indicator, "*").status == 200
    page = _post(app, "editor", "/plans/405002/2021/submit").get_data(as_text=True)
    assert "不能提交：还有1个错误" in page and "占位符" in page
    with app.app_context():
        assert Plan.get().status == "draft"
        _set_target("editor", Indicator.get_by_id(indicator.id), good)
    page = _post(app, "editor", "/plans/405002/2021/submit").get_data(as_text=True)
    assert "状态已改为“已提交”" in page


def test_submit_is_refused_while_a_comment_is_open(app, seeded):
    with app.app_context():
        project = Project.select().first()
    _post(app, "reviewer", f"/projects/{project.id}/comments", text="成本指标请细化")
    page = _post(app, "editor", "/plans/405002/2021/submit").get_data(as_text=True)
    assert "还有1条审核意见未处理" in page
    with app.app_context():
        assert Plan.get().status == "draft"
        comment = Comment.get()
    _post(app, "editor", f"/comments/{comment.id}/resolve")
    page = _post(app, "editor", "/plans/405002/2021/submit").get_data(as_text=True)
    assert "状态已改为“已提交”" in page


def test_approving_asks_to_be_confirmed(app, seeded):
    _post(app, "editor", "/plans/405002/2021/submit")
    page = _post(app, "reviewer", "/plans/405002/2021/approve").get_data(as_text=True)
    assert "批复前请勾选" in page
    with app.app_context():
        assert Plan.get().status == "submitted" and PlanVersion.select().count() == 0


def _approve(app):
    _post(app, "editor", "/plans/405002/2021/submit")
    _post(app, "reviewer", "/plans/405002/2021/approve", confirm="yes")


def test_an_approved_version_is_unchanged_by_later_edits(app, seeded):
    _approve(app)
    with app.app_context():
        frozen = PlanVersion.get()
        text, digest = frozen.document, frozen.digest
        assert snapshot.digest(text) == digest
        indicator = _target_of("房屋租赁平米数")
        before = indicator.target
    page = _post(app, "editor", "/plans/405002/2021/adjust", reason="追加活动场次").get_data(
        as_text=True
    )
    assert "调整中" in page and "调整理由：追加活动场次" in page
    with app.app_context():
        assert _set_target("editor", indicator, "≥30000平方米").status == 200
        again = PlanVersion.get()
        assert (again.document, again.digest) == (text, digest)
    client = logged_in(app, app.test_client(), "viewer")
    version_page = client.get("/plans/405002/2021/versions/1").get_data(as_text=True)
    assert before in version_page and "≥30000平方米" not in version_page
    compared = client.get("/plans/405002/2021/compare").get_data(as_text=True)
    assert "第1版（批复）" in compared and "2021年 当前" in compared
    row = compared[compared.index("房屋租赁平米数") :]
    assert f"<del>{before}</del> → <ins>≥30000平方米</ins>" in row[: row.index("</tr>")]


def test_an_adjustment_needs_a_reason_and_a_second_approval(app, seeded):
    _approve(app)
    page = _post(app, "editor", "/plans/405002/2021/adjust").get_data(as_text=True)
    assert "请写明调整理由" in page
    _post(app, "editor", "/plans/405002/2021/adjust", reason="预算调减\n第二条理由")
    with app.app_context():
        plan = Plan.get()
        assert plan.status == "adjusting" and plan.adjustment == "预算调减\n第二条理由"
        assert _set_target("editor", _target_of("房屋租赁平米数"), "≥25000平方米").status == 200
    _post(app, "editor", "/plans/405002/2021/submit")
    with app.app_context():
        assert Plan.get().status == "submitted" and PlanVersion.select().count() == 1
    _post(app, "reviewer", "/plans/405002/2021/approve", confirm="yes")
    with app.app_context():
        plan = Plan.get()
        assert plan.status == "approved" and plan.adjustment == ""
        second = PlanVersion.get(PlanVersion.number == 2)
        assert second.reason == "预算调减\n第二条理由" and second.approved_by == "reviewer"
        assert "≥25000平方米" in second.document
        assert "≥25000平方米" not in PlanVersion.get(PlanVersion.number == 1).document
    listing = logged_in(app, app.test_client(), "viewer").get("/plans/405002/2021/versions")
    assert "第2版" in listing.get_data(as_text=True) and "预算调减" in listing.get_data(
        as_text=True
    )


def test_an_approved_plan_offers_leaders_the_comparison(app, seeded):
    page = logged_in(app, app.test_client(), "viewer").get("/plans/405002/2021")
    assert "与批复版比较" not in page.get_data(as_text=True)
    _approve(app)
    page = logged_in(app, app.test_client(), "viewer").get("/plans/405002/2021")
    assert "与批复版比较" in page.get_data(as_text=True)
    compared = logged_in(app, app.test_client(), "viewer").get("/plans/405002/2021/compare")
    assert "两个版本内容相同" in compared.get_data(as_text=True)


def test_a_version_altered_behind_the_sites_back_says_so(app, seeded):
    _approve(app)
    with app.app_context():
        PlanVersion.update(document=PlanVersion.get().document.replace("科普", "伪造")).execute()
    response = logged_in(app, app.test_client(), "viewer").get("/plans/405002/2021/versions/1")
    assert response.status_code == 500 and "与批复时的摘要不符" in response.get_data(as_text=True)


def test_this_year_is_compared_with_last_year(app, seeded):
    client = logged_in(app, app.test_client(), "viewer")
    assert "与2020年比较" not in client.get("/plans/405002/2021").get_data(as_text=True)
    with app.app_context():
        document = read(DEMO_FILE.read_bytes())
        document.projects[0].indicators[0].target = "20000平方米"
        import_document(document, 2020, "editor")
    page = client.get("/plans/405002/2021").get_data(as_text=True)
    assert "与2020年比较" in page
    compared = client.get("/plans/405002/2021/compare?old=2020&new=now").get_data(as_text=True)
    assert (
        "2020年 当前" in compared
        and "<del>20000平方米</del> → <ins>26650.77平方米</ins>" in compared
    )
