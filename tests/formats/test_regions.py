"""Other regions' published forms (tests/fixtures/regions), read field by field: layouts the
readers were not designed on."""

from decimal import Decimal as D
from pathlib import Path

import pytest

from app.domain.document import MalformedDocument
from app.formats.detect import read_file

FILES = Path(__file__).parent.parent / "fixtures" / "regions"


def _read(name):
    return read_file((FILES / name).read_bytes(), name)


def _indicators(project):
    return [(i.level1, i.level2, i.name, i.target) for i in project.indicators]


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_chencang_a_special_fund_with_its_money_block_and_overall_goal(kind):
    [project] = _read(f"L1_chencang_2020.{kind}").projects
    assert project.name == "农村饮水安全巩固提升工程专项"
    assert project.fiscal_funds == D(500)
    assert project.goal == "完成省级水利发展农村饮水项目投资500,改善提升9200人饮水条件。"
    assert _indicators(project) == [
        ("产出指标", "数量指标", "指标1:新建堤防、护岸长度", "公里"),
        ("产出指标", "数量指标", "指标2:灌区节水改造面积", "万亩"),
        ("产出指标", "数量指标", "指标3:农村饮水工程覆盖服务人口数", "万人"),
        ("产出指标", "数量指标", "指标4:中小河流治理问道长度", "公里"),
        ("产出指标", "质量指标", "指标1:工程验收合格率", "≧ %"),
    ]


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_zhongjiang_scores_taken_off_and_placeholder_rows_left_out(kind):
    document = _read(f"L3_zhongjiang_2022.{kind}")
    [project] = document.projects
    assert (project.budget, project.fiscal_funds) == (D(20), D(20))
    assert _indicators(project) == [
        ("产出指标", "数量指标", "安装坡面水标尺", "≥266米"),
        ("产出指标", "数量指标", "水标尺宽度", "≥50厘米"),
        ("产出指标", "质量指标", "项目(工程)验收合格率", "100%"),
        ("产出指标", "时效指标", "及时(按期)开工率", "≥90%"),
        ("产出指标", "时效指标", "及时(按期)完工率", "≥90%"),
        ("产出指标", "成本指标", "项目计划总投资", "20万元"),
        ("效益指标", "社会效益指标", "受益脱贫(含监测对象)户人口数", "≥1000人"),
        ("效益指标", "社会效益指标", "群众生产生活条件改善状况", "显著提升"),
        ("满意度指标", "服务对象满意度指标", "受益脱贫(含监测对象)户满意度", "≥95%"),
    ]
    assert any("分值" in str(notice) for notice in document.notices)


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_ezhou_a_form_of_two_levels(kind):
    [project] = _read(f"L4_ezhou_2022.{kind}").projects
    assert project.name == "滨湖大胆办公大楼运行保障"
    # The page's text turned ≥ into 2 ("2280次"): restored as ≥280次.
    assert _indicators(project) == [
        ("产出指标", "数量指标", "办公大楼日常维修维护次数", "≥280次"),
        ("产出指标", "数量指标", "大楼安检巡察次数", "200次"),
        ("产出指标", "质量指标", "办公大楼日常维修维护验收合格率", ">92%"),
        ("产出指标", "质量指标", "经常性大型设备更新验收合格率", "≥92%"),
        ("产出指标", "质量指标", "重.要设备维修维保验收合格率", "95%"),
        ("产出指标", "成本指标", "成本控制率", "不超预算"),
    ]
    assert project.indicators[0].description == "反映办公大楼全年维修维护情况"


def test_ningde_a_department_wide_table_is_refused_as_such():
    with pytest.raises(MalformedDocument, match="部门整体支出绩效目标表，其中没有项目"):
        _read("L7_ningde_dept_2019.xlsx")
