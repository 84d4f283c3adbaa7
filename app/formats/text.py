"""Reads the seed's text layout (DESIGN.md §4) into a `Document`.

The layout is a Word document pasted to text: the narrative, a line `预算项目绩效表`, a line
`CODE NAME` for the department, then the tables. In the tables every cell is a line that starts
with a TAB and a row ends with an empty line; a line holding only a TAB is a merged
(continued) cell and U+3000 is a blank cell. Rows are recognised by their label words, never by
position, so other departments' and other years' files read too. Anything that cannot be read
raises `MalformedDocument` naming the line; the caller has written nothing by then.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from app.domain.document import (
    Document,
    IndicatorData,
    MalformedDocument,
    Notice,
    ProjectData,
    SlotData,
)
from app.domain.framework import squeeze
from app.domain.numbers import NumberError, read_amount, read_percent
from app.formats.narrative import read_narrative

TABLES_MARK = "预算项目绩效表"

# Label cells of the rows above the indicator table, by the field they fill.
FIELD_LABELS = {
    "项目编码": "code",
    "项目名称": "name",
    "项目资金主要用途": "funds_use",
    "绩效目标": "goal",
    "年度绩效目标": "goal",
    "预算数": "budget",
    "年度预算数": "budget",
    "项目总金额": "budget",
    "财政资金": "fiscal_funds",
    "财政拨款": "fiscal_funds",
    "其他资金": "other_funds",
}
MONEY_FIELDS = ("budget", "fiscal_funds", "other_funds")
PLAN_LABEL = "资金支出计划"
QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")

# Header words of the indicator table, by the column they name.
HEADER_WORDS = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "绩效指标描述": "description",
    "指标描述": "description",
    "指标值": "target",
    "指标目标值": "target",
    "目标值": "target",
    "指标值确定依据": "basis",
    "指标值设定依据": "basis",
    "确定依据": "basis",
}
REQUIRED_COLUMNS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "target": "指标值",
}

_DEPARTMENT = re.compile(r"^([0-9A-Za-z]+)\s+(\S.*)$")
# An amount in prose, with whatever a mistyped number carries (1e309万元, 1.2.3万元): read, or
# refused with its line, never skipped as if the prose named no amount.
_AMOUNT = r"([0-9][0-9.,eE+\-]*\s*(?:万元|元))"


@dataclass
class Row:
    """A table row: its cells' text (stripped; '' for a continued or blank cell) and lines."""

    cells: list = field(default_factory=list)
    lines: list = field(default_factory=list)

    @property
    def line(self):
        return self.lines[0]

    @property
    def label(self):
        return squeeze(self.cells[0])


# A Word or Excel file is a zip archive; an old .doc/.xls is an OLE2 compound file.
OFFICE_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def decode(data):
    """A file's bytes as text: UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030.

    Notepad on a Chinese Windows saves "ANSI" as GBK, a subset of GB18030, and "Unicode" as
    UTF-16 with a BOM; both are common in offices. UTF-8 is tried first: GBK text is almost
    never valid UTF-8, so the order does not misread one as the other.
    """
    if data.startswith(OFFICE_SIGNATURES):
        raise MalformedDocument(1, "这是 Word 或 Excel 文件，请先另存为文本文件（.txt）再导入")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise MalformedDocument(_line_of(data, error.start), "文件的 UTF-16 编码有误") from None
    if b"\x00" in data:
        raise MalformedDocument(_line_of(data, data.index(b"\x00")), "文件不是文本文件")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise MalformedDocument(
            _line_of(data, utf8_error.start),
            "文件既不是 UTF-8 也不是 GBK 编码的文本，请另存为 UTF-8 后再导入",
        ) from None


def _line_of(data, offset):
    return data[:offset].count(b"\n") + 1


def read(data):
    """A document file's bytes in the seed's text layout → its `Document`."""
    return read_text(decode(data))


