"""Who reads what from the command line (issue 14): `create-user --reviews`, `set-reviews`,
`set-parent`, and `list-users` / `list-departments` showing them; refusals exit 1, change
nothing. And end to end: what the commands set is what the pages let each user read."""

import pytest

from app.models import Department
from app.services import reviewers
from app.services.plans import ensure_department
from tests.conftest import PASSWORD, account, database_snapshot, logged_in


def _run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


@pytest.fixture
def site(app, seeded):
    with app.app_context():
        ensure_department("412001", "唐山市文化广电和旅游局")
        ensure_department("405", "唐山市科协系统")


def _reviews(app, name):
    with app.app_context():
        return [department.code for department in reviewers.reviews_of(account(name))]


def test_a_reviewer_is_created_with_departments_and_listed_with_them(app, site):
    made = _run(
        app, "create-user", "jkw", "--role", "reviewer", "--reviews", "412001,405002",
        input=PASSWORD + "\n" + PASSWORD + "\n",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "审核部门：405002 唐山市科学技术协会、412001 唐山市文化广电和旅游局" in made.output
    assert _reviews(app, "jkw") == ["405002", "412001"]
    listed = _run(app, "list-users").output.splitlines()
    assert "jkw\treviewer\t-\t审核部门：405002、412001" in listed
    assert "reviewer\treviewer\t-\t审核部门：全部部门" in listed
    assert "editor\teditor\t405002" in listed  # not a reviewer: no 审核部门


def test_set_reviews_replaces_and_clears_the_list(app, site):
    answer = _run(app, "set-reviews", "reviewer", "406001、412001")
    assert answer.exit_code == 0, answer.output
    assert "reviewer 的审核部门：406001 某市档案馆、412001 唐山市文化广电和旅游局" in answer.output
    assert _reviews(app, "reviewer") == ["406001", "412001"]
    assert (
        _run(app, "set-reviews", "reviewer", "--none").output == "reviewer 的审核部门：全部部门\n"
    )
    assert _reviews(app, "reviewer") == []
    _run(app, "set-reviews", "reviewer", "405002")
    assert _run(app, "set-reviews", "reviewer", "").exit_code == 0
    assert _reviews(app, "reviewer") == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["set-reviews", "reviewer", "405002,999999"], "未修改：没有编码为 999999 的部门"),
        (["set-reviews", "editor", "405002"], "未修改：只有审核人可以指定审核部门"),
        (["set-reviews", "nobody", "405002"], "没有用户 nobody"),
        (["set-reviews", "reviewer", "405002", "--none"], "或用 --none 不再指定（二者取一）"),
        (["set-reviews", "reviewer"], "请给出部门编码（以逗号分隔），或用 --none 不再指定"),
        (["set-parent", "405002", "999"], "未修改：没有编码为 999 的部门"),
        (["set-parent", "999", "405"], "未修改：没有编码为 999 的部门"),
        (["set-parent", "405002", "405002"], "未修改：405002 不能是自己的主管部门"),
        (["set-parent", "406001", "406001001"], "未修改：主管部门不能是本部门或其所属单位"),
        (["set-parent", "405002"], "请给出主管部门的编码，或用 --none 去掉主管部门"),
        (["set-parent", "405002", "405", "--none"], "请给出主管部门的编码，或用 --none"),
        (
            ["create-user", "xz", "--role", "reviewer", "--reviews", "405002 888"],
            "未创建用户：没有编码为 888 的部门",
        ),
        (
            ["create-user", "xz", "--role", "editor", "--department", "405002", "--reviews", "405"],
            "未创建用户：只有审核人可以指定审核部门",
        ),
    ],
)
def test_a_refusal_exits_1_in_chinese_and_changes_nothing(app, site, args, message):
    with app.app_context():
        ensure_department("406001001", "某市档案馆分馆")
        Department.update(parent=Department.get(Department.code == "406001")).where(
            Department.code == "406001001"
        ).execute()
        reviewers.set_reviews(account("reviewer"), "412001")
        before = database_snapshot()
    answer = _run(app, *args, input=PASSWORD + "\n" + PASSWORD + "\n")
    assert answer.exit_code == 1
    assert message in answer.output
    with app.app_context():
        assert database_snapshot() == before


def test_set_parent_sets_and_removes_and_list_departments_shows_it(app, site):
    answer = _run(app, "set-parent", "405002", "405")
    assert answer.exit_code == 0, answer.output
    assert answer.output == "已修改405002的主管部门：（无） → 405 唐山市科协系统\n"
    assert _run(app, "set-parent", "405002", "405").output == "主管部门没有改动。\n"
    listed = _run(app, "list-departments").output.splitlines()
    assert "405002\t唐山市科学技术协会\t计划 1 个\t用户 1 个\t主管部门 405" in listed
    assert "405\t唐山市科协系统\t计划 0 个\t用户 0 个" in listed
    history = _run(app, "department", "405002").output
    assert "（命令行） 主管部门：（无） → 405 唐山市科协系统" in history
    removed = _run(app, "set-parent", "405002", "--none")
    assert removed.output == "已修改405002的主管部门：405 唐山市科协系统 → （无）\n"
    assert "主管部门" not in _run(app, "list-departments").output


def test_what_the_commands_set_is_what_the_pages_let_each_user_read(app, site):
    """A user of 405 reads 405002's plan once 405 is its 主管部门; a reviewer given 406001 no
    longer reads it, nor finds it on 首页."""
    _run(app, "create-user", "kx", "--role", "viewer", "--department", "405", input=PASSWORD)
    _run(app, "create-user", "jkw", "--role", "reviewer", input=PASSWORD)
    plan = "/plans/405002/2021"
    kx = logged_in(app, app.test_client(), "kx")
    jkw = logged_in(app, app.test_client(), "jkw")
    assert kx.get(plan).status_code == 404
    assert "唐山市科学技术协会" not in kx.get("/").get_data(as_text=True)
    assert jkw.get(plan).status_code == 200
    assert "唐山市科学技术协会" in jkw.get("/").get_data(as_text=True)

    assert _run(app, "set-parent", "405002", "405").exit_code == 0
    assert _run(app, "set-reviews", "jkw", "406001").exit_code == 0

    assert kx.get(plan).status_code == 200
    assert "唐山市科学技术协会" in kx.get("/").get_data(as_text=True)
    assert jkw.get(plan).status_code == 404
    assert "唐山市科学技术协会" not in jkw.get("/").get_data(as_text=True)
