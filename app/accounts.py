"""Logging in and out, and who is asking: every request belongs to a logged-in user.

The session cookie holds a token of a server-side session (app/auth.py); it is HttpOnly and
SameSite=Lax, and Secure when SESSION_COOKIE_SECURE is set (HTTPS). Logging in starts a new
session and clears Flask's own session, so no token from before the login survives it.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from app import auth, permissions

bp = Blueprint("accounts", __name__)

COOKIE = "jixiao_session"
PUBLIC_ENDPOINTS = {"accounts.login"}


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名")])
    password = PasswordField("密码", validators=[DataRequired("请填写密码")])


def require(allowed):
    """Refuse the request with 403 unless `allowed`."""
    if not allowed:
        abort(403)


def _address():
    return request.remote_addr or ""


def _next_url():
    """Where to go after logging in: only a path on this site."""
    target = request.args.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            token = auth.login(form.username.data.strip(), form.password.data, _address())
        except auth.AccountError as error:
            form.password.errors.append(str(error))
        else:
            session.clear()
            response = redirect(_next_url(), code=303)
            response.set_cookie(
                COOKIE,
                token,
                httponly=True,
                samesite="Lax",
                secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            )
            return response
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    auth.logout(request.cookies.get(COOKIE))
    session.clear()
    response = redirect(url_for("accounts.login"), code=303)
    response.delete_cookie(COOKIE)
    return response


def register(app):
    """Tie every request to its user, and give templates `current_user` and the rules."""

    @app.before_request
    def _who_is_asking():
        if request.endpoint == "static":
            return None  # a stylesheet or script is nobody's business: no session lookup
        g.user = auth.session_user(request.cookies.get(COOKIE))
        if g.user is None and request.endpoint not in PUBLIC_ENDPOINTS:
            login_url = url_for("accounts.login", next=request.full_path.rstrip("?"))
            if request.headers.get("HX-Request"):
                return "", 401, {"HX-Redirect": login_url}
            return redirect(login_url)
        return None

    @app.context_processor
    def _user():
        return {"current_user": g.get("user"), "rules": permissions}
