"""Command-line tasks under `flask --app wsgi …`: the database, imports and accounts.

`init-db [--demo]`, `import FILE [--year] [--department CODE]`, `export --department CODE --year
YYYY --format docx|xlsx -o FILE`, `create-user NAME --role ROLE [--department CODE] [--full-name 姓名]
[--reviews CODE,CODE]` (a reviewer's 审核部门), `set-reviews NAME CODE,CODE | --none`,
`set-password NAME`, `list-users` (with each reviewer's 审核部门), `check --department CODE --year YYYY | --all [--format
text|json]` (the review rules), `targets [FILE] [--year]` (what each 指标值 says, as JSON), `backup [-o FILE] [--keep N]`,
`restore FILE` (app/services/backups.py), `demo-city [--departments 100 --projects 30] [--seed N]
[--force]` (a city of demo data: app/services/demo_city.py), `list-departments` (with each one's
主管部门), `department CODE [--code NEW] [--name NAME]` (show or correct one:
app/services/departments.py), `set-parent CODE PARENT | --none` (its 主管部门), `delete-plan CODE
YEAR --reason WHY` and `restore-plan CODE YEAR` (a plan created by mistake).
Messages are for the office's administrator, so they are in Chinese; a refused command exits
with status 1 and says why. Passwords are read from standard input, never from the command
line, where other users of the server could see them.
"""

import json
import sys
from pathlib import Path

import click
from flask import current_app

from app.domain import targets
from app.domain.document import MalformedDocument
from app.domain.permissions import ROLES, has_assigned_departments
from app.services import accounts, backups, checking, demo_city, departments, reviewers, scope
from app.services.errors import NotFound
from app.services.exporting import export
from app.services.importing import ImportRefused, import_file
from app.services.plans import (
    PlanRefused,
    delete_plan_as,
    deleted_plan_of,
    department_with_code,
    find_plan,
    restore_plan_as,
)
from app.services.setup import ensure_admin, init_db


def _read_password(confirm):
    """A password from standard input: asked for (hidden) on a terminal, else its first line."""
    if sys.stdin.isatty():
        return click.prompt("密码", hide_input=True, confirmation_prompt=confirm and "再输入一次")
    return sys.stdin.readline().rstrip("\r\n")


