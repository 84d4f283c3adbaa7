"""A reviewer's 审核部门 (app/services/reviewers.py): replaced as a whole, refused whole for an
unknown code or a user who is not a reviewer, cleared when the role changes, given at creation."""

import pytest

from app.models import ReviewerDepartment, User
from app.services import accounts, reviewers, scope
from app.services.plans import all_plans, ensure_department
from tests.conftest import PASSWORD, account, database_snapshot
from tests.meanwhile import hold, meanwhile


@pytest.fixture
def city(app, seeded):
    """The seed's 405002 and 406001, and 412001 with no plan."""
    with app.app_context():
        ensure_department("412001", "唐山市文化广电和旅游局")


def _codes(departments):
    return [department.code for department in departments]


def test_a_typed_list_replaces_the_reviewers_departments(app, city):
    with app.app_context():
        reviewer = account("reviewer")
        assert reviewers.reviews_of(reviewer) == []
        assigned = reviewers.set_reviews(reviewer, "412001、405002，406001 405002")
        assert _codes(assigned) == ["405002", "406001", "412001"]
        assert _codes(reviewers.set_reviews(reviewer, ["406001"])) == ["406001"]
        assert _codes(reviewers.reviews_of(reviewer)) == ["406001"]
        # what the reviewer reads follows: the seed's plan (405002) is out of scope now
        assert all_plans(account("reviewer")) == []
        assert reviewers.set_reviews(reviewer, " ") == []
        assert len(all_plans(account("reviewer"))) == 1  # none assigned: every department


def test_an_unknown_code_is_named_and_nothing_changes(app, city):
    with app.app_context():
        reviewer = account("reviewer")
        reviewers.set_reviews(reviewer, "405002")
        before = database_snapshot()
        with pytest.raises(reviewers.ReviewsRefused, match="没有编码为 999999、88 的部门"):
            reviewers.set_reviews(reviewer, "406001, 999999, 88")
        assert database_snapshot() == before
        assert _codes(reviewers.reviews_of(reviewer)) == ["405002"]


def test_only_a_reviewer_has_departments_to_review(app, city):
    with app.app_context():
        before = database_snapshot()
        for name in ("editor", "viewer", "root"):
            with pytest.raises(reviewers.ReviewsRefused, match="只有审核人可以指定审核部门"):
                reviewers.set_reviews(account(name), "405002")
        assert database_snapshot() == before
        assert reviewers.set_reviews(account("viewer"), "") == []  # nothing to clear: no harm


def test_a_reviewer_made_something_else_loses_the_list_and_a_refused_change_keeps_it(app, city):
    with app.app_context():
        reviewer = account("reviewer")
        reviewers.set_reviews(reviewer, "405002,412001")
        with pytest.raises(accounts.AccountError):  # an editor needs a department: refused
            accounts.update_user(account("root"), reviewer, "editor", None, True)
        assert _codes(reviewers.reviews_of(account("reviewer"))) == ["405002", "412001"]
        accounts.update_user(account("root"), account("reviewer"), "reviewer", None, True)
        assert len(reviewers.reviews_of(account("reviewer"))) == 2  # still a reviewer: kept
        accounts.update_user(account("root"), account("reviewer"), "viewer", None, True)
        assert ReviewerDepartment.select().count() == 0
        assert scope.reads(account("reviewer"), account("editor").department_id)


def test_a_reviewer_is_created_with_departments_or_not_at_all(app, city):
    with app.app_context():
        made = accounts.create_user("jkw", "reviewer", PASSWORD, reviews="412001、405002")
        assert _codes(reviewers.reviews_of(made)) == ["405002", "412001"]
        before = database_snapshot()
        with pytest.raises(accounts.AccountError, match="没有编码为 404404 的部门"):
            accounts.create_user("xzzf", "reviewer", PASSWORD, reviews="405002 404404")
        with pytest.raises(accounts.AccountError, match="只有审核人可以指定审核部门"):
            accounts.create_user("xzzf", "viewer", PASSWORD, reviews=["405002"])
        assert database_snapshot() == before
        assert User.get_or_none(User.username == "xzzf") is None


def test_the_reviews_of_a_page_of_users_come_in_one_query(app, city):
    with app.app_context():
        reviewers.set_reviews(account("reviewer"), "412001 405002")
        users = accounts.users()
        found = reviewers.reviews_of_users(users)
        assert _codes(found[account("reviewer").id]) == ["405002", "412001"]
        assert found[account("editor").id] == []


def test_the_login_log_is_newest_first(app, city):
    with app.app_context():
        with pytest.raises(accounts.AccountError):
            accounts.login("editor", "wrong password!", "10.0.0.9")
        accounts.login("viewer", PASSWORD, "10.0.0.8")
        newest, previous = accounts.login_log(2)
        assert (newest.username, newest.success, newest.address) == ("viewer", True, "10.0.0.8")
        assert (previous.username, previous.success) == ("editor", False)


def test_two_administrators_setting_one_list_at_once_take_turns(app, city):
    """Each replaces the whole list: the second waits for the first, then replaces it."""

    def first(holding):
        reviewers.set_reviews(account("reviewer"), "405002 406001")
        hold(holding)  # the second arrives meanwhile

    thread, failures = meanwhile(first)
    with app.app_context():
        reviewers.set_reviews(account("reviewer"), "406001 412001")
    thread.join()
    assert failures == []
    with app.app_context():
        assert _codes(reviewers.reviews_of(account("reviewer"))) == ["406001", "412001"]
