"""The one interpreter of tables, fed rows directly: what the strict reading (the text layout)
and the lenient one (Word and Excel) each make of the same cells."""

from decimal import Decimal as D

import pytest

from app.domain.document import MalformedDocument
from app.formats.office import build_document
from app.formats.tables import Row, department_in, read_project, split_projects

OPENING = ["项目编码", "P001", "项目名称", "科普活动"]
HEADER = ["一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据"]


def _rows(*table):
    """Rows of cells, each cell placed by its row and column (`3:2`)."""
    return [
        Row(list(cells), [f"{number}:{column}" for column in range(1, len(cells) + 1)])
        for number, cells in enumerate(table, 1)
    ]


def _read(*table, lenient=True):
    """(project, notices as text) of a project's rows."""
    notices = []
    project = read_project(_rows(*table), notices, lenient=lenient)
    return project, [str(n) for n in notices]


def _indicators(project):
    return [(i.level1, i.level2, i.name, i.target, i.basis) for i in project.indicators]


@pytest.mark.parametrize("level1", ["产出指标（50分）", "产出指标(50分)", "一、产出指标", "产出"])
def test_a_level1_with_its_score_or_number_is_still_a_level1_without_them(level1):
    project, notices = _read(
        OPENING,
        HEADER,
        [level1, "数量指标", "活动场次", "≥10场", "计划标准"],
        ["效益指标(30)", "社会效益指标", "参与人次", "≥5000人次", "历史标准"],
    )
    assert _indicators(project) == [
        ("产出" if level1 == "产出" else "产出指标", "数量指标", "活动场次", "≥10场", "计划标准"),
        ("效益指标", "社会效益指标", "参与人次", "≥5000人次", "历史标准"),
    ]
    assert notices == []


def test_a_row_naming_no_level1_still_ends_the_table():
    project, notices = _read(
        OPENING,
        HEADER,
        ["产出指标", "数量指标", "活动场次", "≥10场", "计划标准"],
        ["主管部门及代码", "412001 某市文化局", "", "", ""],
        ["效益指标", "社会效益指标", "参与人次", "≥5000人次", "历史标准"],
    )
    assert [i.name for i in project.indicators] == ["活动场次"]
    assert notices == ["4:1：表格下方的“主管部门及代码”未导入"]


def test_a_known_level1_alone_is_an_empty_slot_not_the_end_of_the_table():
    project, notices = _read(
        OPENING,
        HEADER,
        ["产出指标", "数量指标", "活动场次", "≥10场", "计划标准"],
        ["成本指标（10分）", "", "", "", ""],  # no cost indicator this year
        ["效益指标", "", "", "", ""],  # its rows below, the 一级 cell merged over them
        ["", "社会效益指标", "参与人次", "≥5000人次", "历史标准"],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "计划标准"],
    )
    assert [(i.level1, i.name) for i in project.indicators] == [
        ("产出指标", "活动场次"),
        ("效益指标", "参与人次"),
        ("满意度指标", "群众满意度"),
    ]
    assert notices == []


def test_a_text_field_in_a_cell_takes_the_rest_of_the_cell():
    project, notices = _read(
        ["项目编码：P001", "项目名称：唐山市 科普 专项经费  预算数：854万元"],
        ["绩效目标：开展科普活动 20 场，惠及群众 5 万人次。"],
        ["其中：财政资金：800万元  其他资金：54万元"],
        HEADER,
        ["产出指标", "数量指标", "活动场次", "≥20场", "计划标准"],
    )
    assert (project.code, project.name) == ("P001", "唐山市 科普 专项经费")
    assert project.goal == "开展科普活动 20 场，惠及群众 5 万人次。"
    assert (project.budget, project.fiscal_funds, project.other_funds) == (D(854), D(800), D(54))
    assert notices == []


def test_an_unknown_label_is_read_past_for_the_money_its_value_states_only():
    project, notices = _read(
        OPENING,
        ["项目资金（万元）", "年度资金总额：854万元"],
        ["实施单位", "项目名称：另一个项目"],
        HEADER,
        ["产出指标", "数量指标", "活动场次", "≥20场", "计划标准"],
    )
    assert (project.name, project.budget) == ("科普活动", D(854))
    assert notices == ["3:1：未识别的栏目“实施单位”，已忽略"]


def test_split_projects_opens_a_project_when_its_opening_label_comes_again():
    rows = _rows(
        ["项目名称：甲"],
        ["项目编码", "P001"],
        ["项目名称：乙"],  # 项目名称 again before any indicator: the next project
        HEADER,
        ["产出指标", "数量指标", "活动场次", "≥20场", "计划标准"],
        ["项目编码", "P002"],  # after the indicators: the next project too
    )
    assert [len(rows) for rows in split_projects(rows, [])] == [2, 3, 1]


