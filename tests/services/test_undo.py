"""Undo and redo of one's own last steps in a plan, through the history (app/services/undo.py)."""

from decimal import Decimal as D

import pytest

from app.domain.fields import Edit, as_text, groups, version
from app.models import Change, Indicator, Plan, Project
from app.services import accounts, rows, undo
from app.services.errors import Forbidden
from app.services.saving import save_cell
from tests.conftest import PASSWORD, account, database_snapshot


@pytest.fixture
def plan(app, seeded):
    with app.app_context():
        accounts.create_user("zhangsan", "editor", PASSWORD, "405002")
        yield Plan.get()


def _project(plan, index=0):
    return Project.get_by_id(plan.ordered_projects()[index].id)


def _indicator(plan):
    return Indicator.get_by_id(_project(plan).ordered_indicators()[0].id)


def _save(username, record, group, typed):
    """Save a cell group as the editor would: the typed values over what the user saw."""
    entity = type(record).__name__.lower()
    form = {}
    for name in groups(entity)[group]:
        form[name] = typed.get(name, as_text(getattr(record, name)))
        form[f"version-{name}"] = version(getattr(record, name))
    outcome = save_cell(account(username), record.id, Edit.from_form(entity, group, form))
    assert outcome.status == 200, outcome.errors or outcome.conflicts
    return outcome


def _target(indicator):
    return Indicator.get_by_id(indicator.id).target


def test_undo_puts_a_cell_back_and_is_recorded(plan):
    indicator = _indicator(plan)
    _save("editor", indicator, "target", {"target": "27000平方米"})
    done = undo.undo(account("editor"), plan.id)
    assert _target(indicator) == "26650.77平方米"
    assert done.message == "已撤销：指标“房屋租赁平米数”的指标值"
    assert done.cells == [("indicator", indicator.id, "target")] and not done.rows_changed
    last = Change.select().order_by(Change.id.desc()).first()
    assert (last.action, last.old, last.new, last.user) == (
        "undo",
        "27000平方米",
        "26650.77平方米",
        "editor",
    )


def test_a_money_group_saved_at_once_is_undone_at_once(plan):
    project = _project(plan, 2)
    before = (project.budget, project.fiscal_funds, project.other_funds)
    typed = {"budget": "700", "fiscal_funds": "650", "other_funds": "50"}
    _save("editor", project, "money", typed)
    saved = Change.select().where(Change.action == "edit")
    assert saved.count() == 3 and len({c.step for c in saved}) == 1
    done = undo.undo(account("editor"), plan.id)
    project = Project.get_by_id(project.id)
    assert (project.budget, project.fiscal_funds, project.other_funds) == before
    assert done.cells == [("project", project.id, "money")]
    assert "预算数" in done.message and "财政资金" in done.message


def test_undo_of_a_row_inserted_deletes_it_and_redo_brings_it_back(plan):
    first = _indicator(plan)
    new = rows.insert(account("editor"), first.id, "below")
    done = undo.undo(account("editor"), plan.id)
    assert done.rows_changed and done.message == "已撤销：新增指标“（未命名）”"
    assert new.id not in [i.id for i in _project(plan).ordered_indicators()]
    done = undo.redo(account("editor"), plan.id)
    assert done.rows_changed and done.message.startswith("已重做：")
    assert [i.id for i in _project(plan).ordered_indicators()][:2] == [first.id, new.id]


def test_undo_of_a_row_deleted_brings_it_back(plan):
    indicator = _indicator(plan)
    rows.delete(account("editor"), indicator.id)
    undo.undo(account("editor"), plan.id)
    assert indicator.id in [i.id for i in _project(plan).ordered_indicators()]


def test_undo_of_a_move_moves_the_row_back(plan):
    first = _indicator(plan)
    second = rows.insert(account("editor"), first.id, "below")
    rows.move(account("editor"), second.id, "up")
    undo.undo(account("editor"), plan.id)
    assert [i.id for i in _project(plan).ordered_indicators()][:2] == [first.id, second.id]


