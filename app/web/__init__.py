"""The web layer: Flask only. One blueprint per resource, plus what the blueprints share.

Blueprints: `auth` (login, logout), `home`, `plans`, `projects`, `indicators` (row operations),
`cells` (in-place editing), `history`, `comments`, `users`, `departments` (部门管理: codes and
names corrected, plans deleted by mistake and restored), `imports` (upload, preview,
confirm), `exports` (Word and Excel downloads), `versions` (approved versions, comparing),
`next_year` (next year's plan from this one), `search` (projects and indicators by
name), `undo` (Ctrl+Z and Ctrl+Y of one's own changes), `paste` (a block pasted from Excel),
`live` (what changed since a page was read, and who has what open) and `account` (one's own
password). Shared, never a blueprint: `access` (who is
asking, 403), `links` (addresses of pages), `forms`, `errors` (how refusals are
answered), `headers` (security headers), `hx` (htmx and its HX-Trigger events).

May import: Flask and its extensions, `app.domain` and `app.services`; never `app.models` or
`app.db` (every read and write goes through a service). A blueprint never imports another
blueprint: what two share goes into a shared module or a layer down. tests/test_layers.py
checks both.
"""

from app.domain import permissions, workflow
from app.domain.formatting import chinese_ordinal, figure
from app.domain.markdown import render_markdown
from app.web import (
    access,
    account,
    auth,
    cells,
    comments,
    departments,
    errors,
    exports,
    headers,
    history,
    home,
    imports,
    indicators,
    links,
    live,
    next_year,
    paste,
    plans,
    projects,
    search,
    undo,
    users,
    versions,
)
from app.web.hx import HTMX_CONFIG, htmx

BLUEPRINTS = (
    auth,
    home,
    plans,
    projects,
    indicators,
    cells,
    history,
    users,
    departments,
    comments,
    imports,
    exports,
    versions,
    next_year,
    search,
    undo,
    live,
    paste,
    account,
)


def register(app):
    """Wire the web layer into an app: who is asking (before CSRF, so somebody not logged in is
    sent to the login page whatever they sent), blueprints, template helpers, headers, errors."""
    access.register(app)
    htmx.init_app(app)
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    app.jinja_env.filters["figure"] = figure
    app.jinja_env.filters["chinese_ordinal"] = chinese_ordinal
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals["htmx_config"] = HTMX_CONFIG
    app.jinja_env.globals["permissions"] = permissions
    app.jinja_env.globals["workflow"] = workflow
    cells.register(app)
    comments.register(app)
    links.register(app)
    live.register(app)
    next_year.register(app)
    headers.register(app)
    errors.register(app)
