"""Hostile files are refused before a parser reads them, with a message, and nothing is kept.

Each file is made here, the way an attacker would: about the container, not its producer.
"""

import io
import re
import struct
import zipfile

import openpyxl
import pytest

from app.domain.document import MalformedDocument
from app.formats import archive
from app.formats.detect import read_file
from app.services.setup import DEMO_FILE


def _xlsx(edit=None):
    """A small real workbook, with one of its parts rewritten by `edit(name, data)`."""
    book = openpyxl.Workbook()
    book.active["A1"] = "项目名称"
    plain = io.BytesIO()
    book.save(plain)
    if edit is None:
        return plain.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            copy.writestr(item.filename, edit(item.filename, source.read(item.filename)))
    return out.getvalue()


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
