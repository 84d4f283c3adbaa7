"""Excel (.xlsx) ↔ `Document`: each project's 预算项目绩效表 as sheet rows.

Reading takes each cell as Excel shows it: a number in its display format (0.25 formatted as a
percentage is `25%`, money to its shown decimals), a formula by its cached value, a code Excel
turned into a number as its digits, text that starts with `=` as that text. Merged cells are
empty where they continue; hidden rows and columns are left out (our own exports keep each
row's identity in a hidden column, which is read). Sheets without a table (instructions) are
passed over with a notice; several projects on one sheet, or one per sheet, read alike. The
rows go to the one interpreter (app/formats/tables.py), with places like `工作表“科普”第3行C列`.
"""

import datetime
import io
import re
import zipfile
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import column_index_from_string, get_column_letter

from app.domain.document import MalformedDocument, Notice
from app.domain.formatting import chinese_ordinal
from app.domain.framework import squeeze
from app.formats.archive import open_zip
from app.formats.docx import HEADINGS as docx_headings
from app.formats.narrative import paragraphs
from app.formats.office import build_document, indicator_table
from app.formats.tables import Row, split_projects

MAX_CELLS = 500_000  # rows × columns one sheet may span
ROW_ID_HEADER = "jixiao-row"  # the hidden column our exports name each indicator's row in
_DIMENSION = re.compile(r'<dimension ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_DECIMALS = re.compile(r"0\.(0*)(#*)")


def read(data):
    """An Excel file's bytes → its `Document`; MalformedDocument for a file that is not one."""
    _declared_sizes(open_zip(data))  # refuses bombs, broken archives and lies before parsing
    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as error:
        raise MalformedDocument(0, f"Excel 文件无法打开：{_reason(error)}") from None
    rows, notices, narrative = [], [], []
    for sheet in book.worksheets:
        name = f"工作表“{sheet.title}”"
        if sheet.sheet_state != "visible":
            notices.append(Notice(name, "是隐藏的工作表，未导入"))
            continue
        sheet_rows = _rows(sheet, name)
        if split_projects(sheet_rows, []):
            rows.append(sheet_rows)
        elif not narrative and _is_narrative(sheet_rows):
            narrative = [(row.place, row.cells[0]) for row in sheet_rows if row.cells]
        elif sheet.title != SUMMARY_SHEET and any(any(row.cells) for row in sheet_rows):
            notices.append(Notice(name, "中没有项目的绩效表，已跳过"))
    return build_document(narrative, rows, notices, "Excel 文件")


def _is_narrative(rows):
    """A sheet of the narrative: paragraphs down its first column, under the headings of
    部门总体绩效目标 and 保障措施."""
    firsts = " ".join(squeeze(row.cells[0]) for row in rows if row.cells)
    return "总体绩效目标" in firsts and "保障措施" in firsts


def _declared_sizes(archive):
    """Refuse a sheet that declares a range larger than any 绩效表 (`A1:XFD1048576`)."""
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            with archive.open(name) as stream:
                head = stream.read(8192).decode("utf-8", "replace")
            declared = _DIMENSION.search(head)
            if declared:
                rows = int(declared.group(4)) - int(declared.group(2)) + 1
                columns = (
                    column_index_from_string(declared.group(3))
                    - column_index_from_string(declared.group(1))
                    + 1
                )
                if rows * columns > MAX_CELLS:
                    raise MalformedDocument(
                        0,
                        f"Excel 文件中的工作表声明了 {rows} 行 × {columns} 列，远超一张绩效表，已拒绝",
                    )


def _reason(error):
    text = str(error)
    if "forbidden" in text.lower() or "entit" in text.lower():
        return "文件中含有不允许的 XML 实体（可能是恶意构造的文件）"
    return text[:100]


def _rows(sheet, name):
    """A sheet's rows as the interpreter reads them, merged cells empty where they continue."""
    last_row, last_column = sheet.max_row, sheet.max_column
    if last_row * last_column > MAX_CELLS:
        raise MalformedDocument(name, f"过大（{last_row}行×{last_column}列），不像是一张绩效表")
    continued, across = set(), set()
    for merged in sheet.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                if (row, column) != (merged.min_row, merged.min_col):
                    continued.add((row, column))
                    if row == merged.min_row:
                        across.add((row, column))
    hidden_columns = {
        column
        for column in range(1, last_column + 1)
        if sheet.column_dimensions[get_column_letter(column)].hidden
    }
    identity_column = _identity_column(sheet, last_row, hidden_columns)
    rows = []
    for cells in sheet.iter_rows(min_row=1, max_row=last_row, max_col=last_column):
        number = cells[0].row
        if sheet.row_dimensions[number].hidden:
            continue
        row = Row()
        for cell in cells:
            column = cell.column
            if column in hidden_columns:
                continue
            text = "" if (number, column) in continued else display(cell)
            row.cells.append(text)
            row.places.append(f"{name}第{number}行{get_column_letter(column)}列")
            row.across.append((number, column) in across)
        if identity_column:
            row.identity = display(sheet.cell(number, identity_column))
        if any(row.cells):
            rows.append(row)
    return rows


def _identity_column(sheet, last_row, hidden_columns):
    """The hidden column our exports name each row's indicator in, or None."""
    for column in hidden_columns:
        for number in range(1, min(last_row, 20) + 1):
            if display(sheet.cell(number, column)) == ROW_ID_HEADER:
                return column
    return None


def display(cell):
    """A cell's value as Excel shows it: numbers in their display format, dates as dates."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, int | float):
        return _shown_number(value, cell.number_format or "General")
    return str(value).rstrip()  # a leading indent marks a list line of the narrative


def _shown_number(value, number_format):
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    percent = "%" in number_format
    if percent:
        exact = exact.scaleb(2)
    shown = _DECIMALS.search(number_format)
    if shown and (shown.group(1) or shown.group(2)):  # the decimals the format shows
        least, most = len(shown.group(1)), len(shown.group(1)) + len(shown.group(2))
        exact = exact.quantize(Decimal(1).scaleb(-most))
        while (
            most > least and exact.as_tuple().digits[-1:] == (0,) and exact.as_tuple().exponent < 0
        ):
            exact = exact.quantize(Decimal(1).scaleb(-(most - 1)))
            most -= 1
    elif isinstance(value, float):  # a float's last binary digits are noise: 0.1+0.2
        exact = exact.quantize(Decimal(1).scaleb(-9)).normalize()
    text = f"{exact:f}"
    return text + "%" if percent else text


# Writing: the official grid per project, a summary, the narrative.

NARRATIVE_SHEET = "部门总体绩效目标"
SUMMARY_SHEET = "项目汇总"
WIDTHS = (14, 14, 26, 40, 18, 18)  # characters: Chinese text fits
MONEY_FORMAT = "0.00####"  # two decimals as the form writes them, and every digit stored
PERCENT_FORMAT = "0.00"
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_BOLD = Font(bold=True)


def write(document):
    """A `Document` → the bytes of an Excel workbook: the narrative, a summary of the projects
    and their money, then one sheet per project laid out as the official 预算项目绩效表 (merged
    一级/二级 cells, 项目编码 as text, money and percentages as numbers, A4 landscape with the
    indicator header repeated on every page). No cell is ever a formula."""
    book = Workbook()
    _narrative_sheet(book.active, document)
    _summary_sheet(book.create_sheet(SUMMARY_SHEET), document)
    names = set()
    for project in document.projects:
        _project_sheet(book.create_sheet(_sheet_name(project, names)), document, project)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _put(sheet, row, column, value, number_format=None, bold=False, border=True):
    """A cell written as a value: text stays text even when it starts with = + - @."""
    cell = sheet.cell(row, column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        cell.quotePrefix = value[:1] in "=+-@"
    if number_format:
        cell.number_format = number_format
    cell.alignment = _WRAP
    if bold:
        cell.font = _BOLD
    if border:
        cell.border = _BORDER
    return cell


def _narrative_sheet(sheet, document):
    sheet.title = NARRATIVE_SHEET
    sheet.column_dimensions["A"].width = 100
    lines = [document.title, docx_headings[0]]
    lines += _lines(document.overall_goal)
    lines.append(docx_headings[1])
    for number, summary in enumerate(document.summaries, 1):
        lines.append(f"（{chinese_ordinal(number)}）{summary.name}")
        lines += _lines(summary.markdown)
    lines.append(docx_headings[2])
    lines += _lines(document.safeguards)
    lines += ["预算项目绩效表", f"{document.department_code} {document.department_name}"]
    for row, line in enumerate(lines, 1):
        _put(sheet, row, 1, line, border=False)


def _lines(markdown):
    measure, lines = 0, []
    for kind, text in paragraphs(markdown):
        if kind == "measure":
            measure += 1
            text = f"{measure}、{text}"
        lines.append(("  " if kind == "item" else "") + text)
    return lines


def _summary_sheet(sheet, document):
    header = (
        "序号",
        "项目编码",
        "项目名称",
        "预算数（万元）",
        "财政资金（万元）",
        "其他资金（万元）",
    )
    header += ("第一季度（%）", "第二季度（%）", "第三季度（%）", "第四季度（%）")
    for column, text in enumerate(header, 1):
        _put(sheet, 1, column, text, bold=True)
    for row, project in enumerate(document.projects, 2):
        _put(sheet, row, 1, row - 1)
        _put(sheet, row, 2, project.code)
        _put(sheet, row, 3, project.name)
        for column, value in enumerate(
            (project.budget, project.fiscal_funds, project.other_funds), 4
        ):
            _put(sheet, row, column, _stored(value), MONEY_FORMAT)
        for column, value in enumerate(project.plan_quarters, 7):
            _put(sheet, row, column, _stored(value), PERCENT_FORMAT)
    for column, width in enumerate((6, 20, 30, 14, 14, 14, 10, 10, 10, 10), 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    _print_setup(sheet, None)


def _stored(value):
    """A Decimal as a number cell: written as its exact digits (Excel keeps 15 of them)."""
    return None if value is None else int(value) if value == int(value) else value


def _sheet_name(project, taken):
    base = re.sub(r"[\[\]:*?/\\]", "", project.name or project.code or "项目")[:28] or "项目"
    name, number = base, 1
    while name in taken or name in (NARRATIVE_SHEET, SUMMARY_SHEET):
        number += 1
        name = f"{base[:26]}-{number}"
    taken.add(name)
    return name


def _project_sheet(sheet, document, project):
    _put(sheet, 1, 1, "预算项目绩效表", bold=True, border=False)
    _put(sheet, 2, 1, f"{document.department_code} {document.department_name}", border=False)
    top = 3
    _row(sheet, top, [("项目编码", 1), (project.code, 2), ("项目名称", 1), (project.name, 2)])
    _row(sheet, top + 1, [("项目资金主要用途", 1), (project.funds_use, 5)])
    money = [(project.budget, "预算数（万元）"), (project.fiscal_funds, "财政资金（万元）")]
    money.append((project.other_funds, "其他资金（万元）"))
    for index, (value, label) in enumerate(money):
        _put(sheet, top + 2, 1 + 2 * index, label, bold=True)
        _put(sheet, top + 2, 2 + 2 * index, _stored(value), MONEY_FORMAT)
    quarters = [("资金支出计划（累计进度%）", 1), ("第一季度", 1), ("第二季度", 1), ("第三季度", 1)]
    _row(sheet, top + 3, [*quarters, ("第四季度", 2)])
    for column, value in enumerate(project.plan_quarters, 2):
        _put(sheet, top + 4, column, _stored(value), PERCENT_FORMAT)
    _put(sheet, top + 4, 1, "")
    _put(sheet, top + 4, 6, "")
    sheet.merge_cells(start_row=top + 3, start_column=1, end_row=top + 4, end_column=1)
    sheet.merge_cells(start_row=top + 4, start_column=5, end_row=top + 4, end_column=6)
    _row(sheet, top + 5, [("绩效目标", 1), (project.goal, 5)])
    header_row = top + 6
    header = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")
    for column, text in enumerate(header, 1):
        _put(sheet, header_row, column, text, bold=True)
    _put(sheet, header_row, 7, ROW_ID_HEADER, border=False)
    rows, level1_spans, level2_spans = indicator_table(project)
    for index, (level1, level2, indicator) in enumerate(rows):
        row = header_row + 1 + index
        values = [level1, level2]
        if indicator is not None:
            values += [indicator.name, indicator.description, indicator.target, indicator.basis]
            _put(sheet, row, 7, indicator.identity, border=False)
        for column in range(1, 7):
            _put(sheet, row, column, values[column - 1] if column <= len(values) else "")
    for spans, column in ((level1_spans, 1), (level2_spans, 2)):
        for start, length in spans.items():
            if length > 1:
                first = header_row + 1 + start
                sheet.merge_cells(
                    start_row=first,
                    start_column=column,
                    end_row=first + length - 1,
                    end_column=column,
                )
    for column, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.column_dimensions["G"].hidden = True
    _print_setup(sheet, header_row)


def _row(sheet, row, cells):
    """Label and value cells across the six columns, a value merged over `span` columns."""
    column = 1
    for index, (text, span) in enumerate(cells):
        _put(sheet, row, column, text, bold=index % 2 == 0)
        for extra in range(1, span):
            _put(sheet, row, column + extra, "")
        if span > 1:
            sheet.merge_cells(
                start_row=row, start_column=column, end_row=row, end_column=column + span - 1
            )
        column += span


def _print_setup(sheet, header_row):
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if header_row:
        sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.oddFooter.center.text = "第 &P 页 / 共 &N 页"
