"""Word and Excel files as offices make them, read field by field.

The files in tests/fixtures/libreoffice/ were saved by LibreOffice (see make.py there): the seed
typed in Word with merged cells, a table split by hand over two with （续表）, a line break in a
header cell and Word's own list numbering for 保障措施; the same with the 一级/二级 text repeated
instead of merged, typed numbers and a tracked change not yet accepted; the seed in Excel, one
sheet per project under two title rows, with an instructions sheet, a hidden column of notes
(read: hidden is not deleted, and what it holds is reported), a formula for 预算数, money as
numbers, the spending plan as fractions shown as percentages; and
another region's form, every project on one sheet, 项目编码 stored as a number, money in header
lines, comparator | number | unit columns, a 中期/年度 pair, a basis inside the value, 分值.
"""

import io
from decimal import Decimal as D
from pathlib import Path

import docx as python_docx
import openpyxl
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from app.domain.document import MalformedDocument
from app.formats import detect, docx, xlsx
from app.formats.detect import read_file
from app.formats.text import read
from app.services.setup import DEMO_FILE

FILES = Path(__file__).parent.parent / "fixtures" / "libreoffice"


def _file(name):
    return read_file((FILES / name).read_bytes(), name)


def _projects(document):
    return [
        (
            p.code,
            p.name,
            p.funds_use,
            p.budget,
            p.fiscal_funds,
            p.other_funds,
            p.plan_quarters,
            p.goal,
            [(i.level1, i.level2, i.name, i.description, i.target, i.basis) for i in p.indicators],
            sorted({(s.level1, s.level2) for s in p.slots}),
        )
        for p in document.projects
    ]


SEED = read(DEMO_FILE.read_bytes())


@pytest.mark.parametrize("name", ["seed_as_word.docx", "seed_repeated.docx"])
def test_the_seed_typed_in_word_reads_as_the_seed(name):
    document = _file(name)
    assert (document.department_code, document.department_name) == ("405002", "唐山市科学技术协会")
    assert document.inferred_year() == 2021
    assert document.overall_goal == SEED.overall_goal
    assert document.safeguards == SEED.safeguards  # list numbering or typed 1、2、
    assert [(s.name, s.markdown) for s in document.summaries] == [
        (s.name, s.markdown) for s in SEED.summaries
    ]
    assert _projects(document) == _projects(SEED)
    assert document.notices == []


def test_a_tracked_change_reads_as_accepted():
    # seed_repeated.docx deletes 25000平方米 and inserts 26650.77平方米, unaccepted.
    target = _file("seed_repeated.docx").projects[0].indicators[0].target
    assert target == "26650.77平方米"


def test_the_seed_in_excel_reads_as_the_seed():
    document = _file("seed_as_excel.xlsx")
    assert (document.department_code, document.department_name) == ("405002", "唐山市科学技术协会")
    assert _projects(document) == _projects(SEED)
    assert not document.has_narrative  # a workbook of tables leaves the narrative alone
    notices = [str(n) for n in document.notices]
    notes = [
        f"工作表“{sheet}”第{row}行G列：{words}"
        for sheet in ("唐山市总工会房屋租金", "唐山市科普专项经费", "唐山科技馆运营管理服务费")
        for row, words in (
            (3, "未识别的栏目“内部备注”，已忽略"),
            (5, "未识别的栏目“junk”，已忽略"),
            (9, "未识别的表头“审核意见”，该列已忽略"),
        )
    ]  # the hidden column of notes, read and passed over: none of it is a field
    assert notices == ["工作表“填表说明”：中没有项目的绩效表，已跳过", *notes]


def test_another_regions_form_on_one_sheet():
    document = _file("other_region.xlsx")
    assert (document.department_code, document.department_name) == (
        "412001",
        "唐山市文化广电和旅游局",
    )
    assert document.inferred_year() == 2022
    first, second = document.projects
    assert (first.code, first.name, first.goal) == (
        "41200121000001",
        "公共文化服务体系建设",
        "完善公共文化服务设施，组织群众文化活动。",
    )
    assert (first.budget, first.fiscal_funds, first.other_funds) == (D(854), D(854), D(0))
    assert (second.budget, second.fiscal_funds, second.other_funds) == (D(300), D(250), D(50))
    assert [(i.name, i.target, i.basis) for i in first.indicators][:5] == [
        ("群众文化活动场次", "≥120场", "计划标准"),
        ("送戏下乡场次", "≥60场", "计划标准"),
        ("活动验收合格率", "=100%", "行业标准"),
        ("完成时间", "≤2022年12月31日", "计划标准"),
        ("活动成本控制", "≤854万元", "预算支出标准"),
    ]
    assert [(i.level2, i.name, i.target, i.basis) for i in second.indicators] == [
        ("数量指标", "修缮文物保护单位", "2处", ""),  # 年度, not 中期
        ("质量指标", "修缮工程验收合格率", "100%", "历史标准"),  # the basis inside the value
        ("社会效益指标", "文物开放天数", "≥300天", "历史标准"),
        ("服务对象满意度指标", "游客满意度", "≥90%", "计划标准"),
    ]
    notices = " ".join(str(n) for n in document.notices)
    for words in ("“分值”一列未导入", "“中期指标值”一列未导入", "“填报人：王五”未导入"):
        assert words in notices


