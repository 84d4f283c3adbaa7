"""Logging in and out (Flask's tutorial calls this blueprint `auth`).

Logging in starts a new server-side session and clears Flask's own session, so no token from
before the login survives it. The cookie is HttpOnly and SameSite=Lax, and Secure when
SESSION_COOKIE_SECURE is set (HTTPS).
"""

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
    """Where to go after logging in: only a path on this site."""
    target = request.args.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


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
