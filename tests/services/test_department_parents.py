"""A department's 主管部门 set by an administrator (app/services/departments.set_parent): refused
for an unknown department or parent, itself or one of its own units; kept in its history."""

import pytest

from app.models import Department
from app.services import accounts, departments, scope
from app.services.errors import Forbidden
from app.services.plans import ensure_department
from tests.conftest import PASSWORD, account, database_snapshot
from tests.meanwhile import hold, meanwhile


@pytest.fixture
def tree(app, seeded):
    """405 and 405002001 beside the seed's 405002 and 406001, none under another yet."""
    with app.app_context():
        ensure_department("405", "唐山市科协系统")
        ensure_department("405002001", "唐山市科技馆")


def _parent(code):
    department = Department.get(Department.code == code)
    return department.parent.code if department.parent_id else None


def test_a_parent_is_set_changed_and_removed_with_its_history(app, tree):
    with app.app_context():
        root = account("root")
        assert departments.set_parent(root, "405002", "405") == ("", "405 唐山市科协系统")
        assert departments.set_parent(root, "405002", "405") is None  # so already
        assert departments.set_parent(root, "405002001", "405002")
        assert departments.set_parent(root, "405002", "406001") == (
            "405 唐山市科协系统",
            "406001 某市档案馆",
        )
        assert departments.set_parent(root, "405002", None) == ("406001 某市档案馆", "")
        assert _parent("405002") is None and _parent("405002001") == "405002"
        history = departments.history(Department.get(Department.code == "405002"))
        assert [(c.field, c.old, c.new, c.user) for c in history] == [
            ("parent", "406001 某市档案馆", "", "root"),
            ("parent", "405 唐山市科协系统", "406001 某市档案馆", "root"),
            ("parent", "", "405 唐山市科协系统", "root"),
        ]


@pytest.mark.parametrize(
    "code, parent, message",
    [
        ("999", "405", "没有编码为 999 的部门"),
        ("405002", "999", "没有编码为 999 的部门，主管部门未作修改"),
        ("405002", "405002", "405002 不能是自己的主管部门"),
        ("405", "405002001", "主管部门不能是本部门或其所属单位：405002001 是 405 的所属单位"),
    ],
)
def test_a_parent_that_cannot_be_is_refused_and_nothing_changes(app, tree, code, parent, message):
    with app.app_context():
        departments.set_parent_as("root", "405002", "405")
        departments.set_parent_as("root", "405002001", "405002")
        before = database_snapshot()
        with pytest.raises(departments.DepartmentRefused) as refused:
            departments.set_parent(account("root"), code, parent)
        assert str(refused.value) == message
        assert database_snapshot() == before


def test_only_an_administrator_sets_a_parent(app, tree):
    with app.app_context():
        before = database_snapshot()
        for name in ("editor", "viewer", "reviewer"):
            with pytest.raises(Forbidden):
                departments.set_parent(account(name), "405002", "405")
        assert database_snapshot() == before


def test_the_users_of_a_parent_read_its_units_once_it_is_set(app, tree):
    with app.app_context():
        accounts.create_user("kx", "viewer", PASSWORD, "405")
        seed = Department.get(Department.code == "405002").id
        assert not scope.reads(account("kx"), seed)
        departments.set_parent(account("root"), "405002", "405")
        assert scope.reads(account("kx"), seed)
        lines = {line.department.code: line.department for line in departments.lines()}
        assert lines["405002"].parent.name == "唐山市科协系统" and lines["405"].parent_id is None


def test_two_administrators_making_a_loop_at_once_are_refused_one(app, tree):
    """A over B and B over A set at once: the second waits for the first (BEGIN IMMEDIATE on
    SQLite, the departments' rows locked on PostgreSQL) and then sees the loop."""

    def first(holding):
        departments.set_parent_as("甲", "405002", "405")
        hold(holding)  # the second arrives meanwhile

    thread, failures = meanwhile(first)
    with app.app_context(), pytest.raises(departments.DepartmentRefused, match="所属单位"):
        departments.set_parent_as("乙", "405", "405002")
    thread.join()
    assert failures == []
    with app.app_context():
        assert _parent("405002") == "405" and _parent("405") is None
