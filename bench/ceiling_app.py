"""The bare stack: a plain Flask + Peewee app doing a cell save's and a project page's work, and
nothing else, for the benchmarks to hold the site against (its figures are their ceiling).

It does not import `app`. It serves what bench/live_site.py's `Person` asks of the site, at the
same URLs, under the same waitress with the same threads, on SQLite in WAL mode with one kept
connection per thread, as the site does:
  - every request but the login's looks its session up by the cookie's token in the database;
  - a save (PUT /cells/indicator/<id>/target): in one BEGIN IMMEDIATE transaction it reads the
    indicator with its project and plan, compares the version the client sent with the stored
    value's, updates the value and inserts one history row; 409 with the other value when they
    differ; answers the cell's fragment;
  - a project page (GET /projects/<id>): the project with its indicators, rendered by a small
    Jinja template.
Its schema and data are its own: a plan with as many projects and indicators as the seed.

    .venv/bin/python bench/ceiling_app.py FILE --port 8001 [--threads 4] [--indicators 6,6,6]
"""

import argparse
import datetime
import hashlib
import logging
import os
import secrets

from flask import Flask, abort, g, redirect, request
from jinja2 import DictLoader
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)
from waitress import serve

db = SqliteDatabase(
    None,
    pragmas=(("journal_mode", "wal"), ("foreign_keys", 1), ("synchronous", "normal")),
    lock_type="IMMEDIATE",
    timeout=10,
)
LEVELS = (("产出指标", "数量指标"), ("产出指标", "质量指标"), ("效益指标", "社会效益指标"))


class Base(Model):
    class Meta:
        database = db


class User(Base):
    username = CharField(unique=True)
    active = BooleanField(default=True)


class Session(Base):
    token_hash = CharField(unique=True)
    user = ForeignKeyField(User)
    created_at = DateTimeField(default=datetime.datetime.now)


class Plan(Base):
    year = IntegerField()
    status = CharField(default="draft")


class Project(Base):
    plan = ForeignKeyField(Plan)
    code = CharField()
    name = CharField()


class Indicator(Base):
    project = ForeignKeyField(Project)
    level1 = CharField()
    level2 = CharField()
    name = CharField()
    target = TextField(default="")
    basis = CharField(default="")
    position = IntegerField()


class Change(Base):
    plan = ForeignKeyField(Plan)
    project = ForeignKeyField(Project)
    record_id = IntegerField()
    field = CharField()
    old = TextField(null=True)
    new = TextField(null=True)
    user = CharField()
    at = DateTimeField(default=datetime.datetime.now, index=True)


TABLES = (User, Session, Plan, Project, Indicator, Change)

TEMPLATES = {
    "layout.html": """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{{ title }}</title></head>
<body hx-headers='{"X-CSRFToken": "ceiling"}'><header>{{ user.username }}</header>
<main>{% block main %}{% endblock %}</main></body></html>""",
    "home.html": """{% extends "layout.html" %}""",
    "login.html": """<form method="post"><input name="csrf_token" type="hidden" value="ceiling">
<input name="username"><input name="password" type="password"></form>""",
    "cell.html": """<td id="cell-indicator-{{ row.id }}-target" class="cell">{{ row.target }}
{%- if theirs is not none %}<div class="conflict">{{ theirs }}</div>{% endif %}</td>""",
    "project.html": """{% extends "layout.html" %}{% block main %}
<h1>{{ project.code }} {{ project.name }}</h1>
<table><thead><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>指标值</th>
<th>指标值确定依据</th></tr></thead><tbody>
{%- for row in rows %}
<tr id="row-{{ row.id }}"><td>{{ row.level1 }}</td><td>{{ row.level2 }}</td>
<td id="cell-indicator-{{ row.id }}-name" class="cell">{{ row.name }}</td>
{% include "cell.html" %}
<td id="cell-indicator-{{ row.id }}-basis" class="cell">{{ row.basis }}</td></tr>
{%- endfor %}
</tbody></table>{% endblock %}""",
}