def read_text(text):
    """Parse a whole document in the seed's text layout."""
    lines = text.lstrip("\ufeff").splitlines()
    mark = next((i for i, line in enumerate(lines) if squeeze(line) == TABLES_MARK), None)
    if mark is None:
        raise MalformedDocument(
            len(lines), f"找不到“{TABLES_MARK}”这一行：文件应先是叙述部分，再是绩效表"
        )
    narrative = read_narrative([(i + 1, line) for i, line in enumerate(lines[:mark])])

    dept_index = next((i for i in range(mark + 1, len(lines)) if lines[i].strip()), None)
    dept_line = lines[dept_index] if dept_index is not None else ""
    department = _DEPARTMENT.match(dept_line.strip())
    if department is None or dept_line.startswith("\t"):
        number = dept_index + 1 if dept_index is not None else len(lines)
        raise MalformedDocument(
            number, f"“{TABLES_MARK}”之后应为“部门编码 部门名称”（如 405002 唐山市科学技术协会）"
        )

    notices = list(narrative.notices)
    rows = _rows(lines, dept_index + 1)
    projects = _projects(rows, notices)
    if not projects:
        raise MalformedDocument(dept_index + 1, "绩效表中找不到任何项目（以“项目编码”开头的行）")
    return Document(
        department_code=department.group(1),
        department_name=department.group(2).strip(),
        title=narrative.title,
        overall_goal=narrative.overall_goal,
        safeguards=narrative.safeguards,
        summaries=narrative.summaries,
        projects=projects,
        notices=notices,
    )


def _rows(lines, start):
    """Group the table lines into rows; a non-TAB line inside a row continues the cell above."""
    rows, row = [], None
    for index in range(start, len(lines)):
        line, number = lines[index], index + 1
        if not line.strip() and not line.startswith("\t"):
            row = None
        elif line.startswith("\t"):
            if row is None:
                row = Row()
                rows.append(row)
            row.cells.append(line[1:].strip())
            row.lines.append(number)
        elif row is not None:
            # A cell whose text had line breaks in Word.
            row.cells[-1] = (row.cells[-1] + "\n" + line.strip()).strip()
        else:
            raise MalformedDocument(
                number, f"绩效表中的单元格应以制表符开头，这一行不是：“{line.strip()[:30]}”"
            )
    return rows


def _projects(rows, notices):
    projects = []
    index = 0
    while index < len(rows):
        row = rows[index]
        if row.label != "项目编码":
            raise MalformedDocument(
                row.line, f"这里应是以“项目编码”开头的行，实际为“{row.cells[0][:30]}”"
            )
        end = next(
            (i for i in range(index + 1, len(rows)) if rows[i].label == "项目编码"), len(rows)
        )
        projects.append(_project(rows[index:end], notices))
        index = end
    return projects


def _project(rows, notices):
    project = ProjectData(code="", name="", line=rows[0].line)
    explicit_money = set()
    index = 0
    while index < len(rows):
        row = rows[index]
        label = row.label
        if label in HEADER_WORDS and HEADER_WORDS[label] == "level1":
            _indicators(project, row, rows[index + 1 :], notices)
            break
        if label.startswith(PLAN_LABEL):
            values = rows[index + 1] if index + 1 < len(rows) else None
            project.plan_quarters = _quarters(row, values)
            index += 2
            continue
        for position in range(0, len(row.cells), 2):
            _label_value(project, row, position, explicit_money, notices)
        index += 1
    else:
        raise MalformedDocument(
            rows[-1].lines[-1],
            f"项目“{project.name or project.code}”缺少指标表头（一级指标、二级指标、三级指标……）",
        )
    _money_from_prose(project, explicit_money)
    return project


def _label_value(project, row, position, explicit_money, notices):
    label = squeeze(row.cells[position])
    value = row.cells[position + 1] if position + 1 < len(row.cells) else ""
    line = row.lines[position]
    name = FIELD_LABELS.get(label)
    if name is None:
        if label or value:
            notices.append(Notice(line, f"未识别的栏目“{row.cells[position][:20]}”，已忽略"))
        return
    if name in MONEY_FIELDS:
        setattr(
            project,
            name,
            _money_cell(value, label, row.lines[min(position + 1, len(row.lines) - 1)]),
        )
        explicit_money.add(name)
    else:
        setattr(project, name, value)
        project.lines[name] = row.lines[min(position + 1, len(row.lines) - 1)]


