"""The indicator framework: canonical names, synonyms, layouts."""

import pytest

from app.domain import framework


@pytest.mark.parametrize(
    "label,name",
    [
        ("效果指标", "效益指标"),
        ("效益", "效益指标"),
        ("预期产出指标", "产出指标"),
        (" 产出\u3000指标 ", "产出指标"),
        ("创新", "创新"),
    ],
)
def test_level1_names(label, name):
    assert framework.canonical_level1(label) == name


@pytest.mark.parametrize(
    "label,name",
    [
        ("进度指标", "时效指标"),
        ("环境效益指标", "生态效益指标"),
        ("满意度指标", "服务对象满意度指标"),
        ("数量", "数量指标"),
        ("创新指标", "创新指标"),
    ],
)
def test_level2_names(label, name):
    assert framework.canonical_level2(label) == name


def test_layout_detected_from_cost_as_level1():
    assert framework.detect_layout({"产出指标", "成本指标", "效益指标"}) == framework.Y2021
    assert framework.detect_layout({"产出指标", "效益指标", "满意度指标"}) == framework.CLASSIC


def test_both_layouts_list_every_pair_once():
    classic = framework.pairs(framework.CLASSIC)
    y2021 = framework.pairs(framework.Y2021)
    assert len(classic) == len(set(classic)) == 9
    assert len(y2021) == len(set(y2021)) == 11
    assert ("产出指标", "成本指标") in classic and ("成本指标", "经济成本指标") in y2021
