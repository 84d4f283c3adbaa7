"""Who is asking, and refusing who may not: every request but the login page belongs to a user.

The session cookie holds the token of a server-side session (app/services/accounts.py). A
request without a live session is sent to the login page (htmx gets a 401 with HX-Redirect,
never a 302 to swap into a cell). Views refuse with `require(...)`, asking app/domain/permissions.py.
"""

from flask import abort, g, redirect, request, url_for

from app.services import accounts
from app.web.hx import htmx

COOKIE = "jixiao_session"
PUBLIC_ENDPOINTS = {"auth.login"}


def require(allowed):
    """Refuse the request with 403 unless `allowed`."""
    if not allowed:
        abort(403)


def register(app):
    """Tie every request to its user (`g.user`), sending the anonymous to the login page."""

    @app.before_request
    def _who_is_asking():
        if request.endpoint == "static":
            return None  # a stylesheet or script is nobody's business: no session lookup
        g.user = accounts.session_user(request.cookies.get(COOKIE))
        if g.user is None and request.endpoint not in PUBLIC_ENDPOINTS:
            login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
            if htmx:
                return "", 401, {"HX-Redirect": login_url}
            return redirect(login_url)
        return None

    @app.context_processor
    def _current_user():
        return {"current_user": g.get("user")}
