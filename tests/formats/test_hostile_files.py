"""Hostile files are refused before a parser reads them, with a message, and nothing is kept.

Each file is made here, the way an attacker would: about the container, not its producer; or
about the structure inside it, where a number a reader believes would cost it minutes and
gigabytes. Those are refused, or read within bounds, in well under a second.
"""

import io
import re
import struct
import time
import zipfile

import openpyxl
import pytest

from app.domain.document import MalformedDocument
from app.formats import archive, detect, docx, text, xlsx
from app.formats.detect import read_file
from app.services.setup import DEMO_FILE

SECONDS = 3  # what the slowest refusal here may take; the defects took minutes, or all memory


def _rewritten(data, edit):
    """An archive with each part rewritten by `edit(name, data)`."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for item in source.infolist():
            copy.writestr(item.filename, edit(item.filename, source.read(item.filename)))
    return out.getvalue()


def _xlsx(edit=None):
    """A small real workbook, with one of its parts rewritten by `edit(name, data)`."""
    book = openpyxl.Workbook()
    book.active["A1"] = "项目名称"
    plain = io.BytesIO()
    book.save(plain)
    return _rewritten(plain.getvalue(), edit) if edit else plain.getvalue()


def _docx(edit=None):
    """The seed exported to Word, its document.xml rewritten by `edit(xml)`."""
    plain = docx.write(text.read(DEMO_FILE.read_bytes()))
    if edit is None:
        return plain
    return _rewritten(plain, lambda name, data: edit(data) if name == "word/document.xml" else data)


def _bomb():
    """A workbook whose sheet inflates 900-fold: 8 MB of spaces in some kilobytes."""
    return _xlsx(lambda name, data: data + b" " * (8 * 1024 * 1024) if "sheet1" in name else data)


def _lying_sizes():
    """A workbook whose sheet declares 100 bytes and inflates to 2 MB."""
    data = bytearray(_xlsx(lambda name, d: d + b" " * (2 * 1024 * 1024) if "sheet1" in name else d))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_length = struct.unpack_from("<H", data, start + (26 if offset == 22 else 28))[0]
            name_at = start + (30 if offset == 22 else 46)
            if b"sheet1" in data[name_at : name_at + name_length]:
                struct.pack_into("<I", data, start + offset, 100)
            start += 4
    return bytes(data)


LAUGHS = b"""<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>"""


def _laughs():
    """A workbook whose sheet declares nested entities and names the last in a cell."""

    def edit(name, data):
        if "sheet1" in name:
            return LAUGHS + data.replace("项目名称".encode(), b"&lol3;")
        return data

    return _xlsx(edit)


def _lying_dimension():
    def edit(name, data):
        if "sheet1" in name:
            return data.replace(b'<dimension ref="A1:A1"/>', b'<dimension ref="A1:XFD1048576"/>')
        return data

    return _xlsx(edit)


HOSTILE = [
    ("zip bomb", lambda: (_bomb(), "绩效.xlsx"), "解压后"),
    ("sizes that lie", lambda: (_lying_sizes(), "绩效.xlsx"), "解压后|已损坏"),
    ("billion laughs", lambda: (_laughs(), "绩效.xlsx"), "XML 实体"),
    ("lying dimension", lambda: (_lying_dimension(), "绩效.xlsx"), "1048576 行"),
    ("text called .docx", lambda: (DEMO_FILE.read_bytes(), "绩效.docx"), "内容是文本文件"),
    ("workbook called .docx", lambda: (_xlsx(), "绩效.docx"), "内容是Excel 工作簿"),
    ("broken archive", lambda: (b"PK\x03\x04" + bytes(200), "绩效.xlsx"), "文件已损坏"),
    ("over the size limit", lambda: (b"x" * (archive.MAX_FILE + 1), "绩效.txt"), "文件过大"),
]


@pytest.mark.parametrize("make,words", [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_a_hostile_file_is_refused_with_a_message(make, words):
    data, name = make()
    with pytest.raises(MalformedDocument) as refused:
        read_file(data, name)
    assert re.search(words, str(refused.value))


def test_the_bomb_is_small_and_would_inflate_five_hundred_fold():
    data = _bomb()
    with zipfile.ZipFile(io.BytesIO(data)) as bomb:
        sheet = bomb.getinfo("xl/worksheets/sheet1.xml")
        assert sheet.file_size > 500 * sheet.compress_size and len(data) < 100_000


def _fields(document):
    return [
        (
            p.code,
            p.name,
            p.budget,
            p.plan_quarters,
            [(i.name, i.target, i.basis) for i in p.indicators],
        )
        for p in document.projects
    ]


WORD = [
    # The first gridSpan is 项目编码's value: spanning the rest of the row, it reads the same.
    ("gridSpan of a hundred million", b'<w:gridSpan w:val="2"/>', b'<w:gridSpan w:val="100000000"/>', None),
    ("gridBefore of a hundred million", b"<w:cantSplit/>", b'<w:gridBefore w:val="100000000"/><w:cantSplit/>', ""),
    ("gridSpan not a number", b'<w:gridSpan w:val="2"/>', b'<w:gridSpan w:val="two"/>', "结构有误"),
    ("gridBefore not a number", b"<w:cantSplit/>", b'<w:gridBefore w:val="1e9"/><w:cantSplit/>', "结构有误"),
    ("a row of a hundred cells", b"</w:tr>", b"<w:tc><w:p/></w:tc>" * 100 + b"</w:tr>", "超过 64 列"),
]  # fmt: skip


@pytest.mark.parametrize("old,new,words", [w[1:] for w in WORD], ids=[w[0] for w in WORD])
def test_a_hostile_word_table_is_read_within_its_grid_or_refused(old, new, words):
    """None: read as the file without the edit; "": read, whatever it reads; else refused."""
    data = _docx(lambda xml: xml.replace(old, new, 1))
    started = time.perf_counter()
    if words:
        with pytest.raises(MalformedDocument, match=words):
            read_file(data, "绩效.docx")
    else:
        document = read_file(data, "绩效.docx")
        if words is None:
            assert _fields(document) == _fields(read_file(_docx(), "绩效.docx"))
    assert time.perf_counter() - started < SECONDS


def _sheet(edit):
    return lambda name, data: edit(data) if name == "xl/worksheets/sheet1.xml" else data


def _many_cells(data):
    """A sheet of MAX_CELLS + 1 cells in a few hundred kilobytes: `<c/>` is a cell to openpyxl."""
    row = b"<row>" + b"<c/>" * 250 + b"</row>"
    return data.replace(b"</sheetData>", row * (xlsx.MAX_CELLS // 250 + 1) + b"</sheetData>")


def _after_cells(xml):
    return lambda data: data.replace(b"</sheetData>", b"</sheetData>" + xml)


EXCEL = [
    ("a cell too many", _many_cells, "单元格过多"),
    # openpyxl fills every cell of a merged range, and of a hyperlinked one: 17 billion.
    ("a merge over the whole sheet", _after_cells(b'<mergeCells count="1"><mergeCell ref="$A$1:$XFD$1048576"/></mergeCells>'), "单元格过多"),
    ("a hyperlink over the whole sheet", _after_cells(b'<hyperlinks><hyperlink ref="A1:XFD1048576" location="A1"/></hyperlinks>'), "单元格过多"),
    # One far cell is one cell to openpyxl; the sheet it would span is refused before it is read.
    ("one cell at XFD1048576", lambda data: data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'), "过大"),
    ("a sheet that is not XML", lambda data: data.replace(b"</sheetData>", b"<c></sheetData>"), "文件已损坏"),
    ("entities declared past the first kilobytes", lambda data: b"<!--" + b" " * 8192 + b"-->" + LAUGHS + data, "XML 实体"),
]  # fmt: skip


@pytest.mark.parametrize("edit,words", [e[1:] for e in EXCEL], ids=[e[0] for e in EXCEL])
def test_a_workbook_is_measured_before_openpyxl_reads_it(edit, words):
    data = _xlsx(_sheet(edit))
    started = time.perf_counter()
    with pytest.raises(MalformedDocument, match=words):
        read_file(data, "绩效.xlsx")
    assert time.perf_counter() - started < SECONDS


@pytest.mark.parametrize("name", ["绩效.docx", "绩效.xlsx", "绩效.txt"])
def test_an_old_office_file_named_as_a_new_one_is_refused_before_conversion(monkeypatch, name):
    def converter():
        raise AssertionError("a renamed file must not reach LibreOffice")

    monkeypatch.setattr(detect, "converter", converter)
    with pytest.raises(MalformedDocument, match=f"文件名“{name}”表明是.*但内容是旧版 Office 文件"):
        read_file(archive.OLE2 + bytes(1024), name)


@pytest.mark.parametrize("name", ["绩效.doc", "绩效.XLS", "绩效.wps", "绩效.et", "绩效", ""])
def test_an_old_office_file_named_as_one_goes_to_conversion(monkeypatch, name):
    asked = []
    monkeypatch.setattr(detect, "converter", lambda: asked.append(name))  # None: not installed
    with pytest.raises(MalformedDocument, match="另存为"):
        read_file(archive.OLE2 + bytes(1024), name)
    assert asked == [name]
