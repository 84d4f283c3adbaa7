"""A block copied from Excel pasted into an indicator table (app/services/paste.py)."""

import pytest

from app.models import Change, Indicator, Plan, Project
from app.services import paste, rows, undo
from app.services.errors import Forbidden, NotFound, OutOfScope
from app.services.paste import PasteError
from tests.conftest import account, database_snapshot

# Three rows of 三级指标, 绩效指标描述, 指标值, 指标值确定依据 as Excel copies them.
BLOCK = (
    "活动次数\t全年举办的活动\t4次\t年度计划\r\n"
    '参与人数\t"线下\n线上"\t≥2000人次\t上年实际\r\n'
    "展板数量\t\u3000新制作的展板 \t20块\t采购合同\r\n"
)
FILLED = [
    ("活动次数", "全年举办的活动", "4次", "年度计划"),
    ("参与人数", "线下\n线上", "≥2000人次", "上年实际"),
    ("展板数量", "新制作的展板", "20块", "采购合同"),
]


@pytest.fixture
def plan(app, seeded):
    """The seed's plan, whose first project's 数量指标 has two rows (the second one blank)."""
    with app.app_context():
        plan = Plan.get()
        first = _project(plan).ordered_indicators()[0]
        rows.add(account("editor"), first.project_id, first.category_id)
        yield plan


def _project(plan):
    return Project.get_by_id(plan.ordered_projects()[0].id)


def _rows(plan, category_id):
    """The 二级's rows in table order, as (三级指标, 描述, 指标值, 依据)."""
    return [
        (row.name, row.description, row.target, row.basis)
        for row in _project(plan).ordered_indicators()
        if row.category_id == category_id
    ]


def _first(plan):
    return _project(plan).ordered_indicators()[0]


def _paste(plan, text=BLOCK, column="name", user="editor", start=None, **options):
    start = start or _first(plan)
    return paste.paste(account(user), start.project_id, start.id, column, text, **options)


def test_a_block_longer_than_its_level2_adds_rows_there_and_fills_every_cell(plan):
    first = _first(plan)
    others = [r for r in _project(plan).ordered_indicators() if r.category_id != first.category_id]
    pasted = _paste(plan)
    assert pasted.rows_added == 1 and pasted.written
    assert len(pasted.changes) == 12
    assert _rows(plan, first.category_id) == FILLED
    assert [r.id for r in _project(plan).ordered_indicators()][0] == first.id
    after = [r for r in _project(plan).ordered_indicators() if r.category_id != first.category_id]
    assert [(r.id, r.name, r.target) for r in after] == [(r.id, r.name, r.target) for r in others]


def test_a_target_pasted_is_read_as_a_saved_one(plan):
    _paste(plan)
    row = Indicator.get(Indicator.name == "参与人数")
    assert row.target_parts and "2000" in row.target_parts


def test_a_preview_writes_nothing_and_lists_what_would_change(plan):
    first = _first(plan)
    before = database_snapshot()
    text = "房屋租赁平米数\t房屋租赁平米数\t27000平方米\t\r\n新指标\t\t\t\r\n计划外\t\t1\t\r\n"
    pasted = _paste(plan, text, preview=True)
    assert database_snapshot() == before and not pasted.written
    assert pasted.rows_added == 1
    seen = [(c.row, c.indicator, c.label, c.old, c.new) for c in pasted.changes]
    assert seen == [
        (1, "房屋租赁平米数", "指标值", "26650.77平方米", "27000平方米"),
        (1, "房屋租赁平米数", "指标值确定依据", "年初工作计划", ""),
        (2, "（未命名）", "三级指标", "", "新指标"),
        (3, "（新行）", "三级指标", "", "计划外"),
        (3, "（新行）", "指标值", "", "1"),
    ]
    assert Indicator.get_by_id(first.id).target == "26650.77平方米"


def test_only_cells_that_change_are_written_and_recorded(plan):
    first = _first(plan)
    _paste(plan, "房屋租赁平米数\t房屋租赁平米数\t27000平方米\t年初工作计划\r\n")
    edits = Change.select().where(Change.action == "edit")
    assert [(c.record_id, c.field, c.old, c.new) for c in edits] == [
        (first.id, "target", "26650.77平方米", "27000平方米")
    ]


def test_a_block_from_a_middle_column_fills_the_columns_to_its_right(plan):
    first = _first(plan)
    _paste(plan, "1万平方米\t测算\r\n", column="target")
    assert _rows(plan, first.category_id)[0] == (
        "房屋租赁平米数",
        "房屋租赁平米数",
        "1万平方米",
        "测算",
    )


