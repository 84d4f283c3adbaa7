"""Comments where the fault is: at a cell of a project, a cell of a row, a section of the
narrative; shown at that place and in the list; replies in threads; resolving a thread."""

from html.parser import HTMLParser

import pytest

from app.models import Change, Comment, Plan
from app.services import comments
from tests.conftest import logged_in, page_csrf_token, refused


@pytest.fixture
def world(app, seeded):
    with app.app_context():
        plan = Plan.get()
        projects = list(plan.ordered_projects())
        project = projects[0]
        return {
            "plan": plan,
            "project": project,
            "other_project": projects[1],
            "row": project.ordered_indicators()[0],  # 房屋租赁平米数
            "other_row": projects[1].ordered_indicators()[0],
        }


class _Element(HTMLParser):
    """The "意见" buttons inside the element with a given id: their attributes."""

    def __init__(self, element_id):
        super().__init__()
        self.element_id, self.depth, self.found, self.buttons = element_id, 0, False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += tag not in ("input", "br", "col")
            if tag == "button" and "comment-button" in attrs.get("class", ""):
                self.buttons.append(attrs)
        elif attrs.get("id") == self.element_id:
            self.depth, self.found = 1, True

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1


def buttons_at(html, element_id):
    """The comment buttons of one cell or section of a page (AssertionError if it is not there)."""
    parser = _Element(element_id)
    parser.feed(html)
    assert parser.found, element_id
    return parser.buttons


def _client(app, who):
    client = logged_in(app, app.test_client(), who)
    client.token = page_csrf_token(client.get("/").get_data(as_text=True))
    return client


def _post(client, url, **data):
    return client.post(url, data={"csrf_token": client.token, **data})


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


# Each kind of place: (what is posted, where, the element that shows it, where it is listed,
# how the list names it, the anchor it links to).
def _places(world):
    plan, project, row = world["plan"], world["project"], world["row"]
    project_page, plan_page = f"/projects/{project.id}", "/plans/405002/2021"
    on_project = f"/projects/{project.id}/comments"
    return {
        "money": (
            on_project,
            {"field": "money"},
            project_page,
            f"cell-project-{project.id}-money",
            project_page,
            "资金",
            f"#cell-project-{project.id}-money",
        ),
        "quarters": (
            on_project,
            {"field": "quarters"},
            project_page,
            f"cell-project-{project.id}-quarters",
            project_page,
            "资金支出计划",
            f"#cell-project-{project.id}-quarters",
        ),
        "goal": (
            on_project,
            {"field": "goal"},
            project_page,
            f"cell-project-{project.id}-goal",
            project_page,
            "绩效目标",
            f"#cell-project-{project.id}-goal",
        ),
        "target": (
            on_project,
            {"indicator_id": row.id, "field": "target"},
            project_page,
            f"cell-{row.id}-target",
            project_page,
            f"指标“{row.name}” · 指标值",
            f"#cell-{row.id}-target",
        ),
        "summary": (
            on_project,
            {"field": "summary"},
            plan_page,
            f"cell-project-{project.id}-summary",
            plan_page,
            f"项目“{project.name}” · 分项绩效目标",
            f"#cell-project-{project.id}-summary",
        ),
        "overall_goal": (
            f"/plans/{plan.id}/comments",
            {"field": "overall_goal"},
            plan_page,
            f"cell-plan-{plan.id}-overall_goal",
            plan_page,
            "部门总体绩效目标",
            f"#cell-plan-{plan.id}-overall_goal",
        ),
        "safeguards": (
            f"/plans/{plan.id}/comments",
            {"field": "safeguards"},
            plan_page,
            f"cell-plan-{plan.id}-safeguards",
            plan_page,
            "保障措施",
            f"#cell-plan-{plan.id}-safeguards",
        ),
    }


PLACES = ["money", "quarters", "goal", "target", "summary", "overall_goal", "safeguards"]