@pytest.mark.parametrize("name", ["seed_as_word.doc", "seed_as_excel.xls"])
def test_a_legacy_file_without_a_converter_says_how_to_save_it(monkeypatch, name):
    monkeypatch.setattr(detect, "converter", lambda: None)
    with pytest.raises(MalformedDocument, match="另存为"):
        _file(name)


@pytest.mark.skipif(detect.converter() is None, reason="LibreOffice is not on this machine")
@pytest.mark.parametrize("name", ["seed_as_word.doc", "seed_as_excel.xls"])
def test_a_legacy_file_is_converted_when_libreoffice_is_there(name):
    document = _file(name)
    assert "已用 LibreOffice 自动转换" in str(document.notices[0])
    assert _projects(document) == _projects(SEED)


def _exported(edit):
    """The seed written by our Excel writer (each indicator naming its row), then edited in
    Excel's place by `edit(sheet)` on the first project's sheet."""
    seed = read(DEMO_FILE.read_bytes())
    for number, indicator in enumerate(seed.projects[0].indicators):
        indicator.identity = f"row-{number}"
    book = openpyxl.load_workbook(io.BytesIO(xlsx.write(seed)))
    edit(book["唐山市总工会房屋租金"])
    out = io.BytesIO()
    book.save(out)
    return read_file(out.getvalue(), "绩效.xlsx")


def _hide_row(number):
    def edit(sheet):
        sheet.row_dimensions[number].hidden = True

    return edit


def _without_identities(then):
    def edit(sheet):
        sheet.delete_cols(7)  # column G: jixiao-row
        then(sheet)

    return edit


def _hide_columns(first, last):
    def edit(sheet):
        sheet.column_dimensions.group(first, last, hidden=True)  # one <col> for both

    return edit


def _show_identities(sheet):
    sheet.column_dimensions["G"].hidden = False  # someone unhid it, and left it


OURS = [f"row-{number}" for number in range(6)]
HIDDEN = [
    # Row 12 is 项目完成时限, the third indicator; row 7 the spending plan's percentages.
    ("an indicator row of our export", _hide_row(12), [], OURS),
    ("a row of another file", _without_identities(_hide_row(12)), ["工作表“唐山市总工会房屋租金”第12行：是隐藏行，已按普通行读取，请核对"], [""] * 6),
    ("a row above the table", _hide_row(7), ["工作表“唐山市总工会房屋租金”第7行：是隐藏行，已按普通行读取，请核对"], OURS),
    ("指标值确定依据 beside our identities", _hide_columns("F", "G"), [], OURS),
    ("指标值确定依据 alone", _hide_columns("F", "F"), [], OURS),
    ("our identities shown again", _show_identities, [], OURS),
]  # fmt: skip


@pytest.mark.parametrize(
    "edit,notices,identities", [h[1:] for h in HIDDEN], ids=[h[0] for h in HIDDEN]
)
def test_hidden_rows_and_columns_are_read_and_hidden_rows_reported(edit, notices, identities):
    document = _exported(edit)
    assert _projects(document) == _projects(SEED)
    assert [str(n) for n in document.notices] == notices
    assert [i.identity for i in document.projects[0].indicators] == identities


def _moved(data, rows, columns):
    """A workbook with every sheet's content moved down and right, merges and hidden columns
    with it: a table that starts at B3, as many offices lay a sheet out."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    moved = openpyxl.Workbook()
    moved.remove(moved.active)
    for sheet in book.worksheets:
        copy = moved.create_sheet(sheet.title)
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    new = copy.cell(cell.row + rows, cell.column + columns, cell.value)
                    new.number_format = cell.number_format
        for merged in sheet.merged_cells.ranges:
            copy.merge_cells(
                start_row=merged.min_row + rows,
                start_column=merged.min_col + columns,
                end_row=merged.max_row + rows,
                end_column=merged.max_col + columns,
            )
        for dimension in sheet.column_dimensions.values():
            if dimension.hidden:
                letter = openpyxl.utils.get_column_letter(dimension.min + columns)
                copy.column_dimensions[letter].hidden = True
    out = io.BytesIO()
    moved.save(out)
    return out.getvalue()


def test_a_sheet_that_starts_at_b3_reads_as_one_that_starts_at_a1():
    document = read_file(_moved(xlsx.write(SEED), rows=2, columns=1), "绩效.xlsx")
    assert _projects(document) == _projects(SEED)
    assert document.overall_goal == SEED.overall_goal and document.notices == []


def test_a_word_row_that_starts_after_an_empty_grid_column_opens_its_project():
    word = python_docx.Document(io.BytesIO(docx.write(SEED)))
    shifted = 0
    for table in word.tables:
        first = table._tbl.tr_lst[0]
        if "项目编码" in "".join(first.itertext()):  # 项目编码 | CODE | 项目名称 | NAME
            before = OxmlElement("w:gridBefore")
            before.set(qn("w:val"), "1")
            first.get_or_add_trPr().insert(0, before)
            shifted += 1
    assert shifted == 3
    out = io.BytesIO()
    word.save(out)
    document = read_file(out.getvalue(), "绩效.docx")
    assert _projects(document) == _projects(SEED) and document.notices == []
