"""Row operations on an indicator table, in the domain and through the endpoints."""

import pytest

from app.models import Category, Change, Indicator, Plan
from app.services import rows
from tests.conftest import account
from tests.html_table import table_rows


@pytest.fixture
def project(app, seeded):
    with app.app_context():
        yield Plan.get().ordered_projects()[0]


def _names(project):
    return [(i.category.name, i.name) for i in project.ordered_indicators()]


def _category(name):
    return Category.get(
        (Category.name == name) & (Category.layout == "classic") & Category.plan.is_null()
    )


def test_add_into_an_empty_slot(project):
    new = rows.add(account(), project.id, _category("经济效益指标").id)
    assert ("经济效益指标", "") in _names(project)
    assert Change.get(Change.record_id == new.id).action == "create"


def test_add_refuses_a_category_outside_the_plan(project):
    other = Category.get(Category.name == "经济成本指标")
    with pytest.raises(rows.RowError, match="不属于"):
        rows.add(account(), project.id, other.id)


def test_insert_above_and_below_in_the_same_level2(project):
    first = project.ordered_indicators()[0]
    rows.insert(account(), first.id, "above")
    rows.insert(account(), first.id, "below")
    names = _names(project)
    assert names[:3] == [("数量指标", ""), ("数量指标", "房屋租赁平米数"), ("数量指标", "")]
    assert [i.position for i in project.ordered_indicators()] == list(range(8))


def test_move_within_a_level2_and_stop_at_the_edges(project):
    first = project.ordered_indicators()[0]
    second = rows.insert(account(), first.id, "below")
    second.name = "第二"
    second.save()
    rows.move(account(), second.id, "up")
    assert [n for c, n in _names(project) if c == "数量指标"] == ["第二", "房屋租赁平米数"]
    with pytest.raises(rows.RowError, match="最上面"):
        rows.move(account(), second.id, "up")
    with pytest.raises(rows.RowError, match="最下面"):
        rows.move(account(), first.id, "down")


def test_move_to_another_level2(project):
    first = project.ordered_indicators()[0]
    rows.move_to(account(), first.id, _category("质量指标").id)
    assert [n for c, n in _names(project) if c == "质量指标"] == ["项目完成率", "房屋租赁平米数"]
    change = Change.select().where(Change.action == "move").get()
    assert (change.field, change.old, change.new) == ("category", "数量指标", "质量指标")
    with pytest.raises(rows.RowError, match="已经在"):
        rows.move_to(account(), first.id, _category("质量指标").id)


def test_delete_is_soft_and_recorded(project):
    first = project.ordered_indicators()[0]
    change = rows.delete(account(), first.id)
    assert len(_names(project)) == 5
    assert Indicator.get_by_id(first.id).deleted_at is not None
    assert (change.action, change.old) == ("delete", "房屋租赁平米数")


def test_the_endpoints_answer_the_table_with_merged_cells_right(app, user):
    with app.app_context():
        project = Plan.get().ordered_projects()[0]
        first = project.ordered_indicators()[0]
        slot = _category("经济效益指标")
    table = f"indicators-{project.id}"
    added = user.post(f"/projects/{project.id}/indicators", {"category_id": slot.id})
    assert added.status_code == 200 and "jixiao:edit" in added.headers["HX-Trigger-After-Settle"]
    inserted = user.post(f"/indicators/{first.id}/insert", {"where": "below"})
    body = table_rows(inserted.data, table)[1:]
    merged = [
        (c.text, c.rowspan) for r in body for c in r.cells if {"level1", "level2"} & c.classes
    ]
    assert merged[:2] == [("产出指标", 5), ("数量指标", 2)]
    assert ("效果指标", 4) in merged and ("经济效益指标", 1) in merged
    assert len(body) == 10  # 8 indicators + 2 empty slots left
    moved = user.post(f"/indicators/{first.id}/move", {"direction": "down"})
    assert moved.status_code == 200
    refused = user.post(f"/indicators/{first.id}/move", {"direction": "down"})
    assert refused.status_code == 422 and refused.headers["HX-Reswap"] == "none"
    deleted = user.post(f"/indicators/{first.id}/delete")
    assert f'id="row-{first.id}"' not in deleted.get_data(as_text=True)
    assert "undelete" in deleted.headers["HX-Trigger"]
    undone = user.post(f"/indicators/{first.id}/undelete")
    assert f'id="row-{first.id}"' in undone.get_data(as_text=True)
