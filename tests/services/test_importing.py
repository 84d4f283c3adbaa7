"""Importing a read document into the database: every field, in place, all or nothing."""

import dataclasses
from decimal import Decimal as D

import pytest

from app.domain import framework
from app.domain.document import MalformedDocument
from app.formats.detect import read_file
from app.formats.text import read_text
from app.models import Category, Change, Department, Indicator, Plan, Project
from app.services.exporting import export
from app.services.history import restore
from app.services.importing import import_document
from tests import seed_expected as seed
from tests.conftest import account, database_snapshot, fixture_text


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def _rows(project):
    labels = project.plan.labels()
    return [
        (
            labels.get(i.category.parent_id, i.category.parent.name),
            labels.get(i.category_id, i.category.name),
            i.name,
            i.description,
            i.target,
            i.basis,
        )
        for i in project.ordered_indicators()
    ]


def test_seed_every_field_in_the_database(ctx, seed_text):
    report = import_document(read_text(seed_text))
    assert report.plan_created and report.projects_created == 3
    assert report.indicators_created == 18
    plan = Plan.get()
    assert (plan.department.code, plan.department.name, plan.year) == (*seed.DEPARTMENT, 2021)
    assert plan.layout == framework.CLASSIC
    projects = list(plan.ordered_projects())
    assert len(projects) == 3
    for project, expected in zip(projects, seed.PROJECTS, strict=True):
        project = Project.get_by_id(project.id)  # read back from the database, not the cache
        assert project.code == expected["code"]
        assert project.name == expected["name"]
        assert project.funds_use == expected["funds_use"]
        assert project.budget == expected["budget"]
        assert project.fiscal_funds == expected["fiscal_funds"]
        assert project.other_funds == expected["other_funds"]
        assert project.quarters == expected["quarters"]
        assert project.goal == expected["goal"]
        assert _rows(project) == expected["indicators"]
        for words in expected["summary_words"]:
            assert words in project.summary
    assert Indicator.select().count() == 18
    for words in seed.OVERALL_WORDS:
        assert words in plan.overall_goal
    assert plan.safeguards.startswith("1. 举办全国科普日唐山系列活动")
    assert plan.unmatched_summaries == ""


def test_seed_keeps_its_wording_of_categories(ctx, seed_text):
    import_document(read_text(seed_text))
    plan = Plan.get()
    benefit = Category.get((Category.layout == framework.CLASSIC) & (Category.name == "效益指标"))
    assert plan.labels() == {benefit.id: "效果指标"}


def test_reimport_updates_in_place_and_duplicates_nothing(ctx, seed_text):
    import_document(read_text(seed_text))
    ids = sorted(Indicator.select(Indicator.id).tuples())
    project_ids = sorted(Project.select(Project.id).tuples())
    changed = seed_text.replace("\t26650.77平方米", "\t27000平方米").replace(
        "预算数625.88万元", "预算数700万元"
    )
    report = import_document(read_text(changed))
    assert not report.plan_created
    assert (report.projects_created, report.projects_updated) == (0, 3)
    assert (report.indicators_created, report.indicators_updated) == (0, 18)
    assert (Department.select().count(), Plan.select().count()) == (1, 1)
    assert sorted(Project.select(Project.id).tuples()) == project_ids
    assert sorted(Indicator.select(Indicator.id).tuples()) == ids
    assert Indicator.get(Indicator.name == "房屋租赁平米数").target == "27000平方米"
    assert Project.get(Project.code == "405002B21DX0004").budget == D(700)