def version(text):
    """The version of a value, as the site computes it: a short hash of the text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def fill(indicators, users):
    """The schema and the data: one plan, a project per count in `indicators`, the users."""
    with db.atomic():
        db.create_tables(TABLES)
        plan = Plan.create(year=2021)
        for number, count in enumerate(indicators, 1):
            project = Project.create(
                plan=plan, code=f"405002B21DX{number:04d}", name=f"项目{number}"
            )
            for position in range(count):
                level1, level2 = LEVELS[position % len(LEVELS)]
                Indicator.create(
                    project=project,
                    level1=level1,
                    level2=level2,
                    name=f"指标{number}-{position}",
                    target=f"{position * 10 + 50}%",
                    basis="计划标准",
                    position=position,
                )
        for name in users:
            User.create(username=name)


def create_app():
    app = Flask("ceiling")
    app.jinja_loader = DictLoader(TEMPLATES)

    @app.before_request
    def _session():
        db.connect(reuse_if_open=True)  # kept open, one per thread, as the site does
        if request.endpoint == "login":
            return None
        token = request.cookies.get("session", "")
        found = (
            Session.select(Session, User)
            .join(User)
            .where(Session.token_hash == _token_hash(token))
            .first()
        )
        if found is None or not found.user.active:
            return redirect("/login")
        g.user = found.user
        return None

    @app.route("/login", methods=("GET", "POST"))
    def login():
        if request.method == "GET":
            return app.jinja_env.get_template("login.html").render()
        user = User.get_or_none(User.username == request.form["username"])
        if user is None:
            abort(403)
        token = secrets.token_urlsafe(32)
        with db.atomic():
            Session.create(token_hash=_token_hash(token), user=user)
        response = redirect("/", 303)
        response.set_cookie("session", token, httponly=True)
        return response

    @app.get("/")
    def home():
        return app.jinja_env.get_template("home.html").render(title="首页", user=g.user)

    @app.get("/projects/<int:project_id>")
    def project_page(project_id):
        project = Project.get_or_none(Project.id == project_id) or abort(404)
        rows = project_rows(project_id)
        return app.jinja_env.get_template("project.html").render(
            title=project.name, project=project, rows=rows, user=g.user, theirs=None
        )

    @app.get("/cells/indicator/<int:indicator_id>/target")
    def cell(indicator_id):
        row = Indicator.get_or_none(Indicator.id == indicator_id) or abort(404)
        return app.jinja_env.get_template("cell.html").render(row=row, theirs=None)

    @app.put("/cells/indicator/<int:indicator_id>/target")
    def save(indicator_id):
        typed, seen = request.form["target"], request.form["version-target"]
        with db.atomic():
            row = (
                Indicator.select(Indicator, Project, Plan)
                .join(Project)
                .join(Plan)
                .where(Indicator.id == indicator_id)
                .first()
            ) or abort(404)
            if row.project.plan.status != "draft":
                abort(403)
            if version(row.target) != seen:
                template = app.jinja_env.get_template("cell.html")
                return template.render(row=row, theirs=row.target), 409
            old, row.target = row.target, typed
            row.save(only=[Indicator.target])
            Change.create(
                plan=row.project.plan_id,
                project=row.project_id,
                record_id=row.id,
                field="target",
                old=old,
                new=typed,
                user=g.user.username,
            )
        return app.jinja_env.get_template("cell.html").render(row=row, theirs=None)

    return app


def project_rows(project_id):
    return list(
        Indicator.select()
        .where(Indicator.project == project_id)
        .order_by(Indicator.position, Indicator.id)
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", help="the SQLite file (filled when it does not exist)")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--indicators", default="6,6,6", help="indicators of each project")
    parser.add_argument("--users", default="bench", help="user names, comma-separated")
    args = parser.parse_args()
    fresh = not os.path.exists(args.database)
    db.init(args.database)
    if fresh:
        fill([int(n) for n in args.indicators.split(",")], args.users.split(","))
    db.close()
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth" under load
    serve(create_app(), host="127.0.0.1", port=args.port, threads=args.threads, _quiet=True)


if __name__ == "__main__":
    main()
