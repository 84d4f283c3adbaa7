"""Word (.docx) ↔ `Document`: the narrative as paragraphs, each project's table as a Word table.

Reading takes the file as Word shows it once its tracked changes are accepted: inserted text
in, deleted text out; a content control still showing its placeholder is empty; the numbers of
Word's own list numbering (一、 （一） 1、), which are not in the text, are put back from the
numbering definitions; a vertically merged cell (`vMerge`) is empty below its first row and a
cell spanning columns (`gridSpan`) counts once, and no span reaches past the table's grid (a
hostile `gridSpan="100000000"` spans the row, not a hundred million cells); a structure Word
never writes (a span that is no number) is refused. Text that Word hides (`vanish`) is not
content: our own exports keep each row's identity there. The tables become rows for the one
interpreter (app/formats/tables.py), with places like `第2个表格第5行第3列`.
"""

import io

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell

from app.domain.document import MalformedDocument
from app.domain.formatting import chinese_ordinal, figure
from app.formats.archive import open_zip
from app.formats.narrative import paragraphs
from app.formats.office import HEADINGS, TABLES_MARK, build_document, indicator_table
from app.formats.tables import Row

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SKIPPED = {W + "del", W + "moveFrom", W + "pPr", W + "rPr", W + "tblPr", W + "trPr", W + "tcPr"}
ROW_ID_MARK = "jixiao-row:"  # hidden text our exports put in a row, naming the indicator
MAX_COLUMNS = 64  # cells a table row may span, whatever its gridSpan and gridBefore say
MAX_CELLS = 200_000  # cells all the tables may hold: some thousands in a department's plan
STRUCTURE_ERROR = "Word 文件的结构有误，无法读取：请在 Word 中打开并另存为 .docx 后再导入"


def read(data):
    """A Word file's bytes → its `Document`; MalformedDocument for a file that is not one."""
    open_zip(data)  # refuses bombs and broken archives before the parser sees them
    try:
        word = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as error:
        raise MalformedDocument(0, f"Word 文件无法打开：{error}") from None
    try:
        paragraphs, rows = _content(word)
    except MalformedDocument:
        raise
    except (ValueError, IndexError, KeyError, OverflowError):
        # A number that is none (gridSpan="x", ilvl="-"), a reference to nothing: not from Word.
        raise MalformedDocument(0, STRUCTURE_ERROR) from None
    return build_document(paragraphs, [rows], [], "Word 文件")


def _content(word):
    """The paragraphs before the tables, as (place, text), and the rows of all the tables."""
    numbering = _Numbering(word)
    paragraphs, rows = [], []
    tables = cells = 0
    for block in _blocks(word.element.body):
        if block.tag == W + "p":
            text = numbering.prefix(block) + _text(block)[0]
            if not tables:
                # An indented paragraph is a list line under a label (the text layout's indent).
                text = " " + text if _indented(block) and text else text
                paragraphs.append((f"第{len(paragraphs) + 1}段", text))
            continue
        tables += 1
        for row in _rows(block, tables, numbering):
            cells += len(row.cells)
            if cells > MAX_CELLS:
                raise MalformedDocument(
                    0, f"Word 文件中表格的单元格过多（超过 {MAX_CELLS} 个），远超一份绩效表，已拒绝"
                )
            rows.append(row)
    return paragraphs, rows


def _indented(paragraph):
    indent = paragraph.find(f"{W}pPr/{W}ind")
    if indent is None:
        return False
    left = indent.get(W + "left") or indent.get(W + "start") or "0"
    return left.lstrip("-").isdigit() and int(left) > 0


def _blocks(body):
    """The paragraphs and tables of a body in order, those inside block content controls too."""
    for child in body.iterchildren():
        if child.tag in (W + "p", W + "tbl"):
            yield child
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _blocks(content)


def _text(element):
    """(visible text, hidden text) of an element, tracked changes accepted."""
    shown, hidden = [], []
    _walk(element, shown, hidden)
    return "".join(shown).strip(), "".join(hidden)


def _walk(element, shown, hidden):
    for child in element.iterchildren():
        tag = child.tag
        if tag in _SKIPPED:
            continue
        if tag == W + "sdt" and child.find(f"{W}sdtPr/{W}showingPlcHdr") is not None:
            continue  # a content control still showing its placeholder: nothing was typed
        if tag == W + "r":
            vanish = child.find(f"{W}rPr/{W}vanish")
            out = (
                hidden
                if vanish is not None and vanish.get(W + "val") not in ("0", "false")
                else shown
            )
            for part in child.iterchildren():
                if part.tag == W + "t":
                    out.append(part.text or "")
                elif part.tag == W + "tab":
                    out.append(" ")
                elif part.tag in (W + "br", W + "cr"):
                    out.append("\n")
            continue
        _walk(child, shown, hidden)


