"""Excel (.xlsx) ↔ `Document`: each project's 预算项目绩效表 as sheet rows.

Reading takes each cell as Excel shows it: a number in its display format (0.25 formatted as a
percentage is `25%`, money to its shown decimals), a formula by its cached value, a code Excel
turned into a number as its digits, text that starts with `=` as that text. Merged cells are
empty where they continue; hidden rows and columns are read like the others, a hidden row with
a notice to check it (our own exports keep each row's identity in a hidden column, which is
read as that). Sheets without a table (instructions) are passed over with a notice; several
projects on one sheet, or one per sheet, read alike. The rows go to the one interpreter
(app/formats/tables.py), with places like `工作表“科普”第3行C列`. A workbook is measured before
openpyxl opens it: one that would make it build millions of cells is refused unread.
"""

import datetime
import io
import re
import zipfile
from decimal import Decimal

from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter, range_boundaries

from app.domain.document import MalformedDocument, Notice
from app.domain.formatting import chinese_ordinal
from app.domain.framework import squeeze
from app.formats.archive import entities, inflated, open_zip
from app.formats.narrative import paragraphs
from app.formats.office import HEADINGS, TABLES_MARK, build_document, indicator_table
from app.formats.tables import Row, split_projects, without_margin

MAX_CELLS = 200_000  # cells (and rows) a workbook may hold, counted before openpyxl reads it
MAX_ELEMENTS = 10 * MAX_CELLS  # XML elements of all its parts: bounds the time counting takes
MAX_AREA = 500_000  # rows × columns one sheet may span
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384  # how far a whole column (A:A) and row (1:1) reach
ROW_ID_HEADER = "jixiao-row"  # the hidden column our exports name each indicator's row in
_DECIMALS = re.compile(r"0\.(0*)(#*)")


def read(data):
    """An Excel file's bytes → its `Document`; MalformedDocument for a file that is not one."""
    _within_limits(open_zip(data))  # refuses bombs, broken archives and lies before parsing
    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, SyntaxError) as error:
        raise MalformedDocument(0, f"Excel 文件无法打开：{_reason(error)}") from None
    rows, notices, narrative, others = [], [], [], []
    for sheet in book.worksheets:
        name = f"工作表“{sheet.title}”"
        if sheet.sheet_state != "visible":
            notices.append(Notice(name, "是隐藏的工作表，未导入"))
            continue
        sheet_rows, hidden = _rows(sheet, name)
        if split_projects(sheet_rows, []):
            rows.append(sheet_rows)
            notices += hidden
        elif not narrative and _is_narrative(sheet_rows):
            narrative = [(row.place, row.cells[0]) for row in sheet_rows if row.cells]
            notices += hidden
        elif sheet.title != SUMMARY_SHEET and any(any(row.cells) for row in sheet_rows):
            notices.append(Notice(name, "中没有项目的绩效表，已跳过"))
            others.append(sheet_rows)
    # A workbook without a project: its sheets still say what it is (a 部门整体 table…).
    return build_document(narrative, rows or others, notices, "Excel 文件")


def _is_narrative(rows):
    """A sheet of the narrative: paragraphs down its first column, under the headings of
    部门总体绩效目标 and 保障措施."""
    firsts = " ".join(squeeze(row.cells[0]) for row in rows if row.cells)
    return "总体绩效目标" in firsts and "保障措施" in firsts


def _within_limits(archive):
    """Refuse, before openpyxl builds anything, a workbook that would make it build too much:
    every XML part is parsed as it inflates (in chunks, nothing kept) and what openpyxl makes an
    object of is counted: each cell and row, each cell of a merged or hyperlinked range (openpyxl
    fills those in one by one). A sheet that declares a range larger than any 绩效表
    (`A1:XFD1048576`) is refused too."""
    size = _Size()
    for part in archive.infolist():
        if not part.filename.endswith(".xml"):
            continue
        size.part = part.filename
        parser = etree.XMLParser(target=size, resolve_entities=False, no_network=True)
        try:
            for chunk in inflated(archive, part):
                parser.feed(chunk)
            parser.close()
        except etree.XMLSyntaxError:
            raise MalformedDocument(0, f"文件已损坏：其中的“{part.filename}”无法读取") from None


