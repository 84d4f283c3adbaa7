"""Command-line tasks under `flask --app wsgi …`: `init-db [--demo]` and `import FILE [--year]`.

Messages are for the office's administrator, so they are in Chinese; a refused import exits
with status 1 and says which line of the file is wrong.
"""

from pathlib import Path

import click

from app.db import migrate
from app.document import MalformedDocument
from app.importing import import_document
from app.models import Category, Plan
from app.text_reader import read_text

DEMO_FILE = Path(__file__).parent / "demo" / "tangshan_kexie_2021.txt"


def init_db(demo=False):
    """Migrate the schema, make the framework's categories exist, and load the demo when empty.

    Returns the import report of the demo, or None when it was not loaded.
    """
    migrate()
    Category.sync_framework()
    if demo and not Plan.select().exists():
        return import_document(read_text(DEMO_FILE.read_text(encoding="utf-8")))
    return None


def read_file(path):
    """A document file's text; a file that is not UTF-8 text is malformed, not a crash."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise MalformedDocument(
            line, "文件不是 UTF-8 编码的文本，请另存为 UTF-8 后再导入"
        ) from None


def register(app):
    @app.cli.command("init-db")
    @click.option(
        "--demo", is_flag=True, help="数据库为空时载入示例数据（唐山市科学技术协会 2021）"
    )
    def init_db_command(demo):
        """Create or upgrade the database schema."""
        report = init_db(demo)
        click.echo("数据库已就绪。")
        if report:
            click.echo("已载入示例数据：" + report.summary())
        elif demo:
            click.echo("数据库中已有数据，未载入示例数据。")

    @app.cli.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--year", type=int, help="预算年度；不指定时从文件推断")
    def import_command(path, year):
        """Import a document in the text layout of the seed."""
        init_db()
        try:
            report = import_document(read_text(read_file(path)), year=year)
        except MalformedDocument as error:
            click.echo(f"导入失败，数据库未作任何改动。{path}：{error}", err=True)
            raise SystemExit(1) from None
        click.echo(report.summary())
        for notice in report.notices:
            click.echo(f"  提示：{notice}")
