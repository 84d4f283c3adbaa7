"""Where a comment can be, and how the lists name its place."""

import pytest

from app.domain.comment_places import Place, PlaceError, field_label, label

PROJECT = {"plan_id": 1, "project_id": 2}
ROW = {**PROJECT, "indicator_id": 3}


@pytest.mark.parametrize(
    "place, name, project, expected",
    [
        (Place(**ROW, field="target"), "科普活动次数", None, "指标“科普活动次数” · 指标值"),
        (Place(**ROW, field="basis"), "", None, "指标“（未命名）” · 指标值确定依据"),
        (Place(**ROW), "科普活动次数", None, "指标“科普活动次数”"),
        (Place(**PROJECT, field="money"), None, None, "资金"),
        (Place(**PROJECT, field="quarters"), None, None, "资金支出计划"),
        (Place(**PROJECT, field="goal"), None, None, "绩效目标"),
        (Place(**PROJECT, field="code"), None, None, "项目编码"),
        (Place(**PROJECT), None, None, "整个项目"),
        (Place(**PROJECT, field="summary"), None, "科普专项", "项目“科普专项” · 分项绩效目标"),
        (Place(1, field="overall_goal"), None, "ignored", "部门总体绩效目标"),
        (Place(1, field="safeguards"), None, None, "保障措施"),
    ],
)
def test_a_place_is_named_as_the_form_heads_it(place, name, project, expected):
    assert label(place.check(), name, project) == expected


@pytest.mark.parametrize(
    "place",
    [
        Place(1),  # the narrative has no "whole": a section is named
        Place(1, field="goal"),
        Place(**PROJECT, field="overall_goal"),
        Place(**PROJECT, field="budget"),  # a field of the money group, not a group
        Place(**ROW, field="money"),
        Place(1, indicator_id=3, field="target"),  # a row without its project
        Place(**ROW, field="<script>"),
    ],
)
def test_a_place_that_is_none_is_refused(place):
    with pytest.raises(PlaceError):
        place.check()


def test_entities_and_field_labels():
    assert [Place(1).entity, Place(**PROJECT).entity, Place(**ROW).entity] == [
        "plan",
        "project",
        "indicator",
    ]
    assert field_label("indicator", "") == "" and field_label("indicator", "name") == "三级指标"
