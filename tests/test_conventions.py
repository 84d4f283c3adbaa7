"""Rules the code states in one place only, so that changing one changes it everywhere.

Each test names the place; writing the same thing elsewhere (a role compared in a view, a plan
created by hand, the HX-Request header read by hand) fails here.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
APP = ROOT / "app"
ROUTES = {"route", "get", "post", "put", "delete", "patch"}  # a blueprint's view decorators


def _python(exclude=()):
    """(path, source) of app/'s modules; the migrations, frozen copies of old models, aside."""
    for path in sorted(APP.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name not in exclude and not name.startswith("app/migrations/"):
            yield path, path.read_text(encoding="utf-8")


def _where(path, source, offset):
    return f"{path.relative_to(ROOT)}:{source.count(chr(10), 0, offset) + 1}"


def _written(pattern, exclude=()):
    """Where a regular expression matches in app/'s modules, as `path:line`."""
    return [
        _where(path, source, match.start())
        for path, source in _python(exclude)
        for match in re.finditer(pattern, source)
    ]


ROLES = {"viewer", "editor", "reviewer", "admin"}


def _about_roles(node):
    """Whether an expression names a role: `x.role`, `role`, `ADMIN`, `"admin"`."""
    return any(
        (isinstance(part, ast.Attribute) and part.attr in ("role", *(r.upper() for r in ROLES)))
        or (isinstance(part, ast.Name) and part.id in ("role", *(r.upper() for r in ROLES)))
        or (isinstance(part, ast.Constant) and part.value in ROLES)
        for part in ast.walk(node)
    )


def test_roles_are_compared_only_in_the_permissions_module():
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, source in _python(exclude={"app/domain/permissions.py"})
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Compare) and any(map(_about_roles, [node.left, *node.comparators]))
    ]
    role_words = "|".join(ROLES)
    # A select showing a user's role compares `value == user.role`; a check asks of current_user.
    in_templates = (
        rf"current_user\.role\b\s*(==|!=|in\b|not\b)|(==|!=|\bin)\s*current_user\.role\b"
        rf"|[\"']({role_words})[\"']"
    )
    for path in sorted((ROOT / "templates").rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        found += [_where(path, source, m.start()) for m in re.finditer(in_templates, source)]
    assert found == [], "ask app/domain/permissions.py instead"


def test_the_htmx_request_header_is_read_by_flask_htmx_only():
    assert _written(r"HX-Request") == [], "use `htmx` from app/web/hx.py"


def test_not_deleted_rows_are_chosen_by_one_model_helper():
    found = _written(r"deleted_at\.is_null\(|deleted_at\s*==\s*None")
    assert [where.split(":")[0] for where in found] == ["app/models.py"], "use Model.not_deleted()"


def test_departments_plans_and_projects_are_created_in_one_service():
    creating = (
        r"(?<!class )\b(Department|Plan|Project)"
        r"(\.create|\.get_or_create|\.insert|\.insert_many|\.bulk_create|\.replace)?\("
    )
    found = _written(creating, exclude={"app/services/plans.py", "app/models.py"})
    assert found == [], "create them through app/services/plans.py"


def test_every_view_says_what_it_does():
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"
        for path, source in _python()
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef) and _is_view(node) and not ast.get_docstring(node)
    ]
    assert found == [], "a view needs a docstring (one line is enough)"


def _is_view(function):
    return any(
        isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") in ROUTES
        for decorator in function.decorator_list
    )