def _rows(table, number, numbering):
    """The rows of a Word table: merged cells empty where they continue; hidden row ids kept."""
    grid = len(table.findall(f"{W}tblGrid/{W}gridCol"))
    width = min(grid, MAX_COLUMNS) if grid else MAX_COLUMNS
    for row_number, tr in enumerate(table.iterchildren(W + "tr"), 1):
        row = Row()
        before = tr.find(f"{W}trPr/{W}gridBefore")
        for _ in range(_within(before, "0", width - 1)):
            _add(row, "", f"第{number}个表格第{row_number}行第{len(row.cells) + 1}列", False)
        for tc in _cells(tr):
            if len(row.cells) >= MAX_COLUMNS:
                raise MalformedDocument(
                    f"第{number}个表格第{row_number}行",
                    f"超过 {MAX_COLUMNS} 列，远超一张绩效表，已拒绝",
                )
            properties = tc.find(W + "tcPr")
            span, continued = 1, False
            if properties is not None:
                # A span never passes the table's grid: each cell still counts once.
                span = _within(properties.find(W + "gridSpan"), "1", width - len(row.cells))
                merge = properties.find(W + "vMerge")
                continued = merge is not None and merge.get(W + "val") in (None, "continue")
            lines = []
            for paragraph in tc.iterchildren(W + "p"):
                text, hidden = _text(paragraph)
                lines.append(numbering.prefix(paragraph) + text)
                if ROW_ID_MARK in hidden:
                    row.identity = hidden.split(ROW_ID_MARK, 1)[1].split()[0]
            text = "" if continued else "\n".join(line for line in lines if line).strip()
            for column in range(span):
                place = f"第{number}个表格第{row_number}行第{len(row.cells) + 1}列"
                _add(row, text if column == 0 else "", place, column > 0)
        if row.cells:
            yield row


def _within(element, default, most):
    """The number an element's w:val says (`default` without one), kept between `default` and
    `most`; ValueError when it is not a number."""
    value = int(element.get(W + "val", default)) if element is not None else int(default)
    return max(min(value, most), int(default))


def _cells(tr):
    for child in tr.iterchildren():
        if child.tag == W + "tc":
            yield child
        elif child.tag == W + "sdt":  # a cell wrapped in a content control
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from content.iterchildren(W + "tc")


def _add(row, text, place, across):
    row.cells.append(text)
    row.places.append(place)
    row.across.append(across)


class _Numbering:
    """The numbers Word's list numbering shows before a paragraph (一、 （一） 1、), counted as Word
    counts them: per list, per level, a level restarting under the one above."""

    FORMATS = {
        "decimal": str,
        "chineseCounting": chinese_ordinal,
        "chineseCountingThousand": chinese_ordinal,
        "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
        "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if n <= 20 else str(n),
        "lowerLetter": lambda n: chr(ord("a") + (n - 1) % 26),
        "upperLetter": lambda n: chr(ord("A") + (n - 1) % 26),
    }

    def __init__(self, word):
        self.levels = {}  # (numId, level) → (format, text, start)
        self.counters = {}
        try:
            root = word.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for definition in root.iterchildren(W + "abstractNum"):
            levels = {}
            for level in definition.iterchildren(W + "lvl"):
                depth = int(level.get(W + "ilvl", "0"))
                if not 0 <= depth < 9:  # Word's nine levels: deeper is no list, only a long loop
                    continue
                fmt = level.find(W + "numFmt")
                text = level.find(W + "lvlText")
                start = level.find(W + "start")
                levels[depth] = (
                    fmt.get(W + "val") if fmt is not None else "decimal",
                    text.get(W + "val") if text is not None else "",
                    int(start.get(W + "val", "1")) if start is not None else 1,
                )
            abstract[definition.get(W + "abstractNumId")] = levels
        for num in root.iterchildren(W + "num"):
            reference = num.find(W + "abstractNumId")
            if reference is not None:
                for level, spec in abstract.get(reference.get(W + "val"), {}).items():
                    self.levels[(num.get(W + "numId"), level)] = spec

    def prefix(self, paragraph):
        """The number Word shows before a paragraph, or ''."""
        properties = paragraph.find(f"{W}pPr/{W}numPr")
        if properties is None:
            return ""
        num = properties.find(W + "numId")
        level = properties.find(W + "ilvl")
        num_id = num.get(W + "val") if num is not None else None
        depth = int(level.get(W + "val", "0")) if level is not None else 0
        spec = self.levels.get((num_id, depth))
        if not spec or num_id == "0":
            return ""
        counters = self.counters.setdefault(num_id, {})
        for deeper in [d for d in counters if d > depth]:
            del counters[deeper]
        counters[depth] = counters.get(depth, spec[2] - 1) + 1
        text = spec[1]
        for shown_level in range(depth + 1):
            value = counters.get(shown_level)
            shown_spec = self.levels.get((num_id, shown_level))
            if value is None or shown_spec is None:
                continue
            render = self.FORMATS.get(shown_spec[0], str)
            text = text.replace(f"%{shown_level + 1}", render(value))
        if spec[0] == "bullet":
            return ""
        return text


# Writing: the whole plan as the official document.

FONT = "宋体"  # SimSun: on every Chinese Windows, and named for the East Asian text
HEAD_ROWS = 7  # rows of a project's table above its indicator rows (the last is the header)