def test_a_multi_line_cell_is_one_line_in_a_one_line_column(plan):
    _paste(plan, '"活动\n次数"\r\n')
    assert _first(plan).name == "活动 次数"


def test_a_block_wider_than_the_columns_is_refused(plan):
    before = database_snapshot()
    with pytest.raises(PasteError, match="粘贴的内容有3列，从“指标值”起只有2列"):
        _paste(plan, "a\tb\tc\r\n", column="target")
    assert database_snapshot() == before


def test_a_refused_cell_refuses_the_paste_naming_its_row_and_column(plan):
    before = database_snapshot()
    text = BLOCK.replace("≥2000人次", "2000\x07人次")
    with pytest.raises(
        PasteError, match=r"^第2行第3列（指标值）：指标值含有不可见的控制字符（U\+0007）"
    ):
        _paste(plan, text)
    assert database_snapshot() == before


def test_a_name_left_blank_is_refused_as_a_cell_save_refuses_it(plan):
    before = database_snapshot()
    with pytest.raises(PasteError, match="^第2行第1列（三级指标）：请填写三级指标"):
        _paste(plan, "甲\tx\r\n\ty\r\n")
    assert database_snapshot() == before


def test_nothing_to_paste_is_refused(plan):
    with pytest.raises(PasteError, match="没有可粘贴的内容"):
        _paste(plan, "\r\n")


@pytest.mark.parametrize(
    ("user", "refusal"),
    [("viewer", Forbidden), ("other_editor", OutOfScope), ("reviewer", Forbidden)],
)
def test_who_may_not_edit_the_plan_pastes_nothing(plan, user, refusal):
    """Those who read the plan are refused; another department's editor does not even find it."""
    before = database_snapshot()
    with pytest.raises(refusal):
        _paste(plan, user=user)
    with pytest.raises(refusal):
        _paste(plan, user=user, preview=True)
    assert database_snapshot() == before


def test_a_submitted_plan_is_not_pasted_into(plan):
    Plan.update(status="submitted").where(Plan.id == plan.id).execute()
    before = database_snapshot()
    for preview in (False, True):
        with pytest.raises(Forbidden):
            _paste(plan, "房屋租赁平米数\t\t1万平方米\r\n", preview=preview)
    assert database_snapshot() == before


def test_a_start_cell_of_another_project_is_not_found(plan):
    other = Plan.get().ordered_projects()[1].ordered_indicators()[0]
    with pytest.raises(NotFound):
        paste.paste(account("editor"), _first(plan).project_id, other.id, "name", BLOCK)
    with pytest.raises(NotFound):
        _paste(plan, column="category")


def test_a_paste_is_one_step_that_undo_takes_back_whole(plan):
    first = _first(plan)
    before = _rows(plan, first.category_id)
    ids = [row.id for row in _project(plan).ordered_indicators()]
    _paste(plan)
    pasted = Change.select().where(Change.id > 0).order_by(Change.id)
    last_step = pasted[-1].step
    mine = [c for c in pasted if c.step == last_step]
    assert len(mine) == 13  # one row created, twelve cells
    assert {c.action for c in mine} == {"create", "edit"}
    done = undo.undo(account("editor"), plan.id)
    assert done.rows_changed
    assert _rows(plan, first.category_id) == before
    assert [row.id for row in _project(plan).ordered_indicators()] == ids


def test_rows_are_not_added_under_a_level2_of_another_layout(plan):
    """Rows go into the start row's 二级; one left over from another layout takes none, as the
    ＋ button adds none there: the preview says so, and nothing is written."""
    from app.models import Category

    stray = Category.get(Category.name == "经济成本指标")
    start = _project(plan).ordered_indicators()[2]
    Indicator.update(category=stray).where(Indicator.id == start.id).execute()
    before = database_snapshot()
    for preview in (False, True):
        with pytest.raises(PasteError, match="^粘贴的内容有2行，这一行所在的二级指标不属于"):
            _paste(plan, "甲\r\n乙\r\n", start=Indicator.get_by_id(start.id), preview=preview)
    assert database_snapshot() == before
    _paste(plan, "甲\r\n", start=Indicator.get_by_id(start.id))
    assert Indicator.get_by_id(start.id).name == "甲"


def test_a_row_shorter_than_the_block_leaves_the_cells_right_of_it_as_they_were(plan):
    """As Excel pastes text whose rows have fewer cells: only the cells given are written."""
    _paste(plan, "活动次数\t描述\t4次\r\n参与人数\r\n")
    first, second = _rows(plan, _first(plan).category_id)
    assert first == ("活动次数", "描述", "4次", "年初工作计划")
    assert second == ("参与人数", "", "", "")