def test_reimport_removes_rows_the_file_dropped_and_keeps_other_projects(ctx, seed_text):
    import_document(read_text(seed_text))
    # Added on the page, at the end; a file without it leaves it where it is.
    Project.create(plan=Plan.get(), code="405002B21DX0099", name="手工添加的项目", position=3)
    dropped = seed_text.replace(
        "\t\n\t质量指标\n\t项目完成率\n\t项目完成率\n\t100%\n\t年初工作计划\n\n", "", 1
    )
    report = import_document(read_text(dropped))
    assert report.indicators_removed == 1
    assert report.kept_projects == ["手工添加的项目"]
    assert "手工添加的项目" in report.summary()
    assert [p.name for p in Plan.get().ordered_projects()][-1] == "手工添加的项目"
    assert Indicator.select().where(Indicator.deleted_at.is_null()).count() == 17
    # Deleted as a user deletes a row: kept, in the history, and restorable from there.
    gone = Indicator.get(Indicator.deleted_at.is_null(False))
    deletion = Change.get((Change.action == "delete") & (Change.record_id == gone.id))
    assert (gone.name, deletion.old, deletion.user) == ("项目完成率", "项目完成率", "")
    restore(account("root"), deletion)
    assert Indicator.select().where(Indicator.deleted_at.is_null()).count() == 18


def test_a_reimport_files_every_value_it_changes_in_the_history(ctx, seed_text):
    import_document(read_text(seed_text), user="导入 a.txt")
    # A new plan is recorded once, not row by row.
    assert [(c.entity, c.action, c.new) for c in Change.select()] == [("plan", "create", "2021年")]
    import_document(read_text(seed_text), user="导入 a.txt")
    assert Change.select().count() == 1  # the same file again changes nothing

    changed = seed_text.replace("\t26650.77平方米", "\t27000平方米").replace(
        "预算数625.88万元", "预算数700万元"
    )
    report = import_document(read_text(changed), user="导入 b.txt")
    edits = [
        (c.entity, c.field, c.old, c.new, c.user)
        for c in Change.select().where(Change.action == "edit").order_by(Change.id)
    ]
    funds_use = "全部为财政资金。主要用于科技馆日常管理，安全稳定，卫生安保，设施设备运转等。"
    assert edits == [
        ("indicator", "target", "26650.77平方米", "27000平方米", "导入 b.txt"),
        (
            "project",
            "funds_use",
            "预算数625.88万元，" + funds_use,
            "预算数700万元，" + funds_use,
            "导入 b.txt",
        ),
        ("project", "budget", "625.88", "700.00", "导入 b.txt"),
        ("project", "fiscal_funds", "625.88", "700.00", "导入 b.txt"),
    ]
    assert report.values_changed == 4
    assert "改动的4处数值已记入修改记录" in report.summary()
    # Each is restorable, as an edit on the page would be.
    restore(account("root"), Change.get(Change.field == "target"))
    assert Indicator.get(Indicator.name == "房屋租赁平米数").target == "26650.77平方米"


def test_a_malformed_file_leaves_the_database_unchanged(ctx, seed_text):
    import_document(read_text(seed_text))
    before = database_snapshot()
    with pytest.raises(MalformedDocument):
        import_document(read_text(seed_text.replace("\t40.00", "\t四十")))
    assert database_snapshot() == before


