"""The admin's page of users: create, change 姓名, role and department, disable, set a password,
give a reviewer the departments they review (审核部门); the last backup of the database, with a
warning when there is none from the last day; and 访问记录, the refused reads and the logins.

Users are listed a page at a time (accounts.USERS_PAGE, by username). The departments are listed
once in the page (the new-user form's chooser); each user's chooser carries only the user's own
department, and static/app.js copies the list in when it is first used: a city of a hundred
departments would otherwise send a hundred options per user.
"""

from urllib.parse import urlencode

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from app.domain.permissions import (
    ROLE_TITLES,
    ROLES,
    can_manage_users,
    has_assigned_departments,
)
from app.services import accounts, backups, refusals, reviewers
from app.services.plans import departments
from app.web.access import require

bp = Blueprint("users", __name__, url_prefix="/users")

LOG_LINES = 200  # of each log on 访问记录: the newest


@bp.before_request
def _admins_only():
    require(can_manage_users(g.user))


def _page(status=200, errors=None, typed=None, review_error=None):
    """The page; `review_error`: (user id, message, what was typed) for a refused 审核部门."""
    last = backups.last_backup(backups.folder_of(current_app.instance_path))
    users, later, earlier = accounts.users_page(_cursor().get("after"), _cursor().get("before"))
    return (
        render_template(
            "users/index.html",
            users=users,
            later=later and url_for("users.index", after=later),
            earlier=earlier and url_for("users.index", before=earlier),
            # Each row's forms post to the list's address + the user's id (the routes below),
            # built here once rather than three url_for a row; they keep the page's place.
            base=url_for("users.index"),
            place=_place(),
            locked=accounts.locked_accounts(),
            reviews=reviewers.reviews_of_users(users),
            reviewing={user.id for user in users if has_assigned_departments(user.role)},
            review_error=review_error,
            departments=departments(),
            roles=[(role, ROLE_TITLES[role]) for role in ROLES],
            errors=errors or [],
            typed=typed or {},
            backup=last,
            backup_size=last and backups.size_text(last.size),
            min_password=accounts.MIN_PASSWORD,
            max_full_name=accounts.MAX_FULL_NAME,
        ),
        status,
    )


def _cursor():
    """Which page of users is shown: {'after': name} or {'before': name}, or {} (the first)."""
    return {k: request.args[k] for k in ("after", "before") if request.args.get(k)}


def _place():
    """The query string that keeps the page of users a form was sent from, or ''."""
    cursor = _cursor()
    return "?" + urlencode(cursor) if cursor else ""


def _back():
    return redirect(url_for("users.index", **_cursor()), code=303)


@bp.get("/")
def index():
    """Every user with their role, department and state, and a form for a new one."""
    return _page()


@bp.post("/")
def create():
    """Create a user; a refusal shows the form again with what was typed (but the password)."""
    form = request.form
    try:
        user = accounts.create_user(
            form.get("username", ""),
            form.get("role", ""),
            form.get("password", ""),
            form.get("department") or None,
            form.get("full_name", ""),
            form.get("reviews", ""),
        )
    except accounts.AccountError as error:
        return _page(422, [str(error)], {k: v for k, v in form.items() if k != "password"})
    flash(f"已创建用户 {user.username}。", "success")
    return _back()


@bp.post("/<int:user_id>")
def update(user_id):
    """Change a user's 姓名, role, department and whether they may log in."""
    user = accounts.user_by_id(user_id)
    try:
        accounts.update_user(
            g.user,
            user,
            request.form.get("role", user.role),
            request.form.get("department") or None,
            request.form.get("active") == "on",
            request.form.get("full_name"),
        )
    except accounts.AccountError as error:
        flash(f"{user.username}：{error}", "error")
    else:
        flash(f"已更新用户 {user.username}。", "success")
    return _back()


@bp.post("/<int:user_id>/reviews")
def reviews(user_id):
    """Replace the departments a reviewer reviews (codes typed in a list; none: all); a
    refusal shows the page again with the message beside the field, nothing changed."""
    user = accounts.user_by_id(user_id)
    typed = request.form.get("reviews", "")
    try:
        assigned = reviewers.set_reviews(user, typed)
    except reviewers.ReviewsRefused as error:
        return _page(422, review_error=(user.id, str(error), typed))
    said = "、".join(department.code for department in assigned) or "全部部门"
    flash(f"{user.username} 的审核部门：{said}。", "success")
    return _back()


@bp.get("/log")
def log():
    """访问记录: the newest reads refused as out of the reader's scope (and addresses naming
    nothing), and the newest logins."""
    return render_template(
        "users/log.html",
        refused=refusals.recent(LOG_LINES),
        logins=accounts.login_log(LOG_LINES),
        reasons=accounts.LOGIN_REASONS,
        lines=LOG_LINES,
    )


@bp.post("/<int:user_id>/unlock")
def unlock(user_id):
    """Lift the lock that failed logins put on an account."""
    user = accounts.user_by_id(user_id)
    accounts.unlock(user)
    flash(f"已解除 {user.username} 的登录锁定。", "success")
    return _back()


@bp.post("/<int:user_id>/password")
def password(user_id):
    """Set a user's password; their sessions end and a lock on the account is lifted."""
    user = accounts.user_by_id(user_id)
    try:
        accounts.set_password(user, request.form.get("password", ""))
    except accounts.AccountError as error:
        flash(f"{user.username}：{error}", "error")
    else:
        flash(f"已为 {user.username} 设置新密码，其已登录的会话均已结束。", "success")
    return _back()
