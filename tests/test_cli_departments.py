"""The administrator's commands for departments and plans created by mistake: list-departments,
department CODE [--code] [--name], delete-plan, restore-plan; `check --all` skips a deleted plan."""

from app.models import Department, Plan
from tests.conftest import database_snapshot


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_a_department_is_corrected_and_its_history_shown(app, seeded):
    result = _run(app, "department", "405002", "--code", "405099", "--name", "唐山市科协")
    assert result.exit_code == 0, result.output
    assert "已修改部门编码：405002 → 405099" in result.output
    assert "已修改部门名称：唐山市科学技术协会 → 唐山市科协" in result.output
    shown = _run(app, "department", "405099")
    assert shown.output.startswith("405099\t唐山市科协\n")
    assert "（命令行） 部门编码：405002 → 405099" in shown.output
    listed = _run(app, "list-departments").output
    assert "405099\t唐山市科协\t计划 1 个\t用户 1 个" in listed


def test_a_code_taken_is_refused_and_nothing_changes(app, seeded):
    with app.app_context():
        before = database_snapshot()
    result = _run(app, "department", "405002", "--code", "406001")
    assert result.exit_code == 1
    assert "未修改：部门编码 406001 已被“某市档案馆”使用，未作修改" in result.output
    with app.app_context():
        assert database_snapshot() == before
    assert _run(app, "department", "999999").exit_code == 1


def test_a_plan_is_deleted_left_out_of_check_all_and_restored(app, seeded):
    with app.app_context():
        Plan.create(department=Department.get(Department.code == "406001"), year=2021)
    assert "唐山市科学技术协会 2021年" in _run(app, "check", "--all").output
    refused = _run(app, "delete-plan", "405002", "2021", "--reason", " ")
    assert refused.exit_code == 1 and "请写明删除的原因" in refused.output

    deleted = _run(app, "delete-plan", "405002", "2021", "--reason", "重复建立")
    assert deleted.exit_code == 0, deleted.output
    assert "已删除唐山市科学技术协会2021年的绩效目标" in deleted.output
    checked = _run(app, "check", "--all").output
    assert "唐山市科学技术协会" not in checked and "某市档案馆 2021年" in checked
    assert _run(app, "check", "--department", "405002", "--year", "2021").exit_code == 1
    assert _run(app, "export", "--department", "405002", "--year", "2021", "-o", "x").exit_code == 1
    assert "（另有已删除的 1 个）" in _run(app, "list-departments").output

    restored = _run(app, "restore-plan", "405002", "2021")
    assert restored.exit_code == 0 and "已恢复唐山市科学技术协会2021年的绩效目标" in restored.output
    assert "唐山市科学技术协会 2021年" in _run(app, "check", "--all").output
    assert _run(app, "restore-plan", "405002", "2021").exit_code == 1  # not deleted now


def test_an_import_that_renames_the_department_is_in_its_history(app, seeded, tmp_path, seed_text):
    renamed = tmp_path / "renamed.txt"
    renamed.write_text(seed_text.replace("唐山市科学技术协会", "唐山市科协"), encoding="utf-8")
    assert _run(app, "import", str(renamed)).exit_code == 0
    shown = _run(app, "department", "405002").output
    assert "导入 renamed.txt 部门名称：唐山市科学技术协会 → 唐山市科协" in shown


def test_last_years_file_under_the_former_code_goes_into_the_corrected_department(
    app, seeded, tmp_path, seed_text
):
    assert _run(app, "department", "405002", "--code", "405099").exit_code == 0
    old_file = tmp_path / "2021.txt"
    old_file.write_text(seed_text, encoding="utf-8")  # says 405002
    result = _run(app, "import", str(old_file))
    assert result.exit_code == 0, result.output
    assert "提示：文件中的部门编码 405002 已更正为 405099，导入到 405099" in result.output
    with app.app_context():
        assert [d.code for d in Department.select().order_by(Department.code)] == [
            "405099",
            "406001",
        ]
        assert Plan.select().count() == 1  # the same plan, updated in place