def register(app):
    """Add the commands to the app's `flask` command."""

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
        password = ensure_admin()
        if password:
            click.echo(f"已创建管理员账号 admin，初始密码：{password}")
            click.echo("（密码只显示这一次，未以明文保存；登录后请在“用户管理”中修改。）")

    @app.cli.command("demo-city")
    @click.option("--departments", type=click.IntRange(min=1), default=100, show_default=True)
    @click.option("--projects", type=click.IntRange(min=1), default=30, show_default=True)
    @click.option("--year", type=click.IntRange(2000, 2099), help="预算年度（默认今年）")
    @click.option("--seed", type=int, default=0, show_default=True, help="随机种子：相同即相同数据")
    @click.option("--force", is_flag=True, help="数据库中已有计划时仍然添加")
    def demo_city_command(departments, projects, year, seed, force):
        """Fill the database with a city of demo plans, users and history (demos, benchmarks)."""
        init_db()
        try:
            report = demo_city.build_city(departments, projects, seed, year, force)
        except demo_city.CityRefused as error:
            click.echo(str(error), err=True)
            raise SystemExit(1) from None
        click.echo(report.summary())
        click.echo(
            f"用户：每个部门 editor<部门编码>（填报）和 viewer<部门编码>（查看），"
            f"审核人 reviewer1 起；密码均为 {demo_city.PASSWORD}"
        )

    @app.cli.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--year", type=int, help="预算年度；不指定时从文件推断")
    @click.option("--force", is_flag=True, help="导入已提交或已批复的计划（须写明理由）")
    @click.option("--reason", default="", help="强制导入的理由，记入修改记录")
    @click.option("--department", help="部门编码（文件中没有写明部门时）")
    def import_command(path, year, force, reason, department):
        """Import a document: the seed's text layout, Word (.docx) or Excel (.xlsx)."""
        if force and not reason.strip():
            click.echo("强制导入须用 --reason 写明理由。", err=True)
            raise SystemExit(1)
        init_db()
        try:
            known = department_with_code(department) if department else None
            if department and known is None:
                click.echo(f"没有编码为 {department} 的部门", err=True)
                raise SystemExit(1)
            report = import_file(
                path,
                year=year,
                force_reason=reason if force else None,
                department=(known.code, known.name) if known else None,
            )
        except (MalformedDocument, ImportRefused) as error:
            click.echo(f"导入失败，数据库未作任何改动。{path}：{error}", err=True)
            raise SystemExit(1) from None
        click.echo(report.summary())
        for notice in report.notices:
            click.echo(f"  提示：{notice}")

    @app.cli.command("check")
    @click.option("--department", help="部门编码")
    @click.option("--year", type=int, help="预算年度")
    @click.option("--all", "every", is_flag=True, help="检查所有计划")
    @click.option("--format", "kind", type=click.Choice(["text", "json"]), default="text")
    def check_command(department, year, every, kind):
        """Check plans by the review rules; exit status 1 when any finding is an error (E)."""
        init_db()
        if every:
            plans = checking.every_plan()
        elif department and year:
            try:
                plans = [find_plan(scope.COMMAND_LINE, department, year)]
            except NotFound:
                click.echo(f"没有 {department} {year} 年的计划", err=True)
                raise SystemExit(1) from None
        else:
            click.echo("请用 --department 与 --year 指定计划，或用 --all 检查所有计划", err=True)
            raise SystemExit(1)
        findings = []
        for plan in plans:
            found = checking.check_plan(plan)
            findings += found
            if kind == "text":
                click.echo(
                    f"{plan.department.code} {plan.department.name} {plan.year}年：{len(found)}条"
                )
                for f in found:
                    where = " · ".join(part for part in (f.project, f.indicator) if part)
                    click.echo(f"  {f.rule} {f.severity} {where}：{f.message}")
        if kind == "json":
            click.echo(json.dumps([f.as_json() for f in findings], ensure_ascii=False, indent=1))
        raise SystemExit(1 if any(f.severity == "E" for f in findings) else 0)

    @app.cli.command("targets")
    @click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
    @click.option("--year", type=int, help="计划年度：用于没写年份的期限（年底前、12月31日前）")
    def targets_command(source, year):
        """Read one 指标值 per line (standard input by default); print what each says, as JSON."""
        for line in source:
            raw = line.rstrip("\r\n")
            if raw.strip():
                click.echo(json.dumps(targets.parse(raw, year).as_json(), ensure_ascii=False))

    @app.cli.command("export")
    @click.option("--department", required=True, help="部门编码")
    @click.option("--year", required=True, type=int, help="预算年度")
    @click.option("--format", "kind", type=click.Choice(["docx", "xlsx"]), default="docx")
    @click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="输出文件")
    def export_command(department, year, kind, output):
        """Write a plan as the official Word document or Excel workbook."""
        try:
            plan = find_plan(scope.COMMAND_LINE, department, year)
        except NotFound:
            click.echo(f"没有部门 {department} {year}年的绩效目标", err=True)
            raise SystemExit(1) from None
        Path(output).write_bytes(export(plan, kind))
        click.echo(f"已导出到 {output}")

    @app.cli.command("create-user")
    @click.argument("name")
    @click.option("--role", required=True, type=click.Choice(ROLES), help="角色")
    @click.option("--department", help="部门编码（填报人必填）")
    @click.option("--full-name", default="", help="姓名（可不填）")
    @click.option(
        "--reviews", default="", help="审核人的审核部门编码，以逗号分隔（不填：全部部门）"
    )
    def create_user_command(name, role, department, full_name, reviews):
        """Create a user; the password is read from standard input."""
        init_db()
        try:
            full_name = accounts.clean_full_name(full_name)  # before the password is asked for
            problem = reviewers.refusal(role, reviewers.codes_of(reviews))
            if problem:
                raise accounts.AccountError(problem)
            password = _read_password(confirm=True)
            user = accounts.create_user(name, role, password, department, full_name, reviews)
        except accounts.AccountError as error:
            click.echo(f"未创建用户：{error}", err=True)
            raise SystemExit(1) from None
        click.echo(f"已创建用户 {user.username}（{role}）。")
        if reviews.strip():
            click.echo(f"审核部门：{_reviews_text(reviewers.reviews_of(user))}")

    @app.cli.command("set-reviews")
    @click.argument("name")
    @click.argument("codes", required=False)
    @click.option("--none", "clear", is_flag=True, help="不再指定审核部门（审核全部部门）")
    def set_reviews_command(name, codes, clear):
        """Set the departments a reviewer reviews (codes separated by commas); "" or --none:
        none, every department. Without either nothing is cleared by a forgotten argument."""
        user = accounts.user_named(name)
        if user is None:
            click.echo(f"没有用户 {name}", err=True)
            raise SystemExit(1)
        if (codes is None and not clear) or (clear and (codes or "").strip()):
            click.echo("请给出部门编码（以逗号分隔），或用 --none 不再指定（二者取一）", err=True)
            raise SystemExit(1)
        try:
            assigned = reviewers.set_reviews(user, "" if clear else codes)
        except reviewers.ReviewsRefused as error:
            click.echo(f"未修改：{error}", err=True)
            raise SystemExit(1) from None
        click.echo(f"{user.username} 的审核部门：{_reviews_text(assigned)}")

    @app.cli.command("set-password")
    @click.argument("name")
    def set_password_command(name):
        """Set a user's password (read from standard input); ends the user's sessions."""
        user = accounts.user_named(name)
        if user is None:
            click.echo(f"没有用户 {name}", err=True)
            raise SystemExit(1)
        try:
            accounts.set_password(user, _read_password(confirm=True))
        except accounts.AccountError as error:
            click.echo(f"未修改密码：{error}", err=True)
            raise SystemExit(1) from None
        click.echo(f"已为 {name} 设置新密码，其已登录的会话均已结束。")

    @app.cli.command("list-users")
    def list_users_command():
        """List the users with their roles, departments and 姓名 (when given), and each
        reviewer's 审核部门."""
        users = accounts.users()
        reviews = reviewers.reviews_of_users(users)
        for user in users:
            department = user.department.code if user.department else "-"
            state = "" if user.active else "（已停用）"
            name = f"\t{user.full_name}" if user.full_name else ""
            assigned = ""
            if has_assigned_departments(user.role):
                assigned = "\t审核部门：" + _reviews_text(reviews[user.id], names=False)
            click.echo(f"{user.username}\t{user.role}\t{department}{state}{name}{assigned}")

    @app.cli.command("list-departments")
    def list_departments_command():
        """List the departments: code, name, plans (deleted ones apart), users, 主管部门."""
        for line in departments.lines():
            deleted = f"（另有已删除的 {line.deleted_plans} 个）" if line.deleted_plans else ""
            department = line.department
            parent = f"\t主管部门 {department.parent.code}" if department.parent_id else ""
            click.echo(
                f"{department.code}\t{department.name}\t计划 {line.plans} 个{deleted}\t"
                f"用户 {line.users} 个{parent}"
            )

    @app.cli.command("set-parent")
    @click.argument("code")
    @click.argument("parent", default="")
    @click.option("--none", "clear", is_flag=True, help="不再有主管部门")
    def set_parent_command(code, parent, clear):
        """Set a department's 主管部门, whose users read its plans; --none: no 主管部门."""
        if clear == bool(parent.strip()):
            click.echo("请给出主管部门的编码，或用 --none 去掉主管部门（二者取一）", err=True)
            raise SystemExit(1)
        try:
            changed = departments.set_parent_as(departments.COMMAND_LINE, code, parent or None)
        except departments.DepartmentRefused as error:
            click.echo(f"未修改：{error}", err=True)
            raise SystemExit(1) from None
        if changed is None:
            click.echo("主管部门没有改动。")
        else:
            old, new = changed
            click.echo(f"已修改{code}的主管部门：{old or '（无）'} → {new or '（无）'}")

    @app.cli.command("department")
    @click.argument("code")
    @click.option("--code", "new_code", help="新的部门编码")
    @click.option("--name", "new_name", help="新的部门名称")
    def department_command(code, new_code, new_name):
        """Show a department and its corrections; with --code or --name, correct it."""
        department = department_with_code(code)
        if department is None:
            click.echo(f"没有编码为 {code} 的部门", err=True)
            raise SystemExit(1)
        if new_code is None and new_name is None:
            click.echo(f"{department.code}\t{department.name}")
            for change in departments.history(department):
                title = departments.FIELD_TITLES.get(change.field, change.field)
                when = change.at.strftime("%Y-%m-%d %H:%M")
                old, new = change.old or "（无）", change.new or "（无）"
                click.echo(f"  {when} {change.user} {title}：{old} → {new}")
            return
        try:
            changed = departments.correct_as(
                departments.COMMAND_LINE,
                department.id,
                department.code if new_code is None else new_code,
                department.name if new_name is None else new_name,
            )
        except departments.DepartmentRefused as error:
            click.echo(f"未修改：{error}", err=True)
            raise SystemExit(1) from None
        for field, old, new in changed:
            click.echo(f"已修改{departments.FIELD_TITLES[field]}：{old} → {new}")
        if not changed:
            click.echo("编码和名称都没有改动。")

    @app.cli.command("delete-plan")
    @click.argument("code")
    @click.argument("year", type=int)
    @click.option("--reason", required=True, help="删除的原因，记入修改记录")
    def delete_plan_command(code, year, reason):
        """Delete a plan created by mistake (restorable with restore-plan)."""
        try:
            plan = delete_plan_as(
                departments.COMMAND_LINE, find_plan(scope.COMMAND_LINE, code, year).id, reason
            )
        except NotFound:
            click.echo(f"没有 {code} {year} 年的计划", err=True)
            raise SystemExit(1) from None
        except PlanRefused as error:
            click.echo(f"未删除：{error}", err=True)
            raise SystemExit(1) from None
        click.echo(
            f"已删除{plan.department.name}{year}年的绩效目标；"
            f"可用 restore-plan {code} {year} 或在“部门管理”中恢复。"
        )

    @app.cli.command("restore-plan")
    @click.argument("code")
    @click.argument("year", type=int)
    def restore_plan_command(code, year):
        """Restore a deleted plan as it was."""
        department = department_with_code(code)
        plan = deleted_plan_of(department, year) if department else None
        if plan is None:
            click.echo(f"没有已删除的 {code} {year} 年的计划", err=True)
            raise SystemExit(1)
        plan = restore_plan_as(departments.COMMAND_LINE, plan.id)
        click.echo(f"已恢复{plan.department.name}{year}年的绩效目标。")

    @app.cli.command("backup")
    @click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False),
        help="备份文件（默认写入 instance/backups/）",
    )
    @click.option("--keep", type=click.IntRange(min=1), help="只保留最新的 N 个备份，删除更早的")
    def backup_command(output, keep):
        """Back up the database, verified: SQLite gzipped, PostgreSQL by pg_dump."""
        try:
            written = backups.backup(_backups_folder(), output, keep)
        except (backups.BackupError, OSError) as error:
            click.echo(f"备份失败，未留下备份文件。{error}", err=True)
            raise SystemExit(1) from None
        click.echo(
            f"已备份到 {written.path}（{backups.size_text(written.size)}，"
            f"用时 {written.seconds:.1f} 秒），已校验。"
        )
        if written.deleted:
            click.echo(f"已删除较早的备份 {len(written.deleted)} 个（保留最新的 {keep} 个）。")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def restore_command(path):
        """Replace the database by a backup; the current one is kept in instance/backups/."""
        try:
            report = backups.restore(path, _backups_folder())
        except (backups.BackupError, OSError) as error:
            click.echo(f"未恢复：{error}", err=True)
            raise SystemExit(1) from None
        newest = report.newest_change.strftime("%Y-%m-%d %H:%M") if report.newest_change else "无"
        click.echo(
            f"已从 {path} 恢复：部门 {report.departments} 个，计划 {report.plans} 个，"
            f"用户 {report.users} 个，最近一次修改于 {newest}。"
        )
        if report.migrated:
            click.echo("已升级数据库结构：" + "、".join(report.migrated))
        click.echo(f"恢复前的数据库已另存为 {report.aside}。")


def _reviews_text(assigned, names=True):
    """A reviewer's 审核部门 as the commands print them: codes (and names), or 全部部门."""
    if not assigned:
        return "全部部门"
    return "、".join(f"{d.code} {d.name}" if names else d.code for d in assigned)


def _backups_folder():
    return backups.folder_of(current_app.instance_path)
