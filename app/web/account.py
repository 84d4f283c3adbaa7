"""One's own account: every logged-in user changes their own password here.

The current password is asked for and checked like a login (app/services/accounts.py); the
user's other sessions end, this browser stays logged in.
"""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from app.services import accounts
from app.web.access import COOKIE

bp = Blueprint("account", __name__, url_prefix="/account")


def _form(status=200, error=None):
    return render_template(
        "account/password.html", error=error, min_password=accounts.MIN_PASSWORD
    ), status


@bp.get("/password")
def password_form():
    """The form: current password, new password twice."""
    return _form()


@bp.post("/password")
def change_password():
    """Change one's own password; a refusal shows the form again, with nothing typed kept."""
    form = request.form
    try:
        accounts.change_own_password(
            g.user,
            request.cookies.get(COOKIE),
            form.get("current", ""),
            form.get("new", ""),
            form.get("repeated", ""),
            request.remote_addr or "",
        )
    except accounts.AccountError as error:
        return _form(422, str(error))
    flash("密码已修改。您在其他浏览器或设备上的登录均已结束。", "success")
    return redirect(url_for("account.password_form"), code=303)