@pytest.mark.parametrize(
    "texts,found",
    [
        (["405002 唐山市科学技术协会"], ("405002", "唐山市科学技术协会")),
        (["填报单位：405002 唐山市科学技术协会"], ("405002", "唐山市科学技术协会")),
        (["主管部门及代码：[412001]唐山市文化广电和旅游局"], ("412001", "唐山市文化广电和旅游局")),
        (["2021 年度部门预算"], None),  # a year, not a code
        (["123 某某单位"], None),
        (["一、部门总体绩效目标", "405002 唐山市科学技术协会今年将开展科普活动。"], None),
        (
            [
                "2022年度项目支出绩效目标表",
                "2021 年，全市开展活动 200 场。",
                "部门编码：412001",
                "部门名称：某局",
            ],
            ("412001", "某局"),
        ),
        (["部门编码：412001 部门名称：某局"], ("412001", "某局")),  # both on one line
    ],
)
def test_the_department_is_found_in_title_lines_only(texts, found):
    assert department_in(texts) == found


def test_a_year_in_the_narrative_is_no_department():
    paragraphs = [(1, "一、部门总体绩效目标"), (2, "2021 年，市科协将开展科普活动。")]
    table = _rows(OPENING, HEADER, ["产出指标", "数量指标", "活动场次", "≥20场", "计划标准"])
    document = build_document(paragraphs, [table], [])
    assert (document.department_code, document.department_name) == ("", "")


PLAN = ["资金支出计划(累计进度%)", "第一季度", "第二季度", "第三季度", "第四季度"]


# (the four quarters as typed, lenient, what is read)
PLANS = [
    (["0.25", "0.5", "0.75", "1"], True, ["25.00", "50.00", "75.00", "100.00"]),
    (["0.25%", "0.5%", "0.75%", "1%"], True, ["0.25", "0.5", "0.75", "1"]),
    (["0", "0", "1", "１％"], True, ["0", "0", "1", "1"]),
    (["0.25", "0.5", "0.75", "1"], False, ["0.25", "0.5", "0.75", "1"]),
    (["25", "50", "75", "100"], True, ["25", "50", "75", "100"]),
]


@pytest.mark.parametrize("typed,lenient,read", PLANS)
def test_a_plan_of_fractions_is_read_as_percentages_leniently_when_no_percent_is_typed(
    typed, lenient, read
):
    project, _ = _read(
        OPENING,
        PLAN,
        ["", *typed],
        HEADER,
        ["产出指标", "数量指标", "活动场次", "≥20场", "计划标准"],
        lenient=lenient,
    )
    assert [str(q) for q in project.plan_quarters] == read


@pytest.mark.parametrize(
    "lenient,read", [(True, ("100%", "历史标准")), (False, ("100%(历史标准)", ""))]
)
def test_a_basis_inside_the_value_is_taken_out_leniently_only(lenient, read):
    project, _ = _read(
        OPENING,
        HEADER,
        ["产出指标", "质量指标", "验收合格率", "100%(历史标准)", ""],
        lenient=lenient,
    )
    assert (project.indicators[0].target, project.indicators[0].basis) == read


@pytest.mark.parametrize(
    "lenient,target,notices",
    [(True, "≥200场", []), (False, "200场", ["2:4：“指标性质”一列未导入"])],
)
def test_a_column_of_comparators_is_inferred_leniently_only(lenient, target, notices):
    project, found = _read(
        OPENING,
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "指标值确定依据"],
        ["产出指标", "数量指标", "演出场次", "≥", "200", "场", "计划标准"],
        lenient=lenient,
    )
    assert project.indicators[0].target == target
    assert found == notices


def test_a_row_of_sub_headers_is_read_leniently_only():
    table = (
        OPENING,
        ["一级指标", "二级指标", "三级指标", "指标值", "", "指标值确定依据"],
        ["", "", "", "中期指标值", "年度指标值", ""],
        ["产出指标", "数量指标", "维修项目数", "10处", "4处", "计划标准"],
    )
    project, _ = _read(*table, lenient=True)
    assert project.indicators[0].target == "4处"
    with pytest.raises(MalformedDocument, match="第一个指标行缺少一级指标"):
        _read(*table, lenient=False)


