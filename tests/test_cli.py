"""The administrator's commands: init-db and import."""

from decimal import Decimal as D

import pytest

from app.domain.workflow import STATUSES
from app.models import Change, Indicator, Plan, Project
from app.services.setup import init_db
from tests.conftest import FIXTURES, database_snapshot


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_init_db_demo_loads_the_seed_once(app):
    first = _run(app, "init-db", "--demo")
    assert first.exit_code == 0
    assert "已载入示例数据" in first.output and "新增指标18条" in first.output
    second = _run(app, "init-db", "--demo")
    assert second.exit_code == 0 and "未载入示例数据" in second.output
    with app.app_context():
        assert (Plan.select().count(), Indicator.select().count()) == (1, 18)
        assert [(c.action, c.user) for c in Change.select()] == [("create", "示例数据")]


def test_import_a_file_and_report(app):
    result = _run(app, "import", str(FIXTURES / "danganguan_2023_synonyms.txt"))
    assert result.exit_code == 0, result.output
    assert "新建了406001 某市档案馆 2023年的绩效目标" in result.output
    assert "提示：第9行：分项绩效目标“已撤销的项目”在绩效表中找不到同名项目" in result.output


def test_import_with_a_year(app):
    result = _run(app, "import", str(FIXTURES / "danganguan_2023_synonyms.txt"), "--year", "2024")
    assert result.exit_code == 0
    with app.app_context():
        assert Plan.get().year == 2024


def test_a_malformed_file_is_refused_with_its_line_and_nothing_written(app, tmp_path, seed_text):
    with app.app_context():
        init_db(demo=True)
        before = [(p.id, p.name, p.budget) for p in Project.select().order_by(Project.id)]
    broken = tmp_path / "broken.txt"
    broken.write_text(
        seed_text.replace("\t40.00", "\t四十").replace("1044.94万元", "9万元"), encoding="utf-8"
    )
    result = _run(app, "import", str(broken))
    assert result.exit_code == 1
    assert "导入失败，数据库未作任何改动" in result.output
    assert "第151行：第二季度的累计进度应为数字（百分比），实际为“四十”" in result.output
    with app.app_context():
        assert [(p.id, p.name, p.budget) for p in Project.select().order_by(Project.id)] == before


def test_a_gbk_file_imports_like_the_utf8_one(app, tmp_path, seed_text):
    legacy = tmp_path / "gbk.txt"
    legacy.write_bytes(seed_text.encode("gbk"))
    result = _run(app, "import", str(legacy))
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert Project.get(Project.code == "405002B21DX0004").name == "唐山科技馆运营管理服务费"


def test_a_broken_word_file_is_refused_with_what_it_is(app, tmp_path):
    document = tmp_path / "绩效目标.docx"
    document.write_bytes(b"PK\x03\x04" + bytes(100))
    result = _run(app, "import", str(document))
    assert result.exit_code == 1
    assert "文件已损坏：不是有效的 Word 或 Excel 文件" in result.output
    with app.app_context():
        assert Plan.select().count() == 0


def test_a_reimport_names_its_file_in_the_history(app, tmp_path, seed_text):
    first, second = tmp_path / "2021.txt", tmp_path / "2021-修订.txt"
    first.write_text(seed_text, encoding="utf-8")
    second.write_text(seed_text.replace("\t26650.77平方米", "\t27000平方米"), encoding="utf-8")
    assert _run(app, "import", str(first)).exit_code == 0
    result = _run(app, "import", str(second))
    assert "改动的1处数值已记入修改记录" in result.output
    with app.app_context():
        change = Change.get(Change.action == "edit")
        assert (change.field, change.new, change.user) == (
            "target",
            "27000平方米",
            "导入 2021-修订.txt",
        )


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_an_import_never_changes_a_plan_in_review_or_approved(app, tmp_path, seed_text, status):
    with app.app_context():
        init_db(demo=True)
        Plan.update(status=status).execute()
        before = database_snapshot()
    changed = tmp_path / "changed.txt"
    changed.write_text(seed_text.replace("\t26650.77平方米", "\t27000平方米"), encoding="utf-8")
    refused = _run(app, "import", str(changed))
    assert refused.exit_code == 1
    assert STATUSES[status] in refused.output and "--force --reason" in refused.output
    assert _run(app, "import", str(changed), "--force").exit_code == 1  # a reason is needed
    with app.app_context():
        assert database_snapshot() == before
    forced = _run(app, "import", str(changed), "--force", "--reason", "财政局要求更正面积")
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        note = Change.get(Change.action == "force")
        assert note.new == "强制导入：财政局要求更正面积" and note.user == "导入 changed.txt"
        assert Indicator.get(Indicator.name == "房屋租赁平米数").target == "27000平方米"
        assert Plan.get().status == status


def test_an_unreadable_amount_is_refused_not_blanked(app, tmp_path, seed_text):
    with app.app_context():
        init_db(demo=True)
        before = database_snapshot()
    broken = tmp_path / "broken.txt"
    broken.write_text(seed_text.replace("预算数1044.94万元", "预算数1e309万元"), encoding="utf-8")
    result = _run(app, "import", str(broken))
    assert result.exit_code == 1
    assert "第48行：项目资金主要用途中的“预算数1e309万元”" in result.output
    with app.app_context():
        assert database_snapshot() == before
        assert Project.get(Project.code == "405002B19DX0002").budget == D("1044.94")
