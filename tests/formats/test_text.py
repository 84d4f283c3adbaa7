"""The text-layout reader: the seed in full, other departments' files, and malformed files."""

from decimal import Decimal as D

import pytest

from app.domain.document import MalformedDocument
from app.domain.fields import FIELDS, FieldError, parse
from app.formats import archive, office
from app.formats import text as text_format
from app.formats.text import decode, read_text
from tests import seed_expected as seed
from tests.conftest import fixture_text


def test_seed_department_and_year(seed_text):
    document = read_text(seed_text)
    assert (document.department_code, document.department_name) == seed.DEPARTMENT
    assert document.inferred_year() == seed.YEAR
    assert document.notices == []


@pytest.mark.parametrize("index", range(3))
def test_seed_every_field_of_every_project(seed_text, index):
    expected = seed.PROJECTS[index]
    project = read_text(seed_text).projects[index]
    assert project.code == expected["code"]
    assert project.name == expected["name"]
    assert project.funds_use == expected["funds_use"]
    assert (project.budget, project.fiscal_funds, project.other_funds) == (
        expected["budget"],
        expected["fiscal_funds"],
        expected["other_funds"],
    )
    assert project.plan_quarters == expected["quarters"]
    assert project.goal == expected["goal"]
    rows = [
        (i.level1, i.level2, i.name, i.description, i.target, i.basis) for i in project.indicators
    ]
    assert rows == expected["indicators"]


def test_seed_blank_rows_are_slots_not_indicators(seed_text):
    for project in read_text(seed_text).projects:
        slots = [slot.level2 for slot in project.slots]
        assert slots == [
            "数量指标", "质量指标", "时效指标", "成本指标",
            "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
            "服务对象满意度指标",
        ]  # fmt: skip
        assert len(project.indicators) == 6


def test_seed_narrative(seed_text):
    document = read_text(seed_text)
    assert document.title == "部门总体绩效目标及保障措施"
    for words in seed.OVERALL_WORDS:
        assert words in document.overall_goal
    assert [s.name for s in document.summaries] == [p["name"] for p in seed.PROJECTS]
    for summary, expected in zip(document.summaries, seed.PROJECTS, strict=True):
        for words in expected["summary_words"]:
            assert words in summary.markdown
    items = document.safeguards.splitlines()
    assert [item.split(". ", 1)[0] for item in items] == ["1", "2", "3", "4", "5"]
    for item, start in zip(items, seed.SAFEGUARD_STARTS, strict=True):
        assert item.split(". ", 1)[1].startswith(start)


def test_other_department_in_the_2021_layout():
    document = read_text(fixture_text("jiaoyuju_2022_layout2021.txt"))
    assert (document.department_code, document.department_name) == ("405010", "某市教育局")
    assert document.inferred_year() == 2022
    assert [p.code[-4:] for p in document.projects] == ["0001", "0002", "0003", "0004"]
    first = document.projects[0]
    # Three indicators under one 数量指标: the continued 二级 cell is empty.
    quantity = [i.name for i in first.indicators if i.level2 == "数量指标"]
    assert quantity == ["维修学校数", "维修面积", "更换门窗数"]
    assert [i.level1 for i in first.indicators if i.name == "单校维修成本"] == ["成本指标"]
    assert {i.level1 for i in first.indicators} == {
        "产出指标",
        "成本指标",
        "效益指标",
        "满意度指标",
    }
    assert (first.budget, first.fiscal_funds, first.other_funds) == (D(500), D(350), D(150))
    assert first.plan_quarters == [D("10.00"), D("40.00"), D("80.00"), D("100.00")]
    assert (document.projects[2].other_funds, document.projects[3].other_funds) == (D(50), D(0))


def test_synonyms_units_and_continued_lines():
    document = read_text(fixture_text("danganguan_2023_synonyms.txt"))
    project = document.projects[0]
    assert document.inferred_year() == 2023
    # 其他资金50000元 is 5 万元.
    assert (project.budget, project.fiscal_funds, project.other_funds) == (D(20), D(15), D(5))
    assert [(i.level1, i.level2) for i in project.indicators][:2] == [
        ("预期产出指标", "数量指标"),
        ("预期产出指标", "进度指标"),
    ]
    assert document.overall_goal == "保障机关正常运转。\n\n提高服务水平。"
    assert document.safeguards == "1. 建立制度。\n2. 加强监督，\n   定期检查。"
    assert [s.name for s in document.summaries] == ["机关运转经费", "已撤销的项目"]


