"""Which reader a file needs, decided by its content, not by its name.

A zip archive with `word/document.xml` is Word, one with `xl/workbook.xml` is Excel, anything
else that is not an archive is the seed's text layout. A name that says otherwise (an Excel
workbook called .docx, a text file called .xlsx, an old .doc called .docx) is refused before
anything reads or converts it: such a file is not what its sender thinks. The legacy binary
formats (.doc, .xls, .wps, .et, or no suffix) are converted with LibreOffice when it is on the
machine, and refused with what to do when it is not.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from app.domain.document import MalformedDocument, Notice
from app.formats import archive, docx, text, xlsx

READERS = {"docx": docx.read, "xlsx": xlsx.read, "text": text.read}
NAMES = {
    "docx": "Word 文档（.docx）",
    "xlsx": "Excel 工作簿（.xlsx）",
    "text": "文本文件",
    "ole": "旧版 Office 文件",
}
# What an extension promises.
EXTENSIONS = {
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".txt": "text",
    ".doc": "ole",
    ".xls": "ole",
    ".wps": "ole",
    ".et": "ole",
}
LEGACY_TARGET = {".doc": "docx", ".wps": "docx", ".xls": "xlsx", ".et": "xlsx"}
CONVERT_SECONDS = 60


def read_file(data, filename=""):
    """The `Document` of a file's bytes, whatever its format; MalformedDocument saying why not."""
    archive.check_size(data)
    suffix = Path(filename).suffix.lower()
    kind = archive.kind(data)
    promised = EXTENSIONS.get(suffix)
    if kind == "zip":
        raise MalformedDocument(
            0,
            "这个压缩格式的文件不是 .docx 或 .xlsx（可能是 WPS 或 OpenOffice 格式），请另存为 .docx 或 .xlsx 后再导入",
        )
    if promised and promised != kind:  # before converting: LibreOffice is no judge of names
        raise MalformedDocument(
            0,
            f"文件名“{filename}”表明是{NAMES[promised]}，但内容是{NAMES[kind]}：文件可能改过名字，请核对后再导入",
        )
    if kind == "ole":
        return _legacy(data, suffix)
    return READERS[kind](data)


def converter():
    """LibreOffice's command on this machine, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _legacy(data, suffix):
    """A .doc/.xls/.wps/.et file converted by LibreOffice, or refused with what to do."""
    target = LEGACY_TARGET.get(suffix, "docx")
    command = converter()
    if command is None:
        raise MalformedDocument(
            0,
            "这是旧版 Word/Excel/WPS 文件（.doc、.xls、.wps、.et），请在 Word、WPS 或 Excel 中"
            "“另存为” .docx 或 .xlsx 后再导入",
        )
    with tempfile.TemporaryDirectory(prefix="jixiao-convert-") as folder:
        source = Path(folder) / f"upload{suffix or '.doc'}"
        source.write_bytes(data)
        try:
            subprocess.run(
                [command, "--headless", "--convert-to", target, "--outdir", folder, str(source)],
                check=True,
                capture_output=True,
                timeout=CONVERT_SECONDS,
                env={**os.environ, "HOME": folder},
            )
            converted = (Path(folder) / f"upload.{target}").read_bytes()
        except (subprocess.SubprocessError, OSError):
            raise MalformedDocument(
                0,
                "旧版文件无法自动转换，请在 Word、WPS 或 Excel 中“另存为” .docx 或 .xlsx 后再导入",
            ) from None
    document = READERS[target](converted)
    document.notices.insert(
        0, Notice(0, f"这是旧版文件，已用 LibreOffice 自动转换为 .{target} 后导入，请核对结果")
    )
    return document
