"""Reads the seed's text layout (DESIGN.md §4) into a `Document`.

The layout is a Word document pasted to text: the narrative, a line `预算项目绩效表`, a line
`CODE NAME` for the department, then the tables. In the tables every cell is a line that starts
with a TAB and a row ends with an empty line; a line holding only a TAB is a merged
(continued) cell and U+3000 is a blank cell. The rows go to the one interpreter of tables
(app/formats/tables.py), which recognises them by their words, never by position, so other
departments' and other years' files read too. Anything that cannot be read raises
`MalformedDocument` naming the line; the caller has written nothing by then.
"""

import re

from app.domain.document import Document, MalformedDocument
from app.domain.framework import squeeze
from app.formats.archive import OLE2, ZIP
from app.formats.narrative import read_narrative
from app.formats.office import TABLES_MARK
from app.formats.tables import Row, read_project

_DEPARTMENT = re.compile(r"^([0-9A-Za-z]+)\s+(\S.*)$")


def decode(data):
    """A file's bytes as text: UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030.

    Notepad on a Chinese Windows saves "ANSI" as GBK, a subset of GB18030, and "Unicode" as
    UTF-16 with a BOM; both are common in offices. UTF-8 is tried first: GBK text is almost
    never valid UTF-8, so the order does not misread one as the other.
    """
    if data.startswith((ZIP, OLE2)):  # a Word or Excel file, or an old .doc/.xls
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
            row.places.append(number)
        elif row is not None:
            # A cell whose text had line breaks in Word.
            row.cells[-1] = (row.cells[-1] + "\n" + line.strip()).strip()
        else:
            raise MalformedDocument(
                number, f"绩效表中的单元格应以制表符开头，这一行不是：“{line.strip()[:30]}”"
            )
    return rows


def _projects(rows, notices):
    """The text layout's projects, each opened by its 项目编码 row, strictly."""
    projects = []
    index = 0
    while index < len(rows):
        row = rows[index]
        if row.label != "项目编码":
            raise MalformedDocument(
                row.place, f"这里应是以“项目编码”开头的行，实际为“{row.cells[0][:30]}”"
            )
        end = next(
            (i for i in range(index + 1, len(rows)) if rows[i].label == "项目编码"), len(rows)
        )
        projects.append(read_project(rows[index:end], notices))
        index = end
    return projects
