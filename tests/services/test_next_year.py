"""Next year's plan started from this year's: everything carried, all or nothing, once; and
last year's targets found for this year's table."""

import dataclasses

import pytest

from app.models import Category, CategoryLabel, Change, Indicator, Plan, Project
from app.services import next_year
from app.services.checking import check_plan
from app.services.errors import Forbidden
from app.services.exporting import plan_document
from app.services.history import soft_delete
from tests.conftest import account


@pytest.fixture
def plan(app, seeded):
    """The seed's 2021 plan, with a pair outside its layout (an own 一级 with an own 二级, and
    an own 二级 under a standard 一级) worded its own way, and a deleted project and row."""
    with app.app_context():
        plan = Plan.get()
        first, second, third = plan.ordered_projects()
        own1 = Category.create(layout="classic", name="管理指标", position=1000, plan=plan)
        own2 = Category.create(
            layout="classic", parent=own1, name="制度建设指标", position=1001, plan=plan
        )
        output = Category.get(Category.name == "产出指标", Category.layout == "classic")
        own3 = Category.create(
            layout="classic", parent=output, name="进度控制指标", position=60, plan=plan
        )
        CategoryLabel.create(plan=plan, category=own2, label="制度建设")
        Indicator.create(project=first, category=own2, name="制度", target="≥2项", position=20)
        Indicator.create(project=second, category=own3, name="进度", target="按期", position=21)
        soft_delete("indicator", third.ordered_indicators()[0], "root")
        extra = Project.create(plan=plan, code="405002B21DX0009", name="已删除", position=3)
        soft_delete("project", extra, "root")
        yield plan


def _without_identity(document):
    """A plan's Document with the stored ids its rows carry left out."""
    for project in document.projects:
        project.continuing = False
        for indicator in project.indicators:
            indicator.identity = ""
    return dataclasses.replace(document, title="")


def test_the_copy_carries_every_field_under_the_same_categories(plan):
    copied = next_year.start_next_year(account("editor"), plan.id)
    new = copied.plan
    assert (new.year, new.department_id, new.layout, new.status) == (
        2022,
        plan.department_id,
        plan.layout,
        "draft",
    )
    assert (new.overall_goal, new.safeguards, new.unmatched_summaries) == (
        plan.overall_goal,
        plan.safeguards,
        plan.unmatched_summaries,
    )
    # What a file of each would say: narrative, projects, money, quarters, every indicator
    # under its 一级/二级 as the plan words them, empty slots, own categories included.
    assert _without_identity(plan_document(new)) == _without_identity(plan_document(plan))
    old_projects, new_projects = list(plan.ordered_projects()), list(new.ordered_projects())
    assert (copied.projects, copied.indicators) == (
        3,
        sum(len(list(p.ordered_indicators())) for p in old_projects),
    )
    for old, copy in zip(old_projects, new_projects, strict=True):
        assert copy.continuing and not old.continuing
        assert copy.position == old.position
        for name in next_year.PROJECT_FIELDS:
            assert getattr(copy, name) == getattr(old, name), name
        pairs = zip(old.ordered_indicators(), copy.ordered_indicators(), strict=True)
        for indicator, carried in pairs:
            for name in next_year.INDICATOR_FIELDS:
                assert getattr(carried, name) == getattr(indicator, name), name
            if indicator.category.standard:
                assert carried.category_id == indicator.category_id
            else:  # the new plan's own, not last year's
                assert carried.category.plan_id == new.id
                assert carried.category.name == indicator.category.name
    own = Category.get(Category.plan == new, Category.name == "制度建设指标")
    assert own.parent.plan_id == new.id and own.parent.name == "管理指标"
    assert new.labels()[own.id] == "制度建设"
    assert Indicator.select().join(Project).where(Project.plan == new).count() == copied.indicators


def test_the_copy_is_in_the_history_as_created_by_the_user(plan):
    new = next_year.start_next_year(account("editor"), plan.id).plan
    changes = list(Change.select().where(Change.plan == new).order_by(Change.id))
    assert {(c.entity, c.action, c.user) for c in changes} == {
        ("plan", "create", "editor"),
        ("project", "create", "editor"),
    }
    assert changes[0].new == "2022年（以2021年为基础）"
    assert [c.new for c in changes[1:]] == [f"{p.name}（延续）" for p in new.ordered_projects()]


def test_a_second_copy_is_refused_naming_next_years_plan(plan):
    first = next_year.start_next_year(account(), plan.id).plan
    with pytest.raises(next_year.NextYearRefused, match="2022年的绩效目标已经存在") as refused:
        next_year.start_next_year(account(), plan.id)
    assert refused.value.existing.id == first.id
    assert Plan.select().count() == 2


