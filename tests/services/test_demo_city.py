"""`demo-city`: a small city of plausible plans — both layouts, money that adds up, varied
statuses, history by several users — the same for a seed, and never over existing plans."""

import pytest

from app.models import Change, Department, Indicator, Plan, Project, User
from app.services import demo_city
from app.services.checking import check_plan
from app.services.exporting import plan_document


def _build(app, seed=7, force=False):
    with app.app_context():
        return demo_city.build_city(departments=3, projects=4, seed=seed, year=2021, force=force)


def _city():
    """Everything a user sees of the city but the times of its history."""
    return (
        [(d.code, d.name) for d in Department.select().order_by(Department.code)],
        [(p.department.code, p.layout, p.status) for p in Plan.select().order_by(Plan.id)],
        [
            (i.project.code, i.category_id, i.name, i.target)
            for i in Indicator.select().join(Project).order_by(Indicator.id)
        ],
        sorted((c.user, c.entity, c.field, c.old or "", c.new or "") for c in Change.select()),
    )


def test_a_city_of_departments_plans_projects_and_users(app):
    report = _build(app)
    with app.app_context():
        assert Department.select().count() == Plan.select().count() == report.plans == 3
        assert Project.select().count() == report.projects == 12
        for project in Project.select():
            assert 6 <= project.indicators.count() <= 20
        roles = [u.role for u in User.select().where(User.username != "root")]
        assert sorted(set(roles)) == ["editor", "reviewer", "viewer"]
        assert roles.count("editor") == roles.count("viewer") == 3
    assert "3个部门" in report.summary()


def test_both_layouts_and_every_plan_checks_with_money_that_adds_up(app):
    with app.app_context():
        demo_city.build_city(departments=8, projects=3, seed=1, year=2021)
        assert {p.layout for p in Plan.select()} == {"classic", "2021"}
        for plan in Plan.select():
            findings = check_plan(plan)
            assert not [f for f in findings if f.severity == "E"], findings
            document = plan_document(plan)
            assert document.overall_goal and document.safeguards and document.summaries
            for project in document.projects:
                assert project.budget == project.fiscal_funds + project.other_funds
                assert project.plan_quarters[3] == 100


def test_statuses_vary_and_history_names_several_users(app):
    with app.app_context():
        demo_city.build_city(departments=12, projects=2, seed=3, year=2021)
        assert len({p.status for p in Plan.select()}) >= 3
        edits = Change.select().where(Change.entity == "indicator", Change.action == "edit")
        assert len({c.user for c in edits}) >= 5
        days = {c.at.date() for c in Change.select()}
        assert len(days) >= 5  # spread over days, not all at once
        returned = Plan.select().where(Plan.status == "returned").first()
        if returned is not None:
            assert returned.status_reason


def test_refuses_a_database_with_plans_unless_forced(app, seeded):
    with app.app_context():
        with pytest.raises(demo_city.CityRefused, match="已有计划"):
            demo_city.build_city(departments=2, projects=2)
        assert Plan.select().count() == 1
        demo_city.build_city(departments=2, projects=2, force=True)
        assert Plan.select().count() == 3


def test_the_command_refuses_in_chinese_and_exits_1(app, seeded):
    result = app.test_cli_runner().invoke(args=["demo-city", "--departments", "2"])
    assert result.exit_code == 1
    assert "已有计划" in result.output


def test_the_command_says_what_it_made(app):
    args = ["demo-city", "--departments", "2", "--projects", "3", "--year", "2021"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "2个部门" in result.output and "6个项目" in result.output and "秒" in result.output


def test_the_same_seed_makes_the_same_city(app, tmp_path_factory):
    from app import create_app
    from app.services.setup import init_db

    _build(app, seed=5)
    with app.app_context():
        first = _city()
    folder = tmp_path_factory.mktemp("other")
    other = create_app(
        {"DATABASE_URL": f"sqlite:///{folder}/other.sqlite3", "SECRET_KEY": "x"},
        instance_path=str(folder),
    )
    with other.app_context():
        init_db()
        from app.services import accounts
        from tests.conftest import PASSWORD

        accounts.create_user("root", "admin", PASSWORD)
    _build(other, seed=5)
    with other.app_context():
        assert _city() == first
    _build(other, seed=6, force=True)
    with other.app_context():
        assert _city() != first


def test_a_demo_user_logs_in_and_sees_the_city(app, client):
    """The printed password works, and the pages a demo walks through show the city."""
    from app.services import accounts
    from tests.conftest import COOKIE

    _build(app)
    with app.app_context():
        plan = Plan.select().join(Department).order_by(Department.code).first()
        code, project = plan.department.code, plan.ordered_projects()[0]
        project_id, project_name = project.id, project.name
        token = accounts.login(f"editor{code}", demo_city.PASSWORD, "127.0.0.1")
    assert token
    client.set_cookie(COOKIE, token)
    assert project_name in client.get(f"/plans/{code}/2021").get_data(as_text=True)
    assert client.get(f"/projects/{project_id}").status_code == 200
    history = client.get(f"/history/plans/{code}/2021").get_data(as_text=True)
    assert f"editor{code}" in history and demo_city.IMPORTER in history