@pytest.mark.parametrize("kind", PLACES)
def test_a_comment_shows_at_its_place_and_in_the_list(app, world, kind):
    url, place, page, element, listed, label, anchor = _places(world)[kind]
    reviewer = _client(app, "reviewer")
    response = _post(reviewer, url, text="请核对\n第二行", return_to="cell", **place)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(anchor)  # back at the cell

    editor = _client(app, "editor")  # may not comment: sees only where comments are open
    html = _page(editor, page)
    assert [b.get("data-open") for b in buttons_at(html, element)] == ["1"]
    assert html.count('class="comment-button') == 1  # nowhere else
    html = _page(editor, listed)
    assert f'<a href="{listed}{anchor}">{label}</a>' in html or f'{anchor}">{label}</a>' in html
    assert '<p class="comment-text">请核对\n第二行</p>' in html  # its lines kept
    with app.app_context():
        assert comments.open_count(world["plan"]) == 1

    # The reviewer sees a button at every place, the open one marked.
    html = _page(reviewer, page)
    assert [b.get("data-open") for b in buttons_at(html, element)] == ["1"]
    assert html.count('class="comment-button screen-only"') > 1


@pytest.mark.parametrize("kind", PLACES)
def test_the_place_panel_shows_its_threads_and_a_form_preset_to_it(app, world, kind):
    url, place, page, element, *_ = _places(world)[kind]
    reviewer = _client(app, "reviewer")
    _post(reviewer, url, text="此处有误", **place)
    (button,) = buttons_at(_page(reviewer, page), element)
    panel = _page(reviewer, button["hx-get"])
    assert "此处有误" in panel and "<html" not in panel  # a fragment for the popover
    assert f'action="{url}"' in panel
    for name, value in place.items():
        assert f'name="{name}" value="{value}"' in panel
    # Elsewhere, nothing yet: an empty place says so.
    other = _page(reviewer, f"/comments/place?project={world['other_project'].id}&field=goal")
    assert "此处还没有审核意见" in other and "此处有误" not in other


def test_a_viewer_sees_the_panel_without_forms(app, world):
    reviewer, viewer = _client(app, "reviewer"), _client(app, "viewer")
    project = world["project"]
    _post(reviewer, f"/projects/{project.id}/comments", text="资金不符", field="money")
    html = _page(viewer, f"/projects/{project.id}")
    (button,) = buttons_at(html, f"cell-project-{project.id}-money")
    panel = _page(viewer, button["hx-get"])
    assert "资金不符" in panel and "<form" not in panel


def _thread(app, world):
    reviewer = _client(app, "reviewer")
    row = world["row"]
    _post(
        reviewer,
        f"/projects/{world['project'].id}/comments",
        text="单位不对",
        indicator_id=row.id,
        field="target",
    )
    with app.app_context():
        return Comment.get().id


def test_editors_and_reviewers_reply_in_the_thread(app, world):
    root = _thread(app, world)
    editor, reviewer = _client(app, "editor"), _client(app, "reviewer")
    response = _post(editor, f"/comments/{root}/replies", text="已改为平方米\n请再看")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/projects/{world['project'].id}#comment-{root}")
    with app.app_context():
        reply = Comment.get(Comment.parent == root)
    # A reply to the reply joins the thread's root.
    assert _post(reviewer, f"/comments/{reply.id}/replies", text="可以").status_code == 303
    with app.app_context():
        thread = list(Comment.select().where(Comment.parent == root).order_by(Comment.id))
        assert [(c.user, c.text) for c in thread] == [
            ("editor", "已改为平方米\n请再看"),
            ("reviewer", "可以"),
        ]
        assert {(c.project_id, c.indicator_id, c.field) for c in thread} == {
            (world["project"].id, world["row"].id, "target")
        }
        assert comments.open_count(world["plan"]) == 1  # replies are not threads
    html = _page(_client(app, "viewer"), f"/projects/{world['project'].id}")
    start = html.index(f'id="comment-{root}"')
    assert (
        html.index("单位不对", start)
        < html.index("已改为平方米", start)
        < html.index("可以", start)
    )
    assert '<p class="comment-text">已改为平方米\n请再看</p>' in html


def test_resolving_any_comment_of_a_thread_resolves_the_thread(app, world):
    root = _thread(app, world)
    editor = _client(app, "editor")
    _post(editor, f"/comments/{root}/replies", text="已改")
    with app.app_context():
        reply = Comment.get(Comment.parent == root)
        assert comments.open_count(world["plan"]) == 1
    response = _post(editor, f"/comments/{reply.id}/resolve", return_to="cell")
    assert response.headers["Location"].endswith(f"#cell-{world['row'].id}-target")
    with app.app_context():
        assert Comment.get_by_id(root).resolved_by == "editor"
        assert comments.open_count(world["plan"]) == 0
    html = _page(editor, f"/projects/{world['project'].id}")
    assert buttons_at(html, f"cell-{world['row'].id}-target") == []  # the mark is gone
    assert "已由 editor 处理" in html and "发送回复" not in html  # closed: no more replies
    refused = _post(editor, f"/comments/{root}/replies", text="再补一句")
    assert "这条意见已处理" in _page(editor, refused.headers["Location"])