@pytest.mark.parametrize("lenient,budget", [(True, D(854)), (False, None)])
def test_a_label_and_its_value_in_one_cell_are_read_leniently_only(lenient, budget):
    project, notices = _read(
        OPENING,
        ["年度资金总额：854万元"],
        HEADER,
        ["产出指标", "数量指标", "活动场次", "≥20场", "计划标准"],
        lenient=lenient,
    )
    assert project.budget == budget
    assert notices == ([] if lenient else ["2:1：未识别的栏目“年度资金总额：854万元”，已忽略"])


@pytest.mark.parametrize("lenient", [True, False])
def test_a_label_cell_of_qizhong_and_colon_names_its_money(lenient):
    project, notices = _read(
        OPENING,
        ["预算数", "100", "其中：财政资金", "60", "其他资金", "40"],
        HEADER,
        ["产出指标", "数量指标", "活动场次", "≥10场", "计划标准"],
        lenient=lenient,
    )
    assert (project.budget, project.fiscal_funds, project.other_funds) == (D(100), D(60), D(40))
    assert notices == []


def test_a_2nd_level_written_across_both_columns_goes_under_its_1st_level():
    project, notices = _read(
        OPENING,
        HEADER,
        ["产出指标", "数量指标", "活动场次", "≥10场", "计划标准"],
        ["社会公众或服务对象满意度指标", "", "群众满意度", "≥90%", "历史标准"],
        ["……", "……", "……", "……", "……"],
    )
    assert _indicators(project)[1:] == [
        ("满意度指标", "社会公众或服务对象满意度指标", "群众满意度", "≥90%", "历史标准")
    ]
    assert len(project.indicators) == 2 and notices == []


@pytest.mark.parametrize(
    "money,found",
    [
        (["资金情况（万元）", "资金总额", "35", "其中：财政拨款", "30", "其他资金", "5"], (35, 30, 5)),
        (["年度资金总额：", "20", "其中：本年财政拨款", "20", "", ""], (20, 20, None)),
        (["财政拨款：6923.3552万元（其中：上级财政资金：3000万元）", "", "", "", "", ""], (None, D("6923.3552"), None)),
    ],
)  # fmt: skip
def test_money_as_other_regions_label_it(money, found):
    project, _ = _read(
        ["专项（项目）名称", "农村饮水", "", ""],
        money,
        ["总体目标", "改善9200人饮水条件。", "", ""],
        HEADER,
        ["产出指标", "数量指标", "活动场次", "≥10场", "计划标准"],
    )
    assert project.name == "农村饮水" and project.goal == "改善9200人饮水条件。"
    amounts = (project.budget, project.fiscal_funds, project.other_funds)
    assert amounts == tuple(None if a is None else D(a) for a in found)


def test_a_department_wide_table_is_refused_as_such():
    rows = _rows(
        ["部门整体支出绩效目标表"],
        ["部门名称", "某研究室", "部门预算编码", "901001033"],
        ["一级指标", "二级指标", "三级指标", "目标值"],
        ["产出指标", "数量指标", "编纂志书", "1部"],
    )
    with pytest.raises(MalformedDocument, match="部门整体支出绩效目标表，其中没有项目"):
        build_document([], [rows], [], "Excel 文件")


def test_a_form_of_two_levels_reads_its_levels_as_the_frameworks():
    """一级 | 二级 | 绩效标准 | 当年预期实现值, the 一级 column holding 数量指标, 质量指标…
    (the framework's 二级) and the 二级 column the indicator's name."""
    project, notices = _read(
        OPENING,
        ["一级指标", "二级指标", "绩效标准", "当年预期实现值"],
        ["数量指标", "维修维护次数", "反映全年维修维护情况", "≥280次"],
        ["", "安检巡察次数", "反映保卫巡检情况", "200次"],
        ["质量指标", "验收合格率", "反映维修维护质量", ">92%"],
        ["满意度指标", "服务对象满意度", "", "≥90%"],
    )
    assert [(i.level1, i.level2, i.name, i.description, i.target) for i in project.indicators] == [
        ("产出指标", "数量指标", "维修维护次数", "反映全年维修维护情况", "≥280次"),
        ("产出指标", "数量指标", "安检巡察次数", "反映保卫巡检情况", "200次"),
        ("产出指标", "质量指标", "验收合格率", "反映维修维护质量", ">92%"),
        ("满意度指标", "满意度指标", "服务对象满意度", "", "≥90%"),
    ]
    assert notices == []
    with pytest.raises(MalformedDocument, match="三级指标"):  # the text layout has its three
        _read(
            OPENING, ["一级指标", "二级指标", "指标值"], ["数量指标", "次数", "1次"], lenient=False
        )
