"""Word and Excel out and in: an exported plan imported into an empty database is the same plan,
and the files read back as the official form lays them out."""

import io
import zipfile

import docx
import openpyxl
import pytest

from app import create_app
from app.formats.detect import read_file
from app.models import Plan
from app.services import rows
from app.services.exporting import export
from app.services.importing import import_document
from app.services.plans import project_table
from app.services.setup import DEMO_FILE, init_db
from tests.conftest import account, fixture_text

FIXTURES = {
    "seed": (lambda: DEMO_FILE.read_text(encoding="utf-8"), "405002", 2021),
    "2021 layout, 其他资金": (lambda: fixture_text("jiaoyuju_2022_layout2021.txt"), "405010", 2022),
    "synonyms, own pair, 元": (
        lambda: fixture_text("danganguan_2023_synonyms.txt"),
        "406001",
        2023,
    ),
}


def _state(code, year):
    """Everything a plan holds that a file carries, its indicators in the order of the official
    table (as the page shows them), without database ids."""
    plan = Plan.find(code, year)
    projects = []
    for project in plan.ordered_projects():
        indicators, level1, level2 = [], "", ""
        for row in project_table(project)[1]:
            level1 = row.level1.label if row.level1 else level1
            level2 = row.level2.label if row.level2 else level2
            i = row.indicator
            slot = (level1, level2)
            indicators.append((*slot, i.name, i.description, i.target, i.basis) if i else slot)
        projects.append(
            (
                project.code,
                project.name,
                project.funds_use,
                project.budget,
                project.fiscal_funds,
                project.other_funds,
                tuple(project.quarters),
                project.goal,
                project.summary,
                tuple(indicators),
            )
        )
    department = plan.department
    return (
        department.code,
        department.name,
        plan.layout,
        plan.overall_goal,
        plan.safeguards,
        tuple(projects),
    )


def _grow(code, year):
    """Fifteen more indicators in the first project, several under one 二级."""
    project = Plan.find(code, year).ordered_projects()[0]
    first = project.ordered_indicators()[0]
    for number in range(15):
        added = rows.insert(account(), first.id, "below")
        added.name, added.target, added.basis = f"新增指标{number}", f"≥{number}项", "计划标准"
        added.save()


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
@pytest.mark.parametrize("fixture", list(FIXTURES))
def test_an_exported_plan_imports_into_an_empty_database_as_the_same_plan(
    app, tmp_path, fixture, kind
):
    text, code, year = FIXTURES[fixture]
    with app.app_context():
        import_document(read_file(text().encode("utf-8"), "plan.txt"), year)
        _grow(code, year)
        expected = _state(code, year)
        data = export(Plan.find(code, year), kind)
        assert len(expected[-1][0][-1]) >= 15
    empty = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3", "SECRET_KEY": "x"},
        instance_path=str(tmp_path / "instance"),
    )
    with empty.app_context():
        init_db()
        import_document(read_file(data, f"plan.{kind}"))
        assert _state(code, year) == expected


def _seed_export(app, kind):
    with app.app_context():
        init_db(demo=True)
        return export(Plan.get(), kind)


def test_the_workbook_reads_back_as_the_official_grid(app):
    book = openpyxl.load_workbook(io.BytesIO(_seed_export(app, "xlsx")))
    assert book.sheetnames[:2] == ["部门总体绩效目标", "项目汇总"]
    sheet = book["唐山市科普专项经费"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"B3:C3", "E3:F3", "A6:A7", "A10:A13"} <= merged  # code, name, plan label, 产出指标
    code = sheet["B3"]
    assert (code.value, code.data_type) == ("405002B21DX0003", "s")
    assert (sheet["B5"].value, sheet["B5"].number_format) == (100, "0.00####")
    assert sheet.print_title_rows == "$9:$9" and sheet.page_setup.orientation == "landscape"
    assert sheet.column_dimensions["G"].hidden
    with zipfile.ZipFile(io.BytesIO(_seed_export(app, "xlsx"))) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(name) for name in sheets)  # no formulas


def test_the_word_document_reads_back_with_merges_and_headings(app):
    word = docx.Document(io.BytesIO(_seed_export(app, "docx")))
    texts = [p.text for p in word.paragraphs]
    for heading in ("一、部门总体绩效目标", "二、分项绩效目标", "三、保障措施", "预算项目绩效表"):
        assert heading in texts
    assert "1、举办全国科普日唐山系列活动" in "".join(texts)
    indicators = word.tables[1]  # the first project's indicator table
    merges = indicators._tbl.xpath(".//w:vMerge")
    assert len(merges) >= 4
    assert indicators._tbl.xpath(".//w:tblHeader")
    assert word.sections[-1].orientation == 1  # landscape
    fonts = word.styles["Normal"].element.xpath(".//w:rFonts/@w:eastAsia")
    assert fonts == ["宋体"]


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil")', "+1", "-1", "@SUM(A1)"])
def test_a_cell_that_looks_like_a_formula_goes_out_and_comes_back_as_text(app, text):
    with app.app_context():
        init_db(demo=True)
        from app.models import Indicator

        Indicator.update(description=text).where(Indicator.id == 1).execute()
        data = export(Plan.get(), "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value == text]
    assert cells and all(c.data_type == "s" for c in cells)
    document = read_file(data, "plan.xlsx")
    assert document.projects[0].indicators[0].description == text
