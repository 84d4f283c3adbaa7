"""Logging in and out (Flask's tutorial calls this blueprint `auth`).

Logging in starts a new server-side session and clears Flask's own session, so no token from
before the login survives it. The cookie is HttpOnly and SameSite=Lax, and Secure when
SESSION_COOKIE_SECURE is set (HTTPS).
"""

import unicodedata
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from app.services import accounts
from app.web.access import COOKIE

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名")])
    password = PasswordField("密码", validators=[DataRequired("请填写密码")])


def _address():
    return request.remote_addr or ""


def _next_url():
    """Where to go after logging in: a path on this site, else 首页."""
    target = request.args.get("next", "")
    return target if _same_site_path(target) else url_for("home.index")


def _same_site_path(target):
    """A path of this site and nothing else. Browsers drop tabs and line breaks from a URL
    (`/` TAB `/host` goes to `//host`) and read a backslash as a slash, so none may appear; a
    line break would also break the Location header."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(unicodedata.category(char)[0] in "CZ" for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; a right password starts a session and goes back to the page asked for."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            token = accounts.login(form.username.data.strip(), form.password.data, _address())
        except accounts.AccountError as error:
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
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    """End this browser's session."""
    accounts.logout(request.cookies.get(COOKIE))
    session.clear()
    response = redirect(url_for("auth.login"), code=303)
    response.delete_cookie(COOKIE)
    return response