def test_undo_of_a_new_project_removes_it(plan, app):
    from app.services.plans import new_project

    project = new_project(account("editor"), plan.id)
    undo.undo(account("editor"), plan.id)
    assert project.id not in [p.id for p in plan.ordered_projects()]


def test_redo_applies_the_undone_step_again_then_there_is_nothing_more(plan):
    indicator = _indicator(plan)
    _save("editor", indicator, "target", {"target": "27000平方米"})
    undo.undo(account("editor"), plan.id)
    done = undo.redo(account("editor"), plan.id)
    assert _target(indicator) == "27000平方米"
    assert done.message == "已重做：指标“房屋租赁平米数”的指标值"
    with pytest.raises(undo.NothingToUndo, match="没有可以重做的改动"):
        undo.redo(account("editor"), plan.id)
    undo.undo(account("editor"), plan.id)  # and undone again
    assert _target(indicator) == "26650.77平方米"


def test_steps_are_undone_newest_first_and_redone_in_turn(plan):
    indicator = _indicator(plan)
    _save("editor", indicator, "target", {"target": "1"})
    _save("editor", _indicator(plan), "target", {"target": "2"})
    undo.undo(account("editor"), plan.id)
    assert _target(indicator) == "1"
    undo.undo(account("editor"), plan.id)
    assert _target(indicator) == "26650.77平方米"
    with pytest.raises(undo.NothingToUndo, match="没有可以撤销的改动"):
        undo.undo(account("editor"), plan.id)
    undo.redo(account("editor"), plan.id)
    assert _target(indicator) == "1"
    undo.redo(account("editor"), plan.id)
    assert _target(indicator) == "2"


def test_a_new_change_clears_the_redo_stack(plan):
    indicator = _indicator(plan)
    _save("editor", indicator, "target", {"target": "27000平方米"})
    undo.undo(account("editor"), plan.id)
    _save("editor", _indicator(plan), "name", {"name": "租赁面积"})
    with pytest.raises(undo.NothingToUndo, match="没有可以重做的改动"):
        undo.redo(account("editor"), plan.id)
    assert _target(indicator) == "26650.77平方米"


def test_a_colleagues_later_change_is_never_reverted(plan):
    indicator = _indicator(plan)
    _save("editor", indicator, "target", {"target": "27000平方米"})
    _save("zhangsan", _indicator(plan), "target", {"target": "28000平方米"})
    before = database_snapshot()
    with pytest.raises(undo.CannotUndo, match=r"^zhangsan \d\d:\d\d 之后又改过“指标值”，不能撤销$"):
        undo.undo(account("editor"), plan.id)
    assert database_snapshot() == before


def test_a_colleague_filling_a_new_row_keeps_it(plan):
    new = rows.insert(account("editor"), _indicator(plan).id, "below")
    _save("zhangsan", Indicator.get_by_id(new.id), "name", {"name": "新指标"})
    with pytest.raises(undo.CannotUndo, match="zhangsan .* 之后又改过“三级指标”"):
        undo.undo(account("editor"), plan.id)
    assert new.id in [i.id for i in _project(plan).ordered_indicators()]


def test_a_colleagues_change_of_another_field_does_not_block(plan):
    indicator = _indicator(plan)
    _save("editor", indicator, "target", {"target": "27000平方米"})
    _save("zhangsan", _indicator(plan), "name", {"name": "租赁面积"})
    undo.undo(account("editor"), plan.id)
    assert _target(indicator) == "26650.77平方米"
    assert Indicator.get_by_id(indicator.id).name == "租赁面积"


def test_a_colleagues_change_they_undid_does_not_block(plan):
    indicator = _indicator(plan)
    _save("editor", indicator, "target", {"target": "27000平方米"})
    _save("zhangsan", _indicator(plan), "target", {"target": "28000平方米"})
    undo.undo(account("zhangsan"), plan.id)
    undo.undo(account("editor"), plan.id)
    assert _target(indicator) == "26650.77平方米"


def test_another_users_steps_are_never_undone(plan):
    indicator = _indicator(plan)
    _save("zhangsan", indicator, "target", {"target": "28000平方米"})
    with pytest.raises(undo.NothingToUndo):
        undo.undo(account("editor"), plan.id)
    assert _target(indicator) == "28000平方米"


