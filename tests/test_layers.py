"""The layers of app/: each imports only the layers below it, and no blueprint imports another.

Reads every module's imports with `ast` (nothing is imported to check it), imports inside
functions included. The order, from the bottom: `app.domain` (pure), `app.formats` and
`app.checks` (pure, over the domain), `app.db` and `app.models`, `app.services` (the database,
no Flask), `app.web` (Flask; never the models directly), then `app.cli` and the factory.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).parent.parent

# The parts of app/ that each part may import.
MAY_IMPORT = {
    "app.domain": {"app.domain"},
    "app.formats": {"app.domain", "app.formats"},
    "app.checks": {"app.domain", "app.checks"},
    "app.db": set(),
    "app.migrations": set(),
    "app.models": {"app.db", "app.domain"},
    "app.services": {
        "app.domain",
        "app.formats",
        "app.checks",
        "app.db",
        "app.models",
        "app.services",
    },
    "app.web": {"app.domain", "app.services", "app.web"},
    "app.cli": {"app.domain", "app.services"},
    "app": {"app.db", "app.cli", "app.web"},  # the factory
}

FLASK = {"flask", "flask_htmx", "flask_wtf", "wtforms", "werkzeug", "jinja2", "click"}
DATABASE = {"peewee", "playhouse", "psycopg2", "sqlite3"}
# Outside packages a part may not import.
MAY_NOT_IMPORT = {
    "app.domain": FLASK | DATABASE,
    "app.formats": FLASK | DATABASE,
    "app.checks": FLASK | DATABASE,
    "app.db": FLASK,
    "app.models": FLASK,
    "app.services": FLASK,
    "app.web": DATABASE,
    "app.cli": DATABASE,
}


def module_name(root, path):
    """`app/web/cells.py` → `app.web.cells`; a package's `__init__.py` is the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def part_of(name):
    """The part of app/ a module is in: the longest of MAY_IMPORT's names that contains it.

    `app` itself is the factory only: a module of its own beside it (app/utils.py) is in no
    part, and fails the test that every module is in one.
    """
    owners = [
        part
        for part in MAY_IMPORT
        if name == part or (part != "app" and name.startswith(part + "."))
    ]
    return max(owners, key=len) if owners else None


def imports(root, path):
    """(module imported, line) for every import of a file, relative imports resolved; for
    `from package import name`, the module `package.name` when there is such a file."""
    name = module_name(root, path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                as_path = root.joinpath(*candidate.split("."))
                is_module = as_path.with_suffix(".py").exists() or as_path.is_dir()
                found.append((candidate if is_module else base, node.lineno))
    return found


def is_blueprint(path):
    """A module that makes a Flask Blueprint at its top level."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            function = node.value.func
            if getattr(function, "id", getattr(function, "attr", None)) == "Blueprint":
                return True
    return False


def violations(root):
    """Every import of app/ under `root` that breaks the layers, as readable lines."""
    files = sorted((root / "app").rglob("*.py"))
    blueprints = {module_name(root, path) for path in files if is_blueprint(path)}
    found = []
    for path in files:
        name, where = module_name(root, path), path.relative_to(root)
        part = part_of(name)
        for target, line in imports(root, path):
            top = target.split(".")[0]
            if top == "app":
                target_part = part_of(target)
                if target_part != part and target_part not in MAY_IMPORT.get(part, set()):
                    found.append(f"{where}:{line} {part} imports {target}")
                elif name in blueprints and target in blueprints and target != name:
                    found.append(f"{where}:{line} blueprint {name} imports blueprint {target}")
            elif top in MAY_NOT_IMPORT.get(part, set()):
                found.append(f"{where}:{line} {part} imports {target}")
    return found


def test_every_module_imports_only_the_layers_below_it():
    found = violations(ROOT)
    assert not found, "imports across the layers:\n" + "\n".join(found)


def strays(root):
    """The modules of app/ under `root` that are in no layer."""
    names = sorted(module_name(root, path) for path in (root / "app").rglob("*.py"))
    return [name for name in names if part_of(name) is None]


def test_every_module_of_app_is_in_a_layer():
    assert strays(ROOT) == []


PLANTED = {
    "app/domain/fields.py": "import flask\nfrom app.models import Plan\n",
    "app/formats/text.py": "from app.services import importing\n",
    "app/services/saving.py": "from flask import g\n",
    "app/services/importing.py": "from app.formats import text\n",
    "app/models.py": "from app.domain import fields\n",
    "app/web/cells.py": "from flask import Blueprint\n\nbp = Blueprint('cells', __name__)\n",
    "app/web/plans.py": (
        "from flask import Blueprint\nfrom app.web import cells\n"
        "from app.models import Plan\n\nbp = Blueprint('plans', __name__)\n"
    ),
    "app/web/__init__.py": "from app.web import cells, plans\n",
    "app/web/home.py": "import peewee\n",
    "app/cli.py": "def run():\n    from app.models import User\n",
    "app/__init__.py": "from app import cli, web\n",
    "app/utils.py": "import flask\n",
}


def test_planted_violations_are_caught(tmp_path):
    for name, source in PLANTED.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    assert violations(tmp_path) == [
        "app/cli.py:2 app.cli imports app.models",
        "app/domain/fields.py:1 app.domain imports flask",
        "app/domain/fields.py:2 app.domain imports app.models",
        "app/formats/text.py:1 app.formats imports app.services.importing",
        "app/services/saving.py:1 app.services imports flask",
        "app/web/home.py:1 app.web imports peewee",
        "app/web/plans.py:2 blueprint app.web.plans imports blueprint app.web.cells",
        "app/web/plans.py:3 app.web imports app.models",
    ]
    assert strays(tmp_path) == ["app.utils"]