def write(document, year=None):
    """A `Document` → the bytes of a Word file laid out as the official document: the narrative
    with its headings and numbered 保障措施 on A4, then every project's 预算项目绩效表 on A4
    landscape, merged 一级/二级 cells, the header row repeated on every page, page numbers."""
    word = docx.Document()
    _base_style(word)
    _page(word.sections[0], landscape=False)
    _paragraph(word, document.title, bold=True, size=16, center=True)
    _narrative(word, document)
    tables = word.add_section(WD_SECTION.NEW_PAGE)
    _page(tables, landscape=True)
    _paragraph(word, TABLES_MARK, bold=True, size=16, center=True)
    _paragraph(word, f"{document.department_code} {document.department_name}")
    for number, project in enumerate(document.projects):
        if number:
            word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _project_table(word, project)
    for section in word.sections:
        _page_numbers(section)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _base_style(word):
    style = word.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(10.5)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT)


def _page(section, landscape):
    short, long_ = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_, short) if landscape else (short, long_)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))


def _paragraph(word, text, bold=False, size=None, center=False, indent=False):
    paragraph = word.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent:
        paragraph.paragraph_format.left_indent = Mm(7.4)
    return paragraph


def _narrative(word, document):
    _paragraph(word, HEADINGS[0], bold=True)
    _markdown(word, document.overall_goal)
    _paragraph(word, HEADINGS[1], bold=True)
    for number, summary in enumerate(document.summaries, 1):
        _paragraph(word, f"（{chinese_ordinal(number)}）{summary.name}", bold=True)
        _markdown(word, summary.markdown)
    _paragraph(word, HEADINGS[2], bold=True)
    _markdown(word, document.safeguards)


def _markdown(word, markdown):
    measure = 0
    for kind, text in paragraphs(markdown):
        if kind == "measure":
            measure += 1
            _paragraph(word, f"{measure}、{text}")
        else:
            _paragraph(word, text, indent=kind == "item")


def _project_table(word, project):
    quarters = [_figure(q) for q in project.plan_quarters]
    head = [
        [("项目编码", 1), (project.code, 2), ("项目名称", 1), (project.name, 2)],
        [("项目资金主要用途", 1), (project.funds_use, 5)],
        [("预算数（万元）", 1), (_figure(project.budget), 1), ("财政资金（万元）", 1),
         (_figure(project.fiscal_funds), 1), ("其他资金（万元）", 1), (_figure(project.other_funds), 1)],
        [("资金支出计划（累计进度%）", 1, "restart"), ("第一季度", 1), ("第二季度", 1), ("第三季度", 1),
         ("第四季度", 2)],
        [("", 1, "continue"), (quarters[0], 1), (quarters[1], 1), (quarters[2], 1), (quarters[3], 2)],
        [("绩效目标", 1), (project.goal, 5)],
    ]  # fmt: skip
    _table(word, head)
    rows, level1_spans, level2_spans = indicator_table(project)
    header = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")
    grid = [[(text, 1) for text in header]]
    identities = []
    for index, (level1, level2, indicator) in enumerate(rows):
        cells = [_merged(level1, index, level1_spans), _merged(level2, index, level2_spans)]
        leaf = (
            [indicator.name, indicator.description, indicator.target, indicator.basis]
            if indicator
            else [""] * 4
        )
        grid.append(cells + [(text, 1) for text in leaf])
        identities.append(indicator.identity if indicator else "")
    table = _table(word, grid, header_rows=1)
    for tr, identity in zip(table._tbl.tr_lst[1:], identities, strict=True):
        if identity:  # hidden: read back as the row's identity, never shown or printed
            paragraph = _Cell(tr.tc_lst[2], table).paragraphs[0]
            paragraph.add_run(f" {ROW_ID_MARK}{identity}").font.hidden = True


def _merged(text, index, spans):
    """A 一级/二级 cell: the first of its rows opens a vertical merge over them, the others
    continue it."""
    if index not in spans:
        return ("", 1, "continue")
    return (text, 1, "restart" if spans[index] > 1 else None)


def _table(word, grid, header_rows=0):
    """A six-column table from rows of (text, columns spanned[, vertical merge]) cells, built
    in the XML directly: python-docx's cell lookup is quadratic in a table's size."""
    table = word.add_table(rows=0, cols=6)
    table.style = "Table Grid"
    for number, row in enumerate(grid):
        tr = table._tbl.add_tr()
        if number < header_rows:
            _repeat_as_header(tr)
        tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for text, span, *merge in row:
            tc = tr.add_tc()
            if span > 1:
                tc.grid_span = span
            if merge and merge[0]:
                tc.vMerge = merge[0]
            if text:
                _Cell(tc, table).text = text
    return table


def _figure(value):
    return figure(value) if value is not None else ""


def _repeat_as_header(tr):
    tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _page_numbers(section):
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" 页 / 共 ")
    _field(paragraph, "NUMPAGES")
    paragraph.add_run(" 页")


def _field(paragraph, code):
    run = paragraph.add_run()
    for kind in ("begin", None, "end"):
        if kind is None:
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = f" {code} "
            run._r.append(instruction)
            continue
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)
