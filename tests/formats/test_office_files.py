"""Word and Excel files as offices make them, read field by field.

The files in tests/fixtures/libreoffice/ were saved by LibreOffice (see make.py there): the seed
typed in Word with merged cells, a table split by hand over two with （续表）, a line break in a
header cell and Word's own list numbering for 保障措施; the same with the 一级/二级 text repeated
instead of merged, typed numbers and a tracked change not yet accepted; the seed in Excel, one
sheet per project under two title rows, with an instructions sheet, a hidden column of notes,
a formula for 预算数, money as numbers, the spending plan as fractions shown as percentages; and
another region's form, every project on one sheet, 项目编码 stored as a number, money in header
lines, comparator | number | unit columns, a 中期/年度 pair, a basis inside the value, 分值.
"""

from decimal import Decimal as D
from pathlib import Path

import pytest

from app.domain.document import MalformedDocument
from app.formats import detect
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
    assert notices == ["工作表“填表说明”：中没有项目的绩效表，已跳过"]


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