@pytest.mark.parametrize("who", ["viewer", "reviewer", "other_editor"])
def test_only_those_who_may_start_the_departments_plans_copy(plan, who):
    with pytest.raises(Forbidden):
        next_year.start_next_year(account(who), plan.id)
    assert Plan.select().count() == 1


def test_a_copy_that_fails_half_way_leaves_nothing(plan, monkeypatch):
    made = []
    create = Indicator.create

    def breaks_at_the_tenth(**values):
        if len(made) == 9:
            raise RuntimeError("the disk is full")
        made.append(create(**values))
        return made[-1]

    monkeypatch.setattr(Indicator, "create", breaks_at_the_tenth)
    before = (Project.select().count(), Indicator.select().count(), Change.select().count())
    with pytest.raises(RuntimeError):
        next_year.start_next_year(account(), plan.id)
    assert Plan.select().count() == 1
    assert (Project.select().count(), Indicator.select().count(), Change.select().count()) == before
    assert Category.select().where(Category.plan.is_null(False)).count() == 3


def test_the_copy_is_flagged_where_it_still_names_last_year(plan):
    """The copied codes name 2021 (and the first project's 2019), the copied texts 2021 and
    2020."""
    new = next_year.start_next_year(account(), plan.id).plan
    found = check_plan(new)
    codes = {f.project: f.message for f in found if f.rule == "C03"}
    assert codes == {
        "405002B19DX0002": "项目编码“405002B19DX0002”中的年份是2019年（随上年度的计划复制而来），"
        "预算年度是 2022 年：请核对本年度的项目编码",
        "405002B21DX0003": "项目编码“405002B21DX0003”中的年份是2021年（随上年度的计划复制而来），"
        "预算年度是 2022 年：请核对本年度的项目编码",
        "405002B21DX0004": "项目编码“405002B21DX0004”中的年份是2021年（随上年度的计划复制而来），"
        "预算年度是 2022 年：请核对本年度的项目编码",
    }
    years = {(f.project, f.indicator, f.field) for f in found if f.rule == "V11"}
    assert years == {
        ("405002B21DX0003", None, "goal"),  # 2020年，市科协将…
        ("405002B21DX0003", None, "summary"),  # the same in 分项绩效目标
        ("405002B21DX0003", "科普专项经费金额", "description"),  # 2021年安排科普专项经费
        ("405002B19DX0002", "项目完成时限", "target"),  # 2021年9月30日之前
        ("405002B21DX0003", "项目完成时限", "target"),  # 2021年12月底之前
    }
    assert "C03" not in {f.rule for f in check_plan(plan)}  # in 2021 the codes are its own


def _targets(project):
    indicators = list(project.ordered_indicators())
    return next_year.previous_targets(project, indicators), indicators


def test_last_years_targets_match_by_code_then_name_then_level2_and_name(plan):
    new = next_year.start_next_year(account(), plan.id).plan
    first, second, third = new.ordered_projects()
    targets, indicators = _targets(first)
    assert targets == {i.id: i.target for i in indicators}  # the copy: every row, same text
    # A new code this year: found by its name. A renamed project keeps its code.
    Project.update(code="405002B22DX0001").where(Project.id == first.id).execute()
    Project.update(name="改名的项目").where(Project.id == second.id).execute()
    assert _targets(Project.get_by_id(first.id))[0] == targets
    assert len(_targets(Project.get_by_id(second.id))[0]) == len(list(second.ordered_indicators()))
    # A row renamed, or moved to another 二级, has no last year.
    renamed, moved = indicators[0], indicators[1]
    Indicator.update(name="新指标").where(Indicator.id == renamed.id).execute()
    other = Category.get(Category.name == "经济效益指标", Category.plan.is_null())
    Indicator.update(category=other).where(Indicator.id == moved.id).execute()
    again = _targets(Project.get_by_id(first.id))[0]
    assert renamed.id not in again and moved.id not in again and len(again) == len(targets) - 2
    # Last year's project deleted, or none of that code or name, or no plan the year before.
    assert _targets(third)[0]
    soft_delete("project", Project.get(Project.plan == plan, Project.code == third.code), "root")
    assert _targets(third)[0] == {}
    Project.update(code="X", name="Y").where(Project.id == second.id).execute()
    assert _targets(Project.get_by_id(second.id))[0] == {}
    assert _targets(Project.get(Project.plan == plan, Project.code == first.code))[0] == {}
