"""Who is asking, and refusing who may not: every request but the login page belongs to a user.

The session cookie holds the token of a server-side session (app/services/accounts.py). A
request without a live session is sent to the login page (htmx gets a 401 with HX-Redirect,
never a 302 to swap into a cell). Views refuse with `require(...)`, asking app/domain/permissions.py.
"""

from flask import abort, g, redirect, request, url_for

from app.domain.permissions import EDITABLE_STATUSES, can_edit
from app.domain.workflow import STATUSES
from app.services import accounts
from app.web.hx import htmx

COOKIE = "jixiao_session"
PUBLIC_ENDPOINTS = {"auth.login"}


def require(allowed):
    """Refuse the request with 403 unless `allowed`."""
    if not allowed:
        abort(403)


def why_refused(plan, consequence="不能修改"):
    """Why a write the service refused (Forbidden) was refused, for the plan as it is now: its
    status changed back meanwhile (try again), it is locked by its status, or the user may not
    edit it at all."""
    if can_edit(g.user, plan):
        return "计划的状态刚刚变了，请再试一次"
    if plan.status not in EDITABLE_STATUSES:
        return f"计划{STATUSES.get(plan.status, plan.status)}，{consequence}"
    return "您没有修改这个计划的权限"


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