def test_open_threads_come_first(app, world):
    reviewer, editor = _client(app, "reviewer"), _client(app, "editor")
    project = world["project"]
    _post(reviewer, f"/projects/{project.id}/comments", text="第一条", field="goal")
    _post(reviewer, f"/projects/{project.id}/comments", text="第二条", field="money")
    with app.app_context():
        second = Comment.get(Comment.text == "第二条").id
    _post(editor, f"/comments/{second}/resolve")
    _post(reviewer, f"/projects/{project.id}/comments", text="第三条", field="quarters")
    html = _page(editor, f"/projects/{project.id}")
    assert html.index("第三条") < html.index("第一条") < html.index("第二条")


@pytest.mark.parametrize("who", ["viewer", "editor", "other_editor"])
def test_only_reviewers_and_admins_comment_on_the_narrative(app, world, who):
    response = _post(
        _client(app, who), f"/plans/{world['plan'].id}/comments", text="意见", field="safeguards"
    )
    assert response.status_code == refused(who)
    with app.app_context():
        assert Comment.select().count() == 0


@pytest.mark.parametrize("who", ["other_editor", "viewer"])
def test_others_neither_reply_nor_resolve(app, world, who):
    root = _thread(app, world)
    client = _client(app, who)
    assert _post(client, f"/comments/{root}/replies", text="我来回复").status_code == refused(who)
    assert _post(client, f"/comments/{root}/resolve").status_code == refused(who)
    with app.app_context():
        assert Comment.select().count() == 1
        assert Comment.get_by_id(root).resolved_at is None
    panel = client.get(f"/comments/place?project={world['project'].id}"
                       f"&indicator={world['row'].id}&field=target")  # fmt: skip
    # Another department's editor does not read the plan: not even its comments.
    text = panel.get_data(as_text=True)
    if who == "other_editor":
        assert panel.status_code == 404 and "单位不对" not in text
    else:
        assert "单位不对" in text and "<form" not in text


def test_nothing_is_written_on_an_approved_plan(app, world):
    root = _thread(app, world)
    with app.app_context():
        Plan.update(status="approved").execute()
    reviewer, editor = _client(app, "reviewer"), _client(app, "editor")
    project, plan = world["project"], world["plan"]
    for client, url, data in (
        (reviewer, f"/projects/{project.id}/comments", {"text": "x", "field": "goal"}),
        (reviewer, f"/plans/{plan.id}/comments", {"text": "x", "field": "overall_goal"}),
        (reviewer, f"/comments/{root}/replies", {"text": "x"}),
        (editor, f"/comments/{root}/replies", {"text": "x"}),
        (editor, f"/comments/{root}/resolve", {}),
    ):
        assert _post(client, url, **data).status_code == 403, url
    with app.app_context():
        assert Comment.select().count() == 1
        assert Comment.get_by_id(root).resolved_at is None
    html = _page(reviewer, f"/projects/{project.id}")
    # Only the open thread's mark; no button to comment anywhere else.
    assert html.count('class="comment-button') == 1