class _Size:
    """An lxml parser target counting what openpyxl would allocate, across the whole workbook."""

    def __init__(self):
        self.cells = self.elements = 0
        self.part = ""

    def start(self, tag, attributes):
        self.elements += 1
        name = tag.rpartition("}")[2]
        if name in ("c", "row"):
            self.cells += 1
        elif name in ("mergeCell", "hyperlink"):
            rows, columns = _extent(attributes.get("ref", ""))
            self.cells += rows * columns
        elif name == "dimension":
            rows, columns = _extent(attributes.get("ref", ""))
            if rows * columns > MAX_AREA:
                raise MalformedDocument(
                    0,
                    f"Excel 文件中的工作表声明了 {rows} 行 × {columns} 列，远超一张绩效表，已拒绝",
                )
        if self.cells > MAX_CELLS:
            raise MalformedDocument(
                0, f"Excel 文件中的单元格过多（超过 {MAX_CELLS} 个），远超一份绩效表，已拒绝"
            )
        if self.elements > MAX_ELEMENTS:
            raise MalformedDocument(
                0,
                f"Excel 文件的内容过多（超过 {MAX_ELEMENTS} 个 XML 元素），远超一份绩效表，已拒绝",
            )

    def doctype(self, *_):
        raise MalformedDocument(0, entities(self.part))  # past the head that archive looks at

    def close(self):
        return None


def _extent(reference):
    """(rows, columns) of a range like `A1:F20` (`$A$1`, a whole row or column too); (0, 0)
    for one openpyxl cannot read either."""
    try:
        min_column, min_row, max_column, max_row = range_boundaries(reference)
    except (ValueError, TypeError):
        return 0, 0
    rows = (max_row or EXCEL_ROWS) - (min_row or 1) + 1
    columns = (max_column or EXCEL_COLUMNS) - (min_column or 1) + 1
    return max(rows, 0), max(columns, 0)


def _reason(error):
    text = str(error)
    if "forbidden" in text.lower() or "entit" in text.lower():
        return "文件中含有不允许的 XML 实体（可能是恶意构造的文件）"
    return text[:100]


def _rows(sheet, name):
    """A sheet's rows as the interpreter reads them, merged cells empty where they continue; and
    a notice for each hidden row among them. Hidden rows and columns are read like the others
    (what the sender hid is still in the file, and may be what they meant), except our own
    hidden column of row identities, which is read as each row's identity."""
    last_row, last_column = sheet.max_row, sheet.max_column
    if last_row * last_column > MAX_AREA:
        raise MalformedDocument(name, f"过大（{last_row}行×{last_column}列），不像是一张绩效表")
    continued, across = set(), set()
    for merged in sheet.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                if (row, column) != (merged.min_row, merged.min_col):
                    continued.add((row, column))
                    if row == merged.min_row:
                        across.add((row, column))
    hidden_columns = _hidden_columns(sheet, last_column)
    identity_column = _identity_column(sheet, last_row, hidden_columns)
    rows, hidden = [], []
    for cells in sheet.iter_rows(min_row=1, max_row=last_row, max_col=last_column):
        number = cells[0].row
        row = Row()
        for cell in cells:
            column = cell.column
            if column == identity_column:
                continue
            text = "" if (number, column) in continued else display(cell)
            row.cells.append(text)
            row.places.append(f"{name}第{number}行{get_column_letter(column)}列")
            # An empty hidden cell is not there for the eye: a label is paired with the value
            # shown after it, not with it (it still holds its column's place in a table).
            row.across.append((number, column) in across or (column in hidden_columns and not text))
        if identity_column:
            row.identity = display(sheet.cell(number, identity_column))
        if any(row.cells):
            rows.append(row)
            if sheet.row_dimensions[number].hidden and not row.identity:
                hidden.append(Notice(f"{name}第{number}行", "是隐藏行，已按普通行读取，请核对"))
    return without_margin(rows), hidden


def _hidden_columns(sheet, last_column):
    hidden = set()
    for dimension in sheet.column_dimensions.values():
        if dimension.hidden:  # one <col> may hide several columns: Excel groups them
            hidden.update(range(dimension.min or 1, min(dimension.max or 0, last_column) + 1))
    return hidden


def _identity_column(sheet, last_row, hidden_columns):
    """The column our exports name each row's indicator in, or None: hidden as exported, or
    shown again by someone who unhid it (its header word is ours alone)."""
    shown = (c for c in range(1, sheet.max_column + 1) if c not in hidden_columns)
    for column in [*sorted(hidden_columns), *shown]:
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
    lines = [document.title, HEADINGS[0]]
    lines += _lines(document.overall_goal)
    lines.append(HEADINGS[1])
    for number, summary in enumerate(document.summaries, 1):
        lines.append(f"（{chinese_ordinal(number)}）{summary.name}")
        lines += _lines(summary.markdown)
    lines.append(HEADINGS[2])
    lines += _lines(document.safeguards)
    lines += [TABLES_MARK, f"{document.department_code} {document.department_name}"]
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
    _put(sheet, 1, 1, TABLES_MARK, bold=True, border=False)
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