def _replace(text, old, new):
    assert old in text
    return text.replace(old, new, 1)


# (what is wrong, how to break the seed, the line named, words of the message)
MALFORMED = [
    ("no table mark", lambda t: _replace(t, "预算项目绩效表", "预算项目"), 321, "预算项目绩效表"),
    ("no department line", lambda t: _replace(t, "405002 唐山市科学技术协会", "唐山市科学技术协会"), 40, "部门编码 部门名称"),
    ("quarter not a number", lambda t: _replace(t, "\t40.00\n", "\t四十\n"), 151, "第二季度"),
    ("cell without a TAB", lambda t: _replace(t, "\n\t一级指标", "\n\n一级指标"), 66, "制表符"),
    ("indicator row too short", lambda t: _replace(t, "\t26650.77平方米\n", ""), 72, "6个单元格"),
    ("header lacks 指标值", lambda t: t.replace("\t指标值\n", "\t指标\n"), 65, "指标值"),
    ("first row continues nothing", lambda t: _replace(t, "\t产出指标\n", "\t\n"), 72, "一级指标"),
    ("quarters without values", lambda t: _replace(t, "\t\n\t0.00\n\t0.00\n\t100.00\n\t100.00\n\n", ""), 56, "累计进度"),
    ("no project at all", lambda t: t[: t.index("\t项目编码")], 40, "项目编码"),
    ("table starts with another row", lambda t: _replace(t, "\t项目编码\n\t405002B19DX0002", "\t编号\n\t405002B19DX0002"), 42, "项目编码"),
]  # fmt: skip


@pytest.mark.parametrize(
    "mutate,line,words", [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_malformed_names_the_line(seed_text, mutate, line, words):
    with pytest.raises(MalformedDocument) as caught:
        read_text(mutate(seed_text))
    assert caught.value.line == line
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"第{line}行：")


def test_a_project_without_its_indicator_header_is_malformed(seed_text):
    # The first project loses its header and indicators: the next 项目编码 row follows its goal.
    start = seed_text.index("\t一级指标")
    end = seed_text.index("\t项目编码", start)
    with pytest.raises(MalformedDocument, match="缺少指标表头"):
        read_text(seed_text[:start] + seed_text[end:])


def test_unknown_label_is_a_notice_not_an_error(seed_text):
    text = _replace(
        seed_text, "\t绩效目标\n\t 按期", "\t实施单位\n\t科协办公室\n\n\t绩效目标\n\t 按期"
    )
    document = read_text(text)
    assert [str(n) for n in document.notices] == ["第62行：未识别的栏目“实施单位”，已忽略"]
    assert document.projects[0].goal == "按期缴纳总工会房屋租金。"


def test_a_decreasing_plan_and_odd_money_are_read_as_they_are(seed_text):
    text = _replace(seed_text, "\t0.00\n\t40.00\n\t80.00", "\t50.00\n\t40.00\n\t80.00")
    text = _replace(text, "财政资金1044.94万元", "财政资金1000万元")
    document = read_text(text)
    assert document.projects[1].plan_quarters[:2] == [D(50), D(40)]
    assert document.projects[0].fiscal_funds == D(1000)


def test_full_width_digits_and_percent_in_quarters(seed_text):
    text = _replace(seed_text, "\t25.00\n\t50.00", "\t２５％\n\t50.00")
    assert read_text(text).projects[2].plan_quarters[0] == D(25)


def test_the_text_layout_reads_no_spreadsheet_habits_into_its_cells(seed_text):
    # Fractions of one in the plan, a basis inside a value, a label and its value in one cell:
    # only Word and Excel files are read that way; a text file keeps what it says.
    text = _replace(seed_text, "\t25.00\n\t50.00\n\t75.00\n\t100.00", "\t0.25\n\t0.5\n\t0.75\n\t1")
    text = _replace(text, "\t90%\n\t年初工作计划\n", "\t100%(历史标准)\n\t\u3000\n")
    text = _replace(text, "\n\t资金支出计划", "\n\t年度资金总额：854万元\n\n\t资金支出计划")
    document = read_text(text)
    first, last = document.projects[0], document.projects[2]
    assert last.plan_quarters == [D("0.25"), D("0.5"), D("0.75"), D("1")]
    assert (first.indicators[-1].target, first.indicators[-1].basis) == ("100%(历史标准)", "")
    assert first.budget == seed.PROJECTS[0]["budget"]
    assert [str(n) for n in document.notices] == [
        "第50行：未识别的栏目“年度资金总额：854万元”，已忽略"
    ]


def test_the_text_reader_shares_the_mark_and_the_signatures_of_the_office_readers():
    assert text_format.TABLES_MARK is office.TABLES_MARK
    assert (text_format.ZIP, text_format.OLE2) == (archive.ZIP, archive.OLE2)
    assert not hasattr(text_format, "OFFICE_SIGNATURES")


def test_multiline_cell_is_kept(seed_text):
    text = _replace(
        seed_text, "\t房屋租赁平米数\n\t房屋租赁平米数\n", "\t房屋租赁平米数\n\t房屋租赁\n平米数\n"
    )
    assert read_text(text).projects[0].indicators[0].description == "房屋租赁\n平米数"


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),  # Notepad's "UTF-8 with BOM"
        lambda text: text.encode("gbk"),  # Notepad's "ANSI" on a Chinese Windows
        lambda text: text.encode("utf-16"),  # Notepad's "Unicode", with its BOM
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "utf-16"],
)
def test_a_file_in_any_usual_office_encoding_reads_the_same(seed_text, encode):
    assert decode(encode(seed_text)) == seed_text
    assert read_text(decode(encode(seed_text))).projects[0].name == seed.PROJECTS[0]["name"]