@pytest.mark.parametrize(
    "url, data, message",
    [
        ("project", {"field": "overall_goal"}, "意见针对的位置“overall_goal”不存在"),
        ("project", {"field": "nonsense"}, "意见针对的位置“nonsense”不存在"),
        ("project", {"field": "money", "indicator_id": "row"}, "意见针对的位置“money”不存在"),
        ("project", {"field": "target", "indicator_id": "other_row"}, "不属于这个项目"),
        ("project", {"indicator_id": "abc"}, "意见针对的位置无效"),
        ("plan", {"field": ""}, "意见针对的位置“”不存在"),
        ("plan", {"field": "goal"}, "意见针对的位置“goal”不存在"),
    ],
)
def test_a_bad_place_is_refused(app, world, url, data, message):
    data = {
        name: world[value].id if value in ("row", "other_row") else value
        for name, value in data.items()
    }
    url = (
        f"/projects/{world['project'].id}/comments"
        if url == "project"
        else f"/plans/{world['plan'].id}/comments"
    )
    response = _post(_client(app, "reviewer"), url, text="意见", **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert Comment.select().count() == 0
        assert Change.select().where(Change.entity == "comment").count() == 0


def test_a_bad_place_panel_is_refused(app, world):
    reviewer = _client(app, "reviewer")
    assert reviewer.get(f"/comments/place?plan={world['plan'].id}&field=x").status_code == 400
    foreign = (
        f"/comments/place?project={world['project'].id}"
        f"&indicator={world['other_row'].id}&field=target"
    )
    assert reviewer.get(foreign).status_code == 400
    assert reviewer.get("/comments/place?field=goal").status_code == 400


def test_comments_replies_and_resolves_are_in_the_history(app, world):
    root = _thread(app, world)
    reviewer, editor = _client(app, "reviewer"), _client(app, "editor")
    _post(reviewer, f"/plans/{world['plan'].id}/comments", text="目标需量化", field="overall_goal")
    _post(editor, f"/comments/{root}/replies", text="已改")
    _post(editor, f"/comments/{root}/resolve")
    with app.app_context():
        changes = Change.select().where(Change.entity == "comment").order_by(Change.id)
        assert [(c.action, c.user, c.old, c.new, c.project_id) for c in changes] == [
            ("create", "reviewer", None, "单位不对", world["project"].id),
            ("create", "reviewer", None, "目标需量化", None),
            ("reply", "editor", None, "已改", world["project"].id),
            ("resolve", "editor", "单位不对", None, world["project"].id),
        ]
    html = _page(editor, "/history/plans/405002/2021")
    assert "审核意见“目标需量化”" in html and "回复" in html and "审核意见“已改”" in html


def test_open_count_counts_open_threads_of_live_projects_and_the_plan(app, world):
    from tests.conftest import account

    with app.app_context():
        reviewer, editor = account("reviewer"), account("editor")
        plan, project, other = world["plan"], world["project"], world["other_project"]
        first = comments.add(reviewer, project.id, "一", field="goal")
        comments.add(reviewer, other.id, "二", world["other_row"].id, "name")
        comments.add(reviewer, None, "三", field="safeguards", plan_id=plan.id)
        comments.reply(editor, first.id, "回复不算")
        assert comments.open_count(plan) == 3
        comments.resolve(editor, first.id)
        assert comments.open_count(plan.id) == 2
        from app.services.plans import delete_project

        delete_project(editor, other.id)
        assert comments.open_count(plan) == 1
        assert Comment.open_counts(project) == {}


def test_a_thread_on_a_deleted_row_says_so_and_can_still_be_resolved(app, world):
    from app.services.rows import delete as delete_row
    from tests.conftest import account

    root = _thread(app, world)
    with app.app_context():
        delete_row(account("editor"), world["row"].id)
    editor = _client(app, "editor")
    html = _page(editor, f"/projects/{world['project'].id}")
    assert f"指标“{world['row'].name}” · 指标值（该行已删除）" in html
    assert _post(editor, f"/comments/{root}/resolve").status_code == 303
    with app.app_context():
        assert comments.open_count(world["plan"]) == 0


def test_the_panel_of_a_summary_names_its_project(app, world):
    project = world["project"]
    panel = _page(_client(app, "reviewer"), f"/comments/place?project={project.id}&field=summary")
    assert f"审核意见 · 项目“{project.name}” · 分项绩效目标" in panel


def test_a_comment_is_text_wherever_it_is_shown(app, world):
    project = world["project"]
    hostile = '<script>alert(1)</script>\n<img src=x onerror="alert(2)">'
    reviewer = _client(app, "reviewer")
    _post(reviewer, f"/projects/{project.id}/comments", text=hostile, field="goal")
    _post(reviewer, f"/plans/{world['plan'].id}/comments", text=hostile, field="safeguards")
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;\n&lt;img src=x onerror=&#34;alert(2)&#34;&gt;"
    for url in (
        f"/projects/{project.id}",
        f"/comments/place?project={project.id}&field=goal",
        "/plans/405002/2021",
        f"/comments/place?plan={world['plan'].id}&field=safeguards",
    ):
        html = _page(reviewer, url)
        assert escaped in html and "<script>alert" not in html and "<img src=x" not in html
    refused = _post(reviewer, f"/plans/{world['plan'].id}/comments", text="x", field="<b>" * 40)
    assert refused.status_code == 400 and "<b>" not in refused.get_data(as_text=True)