def _money_cell(value, label, line):
    try:
        return read_amount(value)
    except NumberError as error:
        raise MalformedDocument(line, f"{label}{error}") from None


def _quarters(header, values):
    """The cumulative spending plan: four percentages under 第一季度…第四季度."""
    names = [squeeze(cell) for cell in header.cells[1:]]
    if names != list(QUARTERS):
        raise MalformedDocument(
            header.line, "资金支出计划行应依次为第一季度、第二季度、第三季度、第四季度"
        )
    if values is None or len(values.cells) != len(header.cells) or values.cells[0]:
        line = values.line if values else header.lines[-1]
        raise MalformedDocument(line, "资金支出计划的下一行应为四个季度的累计进度（首格为空）")
    quarters = []
    for quarter, cell, line in zip(QUARTERS, values.cells[1:], values.lines[1:], strict=True):
        try:
            quarters.append(read_percent(cell))
        except NumberError as error:
            raise MalformedDocument(line, f"{quarter}的累计进度{error}") from None
    return quarters


def _indicators(project, header, rows, notices):
    """The indicator rows under the header; empty 一级/二级 cells continue the cell above."""
    columns = {}
    for position, word in enumerate(header.cells):
        key = HEADER_WORDS.get(squeeze(word))
        if key is None:
            notices.append(Notice(header.lines[position], f"未识别的表头“{word}”，该列已忽略"))
        elif key not in columns:
            columns[key] = position
    missing = [word for key, word in REQUIRED_COLUMNS.items() if key not in columns]
    if missing:
        raise MalformedDocument(header.line, "指标表头缺少：" + "、".join(missing))

    level1 = level2 = None
    for row in rows:
        if len(row.cells) != len(header.cells):
            raise MalformedDocument(
                row.line,
                f"指标行应有{len(header.cells)}个单元格（与表头一致），实际有{len(row.cells)}个",
            )
        cell = {key: row.cells[position] for key, position in columns.items()}
        if cell["level1"]:
            level1, level2 = cell["level1"], None
        elif level1 is None:
            raise MalformedDocument(row.line, "第一个指标行缺少一级指标")
        if cell["level2"]:
            level2 = cell["level2"]
        elif level2 is None:
            raise MalformedDocument(row.line, f"一级指标“{level1}”下的第一行缺少二级指标")
        if cell["level1"] or cell["level2"]:
            project.slots.append(SlotData(level1, level2, row.line))
        leaf = [cell.get(key, "") for key in ("name", "description", "target", "basis")]
        if any(leaf):
            project.indicators.append(IndicatorData(level1, level2, *leaf, line=row.line))


def _money_from_prose(project, explicit):
    """预算数 / 财政资金 / 其他资金 as 项目资金主要用途 states them, unless a row gave them."""
    text = unicodedata.normalize("NFKC", project.funds_use)
    found = {
        "budget": re.search(r"预算(?:数|资金|金额)?(?:为|共|合计)?:?\s*" + _AMOUNT, text),
        "fiscal_funds": re.search(r"财政(?:资金|拨款)(?:为)?:?\s*" + _AMOUNT, text),
        "other_funds": re.search(r"其他资金(?:为)?:?\s*" + _AMOUNT, text),
    }
    for name, match in found.items():
        if name not in explicit and match:
            try:
                setattr(project, name, read_amount(match.group(1)))
            except NumberError as error:
                raise MalformedDocument(
                    project.lines.get("funds_use", project.line),
                    f"项目资金主要用途中的“{match.group(0)}”：{error}",
                ) from None
    all_fiscal = re.search(r"(全部|均|全额)为?财政(资金|拨款)", text)
    if all_fiscal and project.budget is not None:
        if project.fiscal_funds is None and "fiscal_funds" not in explicit:
            project.fiscal_funds = project.budget
        if project.other_funds is None and "other_funds" not in explicit:
            project.other_funds = Decimal("0")
