"""A Word or Excel file is a zip archive: it is looked at before any parser opens it.

Refused, with a message in Chinese and nothing read: a file over the size limit; an archive of
too many parts; a part whose declared size is too large, or which expands more than a document
ever does (a zip bomb: a few hundred kilobytes that would inflate to gigabytes); a part that
inflates past what it declared (the header lied); an XML part that declares entities (a billion
laughs). Every part is inflated once, in chunks, with a cap, so the checks themselves cost
little; and XML is parsed without entities besides (defusedxml for openpyxl; python-docx's
parser resolves none).
"""

import io
import zipfile

from app.domain.document import MalformedDocument

MAX_FILE = 20 * 1024 * 1024  # bytes of the file itself
MAX_PARTS = 5_000
MAX_PART = 100 * 1024 * 1024  # bytes one part may inflate to
MAX_TOTAL = 300 * 1024 * 1024  # bytes all parts may inflate to
MAX_RATIO = 200  # inflated ÷ compressed, for a part over a megabyte
_CHUNK = 1024 * 1024

ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy .doc/.xls/.wps/.et container


def check_size(data):
    """Refuse a file over the size limit."""
    if len(data) > MAX_FILE:
        raise MalformedDocument(
            0, f"文件过大（{len(data) // 1024 // 1024} MB），最多 {MAX_FILE // 1024 // 1024} MB"
        )


def open_zip(data):
    """The archive of a Word or Excel file, once it has passed every check; else
    MalformedDocument saying what is wrong with it."""
    check_size(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise MalformedDocument(0, "文件已损坏：不是有效的 Word 或 Excel 文件") from None
    if len(parts) > MAX_PARTS:
        raise MalformedDocument(
            0, f"文件内部的组成部分过多（{len(parts)}个），不像是 Word 或 Excel 文件"
        )
    total = 0
    for part in parts:
        if part.file_size > MAX_PART or (
            part.file_size > _CHUNK and part.file_size > MAX_RATIO * max(part.compress_size, 1)
        ):
            raise MalformedDocument(0, _bomb(part.filename, part.file_size))
        total += part.file_size
        if total > MAX_TOTAL:
            raise MalformedDocument(0, _bomb("全部内容", total))
    for part in parts:
        for _ in inflated(archive, part):
            pass  # inflating it is the check
    return archive


def inflated(archive, part):
    """A part's bytes in chunks as it inflates, refused as soon as it passes what it declared,
    and an XML part that declares entities (Office never writes a DTD; a billion laughs does)."""
    size = 0
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(_CHUNK):
                if not size and part.filename.endswith((".xml", ".rels")):
                    head = chunk[:4096]
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise MalformedDocument(0, entities(part.filename))
                size += len(chunk)
                if size > part.file_size:
                    raise MalformedDocument(0, _bomb(part.filename, size))
                yield chunk
    except MalformedDocument:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise MalformedDocument(0, f"文件已损坏：其中的“{part.filename}”无法读取") from None


def entities(name):
    """The refusal of a part that declares XML entities."""
    return f"文件中的“{name}”含有 XML 实体声明（可能是恶意构造的文件），已拒绝"


def _bomb(name, size):
    megabytes = size // 1024 // 1024
    return (
        f"文件中的“{name}”解压后有 {megabytes} MB 以上，远超正常的 Word 或 Excel 文件"
        "（可能是恶意构造的压缩包），已拒绝"
    )


def kind(data):
    """What a file is by its content: "docx", "xlsx", "ole" (legacy .doc/.xls/.wps/.et), "zip"
    (another archive: .odt, .ods…) or "text"."""
    if data.startswith(OLE2):
        return "ole"
    if not data.startswith(ZIP):
        return "text"
    names = set(open_zip(data).namelist())
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"
