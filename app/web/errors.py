"""How refused and failed requests are answered: a Chinese page, or a toast for htmx.

An htmx request is never answered with a page to swap into a cell: its message goes in an
HX-Trigger toast (static/app.js shows it) and the cell stays as it was. A service's NotFound is
a 404 and its Forbidden a 403, wherever they are raised; a page asked for under a department's
former code is sent on to its current one (links.renamed_address). A plan out of the user's
reading scope (OutOfScope) is answered exactly as one that does not exist, and the attempt is
logged (app/services/refusals.py); so is a signed-in user's address of a page that names nothing,
so that both answers take the same time. No stack trace or SQL ever reaches the browser.
"""

import logging

from flask import current_app, g, redirect, render_template, request
from flask_wtf.csrf import CSRFError

from app.services import refusals, scope
from app.services.errors import DatabaseError, Forbidden, NotFound, OutOfScope, cannot_write
from app.web import hx
from app.web.hx import htmx
from app.web.links import renamed_address

log = logging.getLogger("jixiao.errors")

_FORBIDDEN = (403, "没有权限", "您没有权限执行这个操作。")
UNAVAILABLE = (
    "暂时无法保存",
    "服务器现在无法保存（磁盘已满或数据库只读），这次修改未保存；"
    "您输入的内容仍在编辑框中，请稍后重试，或联系管理员。",
)
MESSAGES = {
    CSRFError: (
        400,
        "请求无效",
        "页面已过期或请求不完整（缺少安全令牌），未保存。请刷新页面后重试。",
    ),
    403: _FORBIDDEN,
    Forbidden: _FORBIDDEN,
}


def refusal(status, title, message, headers=None):
    """The answer to a refused request: a toast for htmx, a page otherwise."""
    headers = dict(headers or {})
    if htmx:
        return message, status, {**hx.toast(message), **headers}
    return render_template("errors/400.html", title=title, message=message), status, headers


def record_refused_read(out_of_scope=True):
    """Log the request being answered 404: a read refused out of the user's scope, or (False)
    an address of the site's pages that names nothing. Called by `not_found`, and by a view that
    answers its own 404 (a JSON one)."""
    user = g.get("user")
    if user and not out_of_scope:
        scope.check_nothing(user)  # the scope query a refused read made: the same time for both
    refusals.record(
        user.username if user else "",
        request.remote_addr or "",
        request.method,
        request.full_path.rstrip("?"),
        out_of_scope,
    )


def register(app):
    """Answer every refusal and failure in Chinese."""
    for error, (status, title, message) in MESSAGES.items():
        app.register_error_handler(error, lambda _, s=status, t=title, m=message: refusal(s, t, m))

    @app.errorhandler(413)
    def too_large(error):
        limit = current_app.config["MAX_CONTENT_LENGTH"] // 1024 // 1024
        return refusal(
            413,
            "内容过大",
            f"提交的内容超过 {limit} MB，未保存，数据库未作任何改动。导入的文件过大时，"
            "请删去其中的图片、批注等与绩效目标无关的内容，或按项目分成几个文件后再导入。",
        )

    @app.errorhandler(404)
    @app.errorhandler(NotFound)
    def not_found(error):
        moved = renamed_address()
        if moved:  # not permanent: the former code may be given to another department
            return redirect(moved, code=302)
        if isinstance(error, OutOfScope):
            record_refused_read()
        elif g.get("user") and request.endpoint not in (None, "static"):
            # A page's address naming nothing: logged as well, so that it takes the time of a
            # refused read (an address matching no page, a missing static file: not logged).
            record_refused_read(out_of_scope=False)
        return render_template("errors/404.html"), 404

    @app.errorhandler(DatabaseError)
    def database_error(error):
        if not cannot_write(error):
            current_app.log_exception(error)
            return server_error(error)
        log.error("cannot write the database now: %s", error)
        return refusal(503, *UNAVAILABLE, headers={"Retry-After": "60"})

    @app.errorhandler(500)
    def server_error(error):
        return render_template("errors/500.html"), 500