def test_an_error_halfway_through_rolls_everything_back(ctx, seed_text, monkeypatch):
    import_document(read_text(seed_text))
    before = database_snapshot()
    document = read_text(seed_text.replace("按期缴纳", "按时缴纳"))
    calls = []

    def fail_on_third(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    original = Project.save
    monkeypatch.setattr(Project, "save", fail_on_third)
    with pytest.raises(RuntimeError):
        import_document(document)
    assert database_snapshot() == before


def test_the_2021_layout_with_four_projects(ctx):
    report = import_document(read_text(fixture_text("jiaoyuju_2022_layout2021.txt")))
    plan = report.plan
    assert (plan.year, plan.layout) == (2022, framework.Y2021)
    assert report.notices == []
    assert [p.code for p in plan.ordered_projects()] == [f"405010B22QT000{n}" for n in range(1, 5)]
    first = plan.ordered_projects()[0]
    assert (first.budget, first.fiscal_funds, first.other_funds) == (D(500), D(350), D(150))
    rows = _rows(first)
    assert [r[2] for r in rows if r[1] == "数量指标"] == ["维修学校数", "维修面积", "更换门窗数"]
    assert rows[5][:2] == ("成本指标", "经济成本指标")
    # Every pair of this file belongs to the 2021 layout: no category of the plan's own.
    assert not Category.select().where(Category.plan.is_null(False)).exists()
    assert Indicator.select().count() == 10 + 6 + 7 + 7
    assert "完成12所学校校舍维修" in first.summary


def test_synonyms_and_a_pair_outside_the_layout(ctx):
    report = import_document(read_text(fixture_text("danganguan_2023_synonyms.txt")))
    plan = report.plan
    project = plan.ordered_projects()[0]
    rows = _rows(project)
    # The document's wording is kept for display; the category is the framework's.
    assert [r[:2] for r in rows] == [
        ("预期产出指标", "数量指标"),
        ("预期产出指标", "进度指标"),
        ("预期产出指标", "成本指标"),
        ("预期产出指标", "创新指标"),
        ("效果指标", "环境效益指标"),
        ("效果指标", "社会效益指标"),
        ("满意度指标", "满意度指标"),
    ]
    names = [(i.category.parent.name, i.category.name) for i in project.ordered_indicators()]
    assert names[1] == ("产出指标", "时效指标")
    assert names[4] == ("效益指标", "生态效益指标")
    assert names[6] == ("满意度指标", "服务对象满意度指标")
    innovation = project.ordered_indicators()[3].category
    assert innovation.plan_id == plan.id and not innovation.standard
    assert [str(n) for n in report.notices] == [
        "第72行：“预期产出指标—创新指标”不在通用格式（成本指标为产出指标的二级指标）中，已照原样导入",
        "第9行：分项绩效目标“已撤销的项目”在绩效表中找不到同名项目",
    ]
    assert "这个项目在绩效表中没有" in plan.unmatched_summaries


def test_reimport_without_the_odd_pair_keeps_its_category_for_the_deleted_row(ctx):
    text = fixture_text("danganguan_2023_synonyms.txt")
    import_document(read_text(text))
    own = Category.get(Category.plan.is_null(False))
    fixed = text.replace("\t\n\t创新指标\n\t流程优化数\n\t优化办事流程\n\t3项\n\t其他标准\n\n", "")
    import_document(read_text(fixed))
    # The row is deleted as a user deletes one; its category stays so that it can come back.
    row = Indicator.get(Indicator.name == "流程优化数")
    assert row.deleted_at is not None and row.category_id == own.id
    restore(account("root"), Change.get(Change.action == "delete"))
    assert Indicator.get_by_id(row.id).deleted_at is None


def test_an_own_category_nothing_uses_any_more_is_dropped(ctx):
    text = fixture_text("danganguan_2023_synonyms.txt")
    import_document(read_text(text))
    row = Indicator.get(Indicator.name == "流程优化数")
    row.delete_instance()  # gone for good, not a restorable deletion
    fixed = text.replace("\t\n\t创新指标\n\t流程优化数\n\t优化办事流程\n\t3项\n\t其他标准\n\n", "")
    import_document(read_text(fixed))
    assert Category.select().where(Category.plan.is_null(False)).count() == 0


def test_year_given_overrides_the_inferred_one(ctx, seed_text):
    report = import_document(read_text(seed_text), year=2022)
    assert report.plan.year == 2022


@pytest.mark.parametrize("year", [1999, 2100])
def test_a_year_out_of_range_is_refused(ctx, seed_text, year):
    with pytest.raises(MalformedDocument, match="预算年度"):
        import_document(read_text(seed_text), year=year)
    assert Plan.select().count() == 0


def test_a_year_that_cannot_be_inferred_is_refused(ctx, seed_text):
    text = seed_text.replace("2021年", "本年").replace("B21", "X21").replace("B19", "X19")
    with pytest.raises(MalformedDocument, match="--year"):
        import_document(read_text(text))
    assert Plan.select().count() == 0


def _seed_plan(seed_text):
    import_document(read_text(seed_text))
    return Plan.get()


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_one_project_exported_and_imported_back_changes_nothing(ctx, seed_text, kind):
    plan = _seed_plan(seed_text)
    second = plan.ordered_projects()[1]
    plan.unmatched_summaries = "**另一项目**\n\n说明"
    plan.save()
    before = database_snapshot()
    document = read_file(export(plan, kind, projects=[second]), f"one.{kind}")
    assert len(document.projects) == 1
    report = import_document(document, 2021)
    assert report.planned == [] and report.values_changed == 0
    assert report.kept_projects == [p.name for p in plan.ordered_projects() if p != second]
    assert database_snapshot() == before  # narrative, summaries and order are the plan's


def test_a_whole_file_in_another_order_reorders_unless_left_out(ctx, seed_text):
    plan = _seed_plan(seed_text)
    names = [p.name for p in plan.ordered_projects()]
    document = read_text(seed_text)
    document.projects.reverse()
    report = import_document(document, 2021, dry_run=True)
    assert [c.key for c in report.planned] == ["edit:plan:order"]
    assert [p.name for p in Plan.get().ordered_projects()] == names  # a preview writes nothing
    import_document(document, 2021, skip={"edit:plan:order"})
    assert [p.name for p in Plan.get().ordered_projects()] == names
    import_document(document, 2021)
    assert [p.name for p in Plan.get().ordered_projects()] == names[::-1]


def test_a_dry_run_reports_every_change_and_a_skip_leaves_it_out(ctx, seed_text):
    _seed_plan(seed_text)
    changed = seed_text.replace("26650.77平方米", "27000平方米").replace(
        "\t90%以上\n", "\t95%以上\n", 1
    )
    before = database_snapshot()
    preview = import_document(read_text(changed), dry_run=True)
    assert database_snapshot() == before
    edits = [(c.key, c.old, c.new) for c in preview.planned]
    assert len(edits) == 2
    target = next(key for key, old, _ in edits if old == "26650.77平方米")
    done = import_document(read_text(changed), skip={target})
    assert done.values_changed == 1
    assert Indicator.select().where(Indicator.target == "26650.77平方米").exists()
    assert Indicator.select().where(Indicator.target == "95%以上").exists()


def test_a_row_renamed_in_an_exported_file_stays_that_row_whatever_comes_before_it(ctx, seed_text):
    plan = _seed_plan(seed_text)
    document = read_file(export(plan, "xlsx"), "plan.xlsx")
    rows = document.projects[0].indicators
    first = rows[0]
    old_name = first.name
    assert first.identity
    # A row typed above it with its old name, then the exported row renamed.
    rows.insert(0, dataclasses.replace(first, identity="", target="1平方米"))
    rows[1].name = "房屋租赁面积"
    report = import_document(document, 2021)
    assert (report.indicators_created, report.indicators_removed) == (1, 0)
    renamed = Indicator.get_by_id(int(first.identity))
    assert (renamed.name, renamed.target) == ("房屋租赁面积", first.target)
    assert Indicator.get(Indicator.target == "1平方米").name == old_name


def test_a_new_project_goes_after_the_others_when_the_order_is_not_the_files(ctx, seed_text):
    plan = _seed_plan(seed_text)
    first = plan.ordered_projects()[0]
    first.position = 7  # positions with gaps, as deletions leave them
    first.save()
    names = [p.name for p in plan.ordered_projects()]
    document = read_text(seed_text)
    added = dataclasses.replace(document.projects[0], code="405002B21DX0099", name="新项目")
    document.projects.insert(0, added)
    import_document(document, 2021, skip={"edit:plan:order"})
    assert [p.name for p in Plan.get().ordered_projects()] == [*names, "新项目"]
    document.projects = [dataclasses.replace(added, code="405002B21DX0098", name="又一个")]
    import_document(document, 2021)  # a file of one project: the others stay where they are
    assert [p.name for p in Plan.get().ordered_projects()] == [*names, "新项目", "又一个"]