def test_a_value_that_no_longer_fits_its_group_is_refused(plan):
    project = _project(plan, 2)  # quarters 25 / 50 / 75 / 100
    _save("editor", project, "quarters", {"plan_q1": "10"})
    _save("zhangsan", Project.get_by_id(project.id), "quarters", {"plan_q2": "20"})
    before = database_snapshot()
    with pytest.raises(undo.CannotUndo, match="撤销后与同组的其他值不一致"):
        undo.undo(account("editor"), plan.id)
    assert database_snapshot() == before
    assert Project.get_by_id(project.id).plan_q1 == D(10)


def test_a_submitted_plan_is_not_undone_into(plan):
    indicator = _indicator(plan)
    _save("editor", indicator, "target", {"target": "27000平方米"})
    Plan.update(status="submitted").where(Plan.id == plan.id).execute()
    with pytest.raises(Forbidden):
        undo.undo(account("editor"), plan.id)
    assert _target(indicator) == "27000平方米"


def test_every_change_before_steps_is_a_step_of_its_own(plan):
    """Changes filed outside a step (and those migrated: 0013) are each their own step."""
    indicator = _indicator(plan)
    from app.services.history import record_change

    first = record_change("indicator", indicator, "edit", "name", "a", "b", "editor")
    second = record_change("indicator", indicator, "edit", "name", "b", "c", "editor")
    assert (first.step, second.step) == (first.id, second.id)


def test_a_paste_written_in_one_step_is_undone_and_redone_whole(plan):
    """What a paste service does: rows added and cells filled inside one `step()`."""
    from app.services.history import step

    first = _indicator(plan)
    with step():
        new = rows.insert(account("editor"), first.id, "below")
        _save("editor", Indicator.get_by_id(new.id), "name", {"name": "粘贴的指标"})
        _save("editor", _indicator(plan), "target", {"target": "1"})
    done = undo.undo(account("editor"), plan.id)
    assert done.rows_changed and done.message == "已撤销：3处改动"
    assert new.id not in [i.id for i in _project(plan).ordered_indicators()]
    assert _target(first) == "26650.77平方米"
    undo.redo(account("editor"), plan.id)
    assert Indicator.get_by_id(new.id).name == "粘贴的指标" and _target(first) == "1"
    assert new.id in [i.id for i in _project(plan).ordered_indicators()]


def test_a_name_typed_into_a_new_row_is_undone_to_blank(plan):
    new = rows.insert(account("editor"), _indicator(plan).id, "below")
    _save("editor", Indicator.get_by_id(new.id), "name", {"name": "活动次数"})
    undo.undo(account("editor"), plan.id)
    assert Indicator.get_by_id(new.id).name == "" and Indicator.get_by_id(new.id).deleted_at is None


def test_a_project_deleted_by_a_colleague_keeps_its_rows_as_they_are(plan):
    from app.services.plans import delete_project

    indicator = _indicator(plan)
    _save("editor", indicator, "target", {"target": "27000平方米"})
    _save(
        "zhangsan",
        Indicator.get_by_id(_project(plan).ordered_indicators()[1].id),
        "name",
        {"name": "别的"},
    )
    delete_project(account("zhangsan"), indicator.project_id)
    with pytest.raises(undo.CannotUndo, match="zhangsan .* 之后又删除了项目“.+”，不能撤销"):
        undo.undo(account("editor"), plan.id)
    assert _target(indicator) == "27000平方米"


def test_a_colleagues_change_of_another_row_does_not_block(plan):
    indicator = _indicator(plan)
    _save("editor", indicator, "target", {"target": "27000平方米"})
    other = Indicator.get_by_id(_project(plan).ordered_indicators()[1].id)
    _save("zhangsan", other, "target", {"target": "99"})
    rows.insert(account("zhangsan"), other.id, "below")
    undo.undo(account("editor"), plan.id)
    assert _target(indicator) == "26650.77平方米" and _target(other) == "99"