@pytest.mark.parametrize(
    "data,line,words",
    [
        (b"PK\x03\x04\x14\x00\x06\x00", 1, "Word 或 Excel 文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 1, "Word 或 Excel 文件"),
        ("第一行\n第二行\n".encode() + b"\x00\x01\x02", 3, "不是文本文件"),
        ("第一行\n".encode() + b"\xff\xfe\xfd\n", 2, "既不是 UTF-8 也不是 GBK"),
    ],
    ids=["docx", "doc", "binary", "neither"],
)
def test_a_file_that_is_not_text_is_refused_with_its_line(data, line, words):
    with pytest.raises(MalformedDocument) as caught:
        decode(data)
    assert caught.value.line == line and words in str(caught.value)


def _read(read, label):
    """('value', what was read) or ('refused',): how a reader took a text. A refusal must name
    the field, so that a file broken some other way does not pass for a refused number."""
    try:
        return ("value", read())
    except (MalformedDocument, FieldError) as error:
        assert label in str(error)
        return ("refused",)


# Texts an office types for money and for the spending plan, read alike wherever they are typed.
# (A quarter out of 0–100 is where they differ on purpose: a cell refuses it, a file keeps it
# for the review rules to report.)
AMOUNT_TEXTS = ["1044.94", "1,044.94万元", "１０４４．９４", "350000元", "1e3", "+5", "5.", "NaN", "一百万", "-5", "1000000000000"]  # fmt: skip
PERCENT_TEXTS = ["25", "25%", "２５％", " 80.5 ", "2.5e1", "NaN", "四十", "Infinity"]


@pytest.mark.parametrize("typed", AMOUNT_TEXTS)
def test_a_file_and_a_cell_read_an_amount_alike(seed_text, typed):
    row = f"\t预算数\n\t{typed}\n\n\t资金支出计划"
    text = _replace(seed_text, "\t资金支出计划", row)
    in_file = _read(lambda: read_text(text).projects[0].budget, "预算数")
    in_cell = _read(lambda: parse(FIELDS["project"]["budget"], typed), "预算数")
    assert in_file == in_cell


@pytest.mark.parametrize("typed", PERCENT_TEXTS)
def test_a_file_and_a_cell_read_a_quarter_alike(seed_text, typed):
    text = _replace(seed_text, "\t\n\t0.00\n", f"\t\n\t{typed}\n")
    in_file = _read(lambda: read_text(text).projects[0].plan_quarters[0], "第一季度")
    in_cell = _read(lambda: parse(FIELDS["project"]["plan_q1"], typed), "第一季度")
    assert in_file == in_cell
