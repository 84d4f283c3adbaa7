"""Who reads which plans (app/services/scope.py): a department and its units at any depth, a
reviewer's assigned departments (none: all), the bureau's leaders everything; in one query."""

import logging

import pytest

from app.models import Department, ReviewerDepartment
from app.services import accounts, scope
from app.services.errors import OutOfScope
from app.services.overview import overview
from app.services.plans import all_plans, create_plan, ensure_department, find_plan, status_counts
from app.services.search import search
from app.services.workflow import change_status
from tests.conftest import PASSWORD


@pytest.fixture
def city(app):
    """405 over 405002 over 405002001 (a unit of a unit), and 412001 on its own; a plan each."""
    with app.app_context():
        top = ensure_department("405", "唐山市科协系统")
        middle = ensure_department("405002", "唐山市科学技术协会")
        bottom = ensure_department("405002001", "唐山市科技馆")
        other = ensure_department("412001", "唐山市文化广电和旅游局")
        Department.update(parent=top).where(Department.id == middle.id).execute()
        Department.update(parent=middle).where(Department.id == bottom.id).execute()
        for department in (top, middle, bottom, other):
            create_plan(department, 2021, "classic")
        yield {d.code: d for d in (top, middle, bottom, other)}


def _user(name, role, code=None, reviews=()):
    user = accounts.create_user(name, role, PASSWORD, code)
    for department in reviews:
        ReviewerDepartment.create(user=user, department=department)
    return accounts.user_named(name)


def _codes(user):
    return [plan.department.code for plan in all_plans(user)]


def test_a_department_reads_itself_and_its_units_at_any_depth(app, city):
    with app.app_context():
        assert _codes(_user("top", "viewer", "405")) == ["405", "405002", "405002001"]
        assert _codes(_user("mid", "editor", "405002")) == ["405002", "405002001"]
        assert _codes(_user("low", "editor", "405002001")) == ["405002001"]
        assert _codes(_user("culture", "viewer", "412001")) == ["412001"]


def test_a_reviewer_reads_the_departments_assigned_and_their_units_or_all(app, city):
    with app.app_context():
        assert _codes(_user("section", "reviewer", reviews=[city["405002"]])) == [
            "405002",
            "405002001",
        ]
        every = ["405", "405002", "405002001", "412001"]
        assert _codes(_user("office", "reviewer")) == every  # none assigned: all, as before
        assert _codes(_user("leader", "viewer")) == every
        assert _codes(_user("root2", "admin")) == every


def test_an_editor_whose_department_is_gone_reads_nothing(app, city):
    with app.app_context():
        user = _user("orphan", "editor", "412001")
        user.department_id = None
        assert _codes(user) == [] and not scope.reads(user, city["412001"].id)


def test_a_loop_of_parents_does_not_hang_the_query(app, city):
    with app.app_context():
        # Set behind the services' back (they refuse it): the recursive query still ends.
        Department.update(parent=city["405002001"]).where(Department.code == "405").execute()
        assert _codes(_user("looped", "viewer", "405002")) == ["405", "405002", "405002001"]


def test_out_of_scope_is_not_found_and_the_lists_and_counts_leave_it_out(app, city):
    with app.app_context():
        outsider = _user("outsider", "editor", "412001")
        with pytest.raises(OutOfScope):
            find_plan(outsider, "405002", 2021)
        assert find_plan(outsider, "412001", 2021).department.code == "412001"
        assert status_counts(outsider) == {"draft": 1}
        listed = overview(outsider)
        assert [line.plan.department.code for line in listed.lines] == ["412001"]
        assert search(outsider, "唐山").groups == []


def test_the_home_page_reads_its_plans_in_one_query_with_the_scope_in_its_where(app, city, caplog):
    with app.app_context():
        user = _user("mid2", "editor", "405002")
        with caplog.at_level(logging.DEBUG, logger="peewee"):
            assert _codes(user) == ["405002", "405002001"]
        statements = [record.msg[0] for record in caplog.records if record.name == "peewee"]
        assert len(statements) == 1
        where = statements[0].split(" WHERE ", 1)[1]
        assert "WITH RECURSIVE" in where and '"parent_id"' in where


def test_a_reviewer_cannot_review_a_department_not_assigned_even_through_the_service(app, city):
    with app.app_context():
        plan = find_plan(scope.COMMAND_LINE, "412001", 2021)
        plan.status = "submitted"
        plan.save()
        section = _user("section", "reviewer", reviews=[city["405002"]])
        with pytest.raises(OutOfScope):
            change_status(section, plan.id, "return", "请补充指标")
        assert find_plan(scope.COMMAND_LINE, "412001", 2021).status == "submitted"
        culture = _user("culture", "reviewer", reviews=[city["412001"]])
        assert change_status(culture, plan.id, "return", "请补充指标").status == "returned"
