"""The admin's page of users: create, change role and department, disable, set a password."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from app import auth
from app.accounts import require
from app.db import database
from app.models import Department, User
from app.permissions import ADMIN, ROLE_TITLES, ROLES, can_manage_users

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.before_request
def _admins_only():
    require(can_manage_users(g.user))


def _page(status=200, errors=None, typed=None):
    return (
        render_template(
            "users/index.html",
            users=list(User.by_name()),
            locked=auth.locked_accounts(),
            departments=list(Department.select().order_by(Department.code)),
            roles=[(role, ROLE_TITLES[role]) for role in ROLES],
            errors=errors or [],
            typed=typed or {},
        ),
        status,
    )


@bp.get("/")
def index():
    return _page()


@bp.post("/")
def create():
    form = request.form
    try:
        with database.atomic():
            user = auth.create_user(
                form.get("username", ""),
                form.get("role", ""),
                form.get("password", ""),
                form.get("department") or None,
            )
    except auth.AccountError as error:
        return _page(422, [str(error)], {k: v for k, v in form.items() if k != "password"})
    flash(f"已创建用户 {user.username}。", "success")
    return redirect(url_for("users.index"), code=303)


@bp.post("/<int:user_id>")
def update(user_id):
    user = User.get_or_none(User.id == user_id) or abort(404)
    role = request.form.get("role", user.role)
    code = request.form.get("department") or None
    active = request.form.get("active") == "on"
    if user.id == g.user.id and (role != ADMIN or not active):
        flash("不能停用自己或取消自己的管理员角色。", "error")
        return redirect(url_for("users.index"), code=303)
    try:
        department = auth.role_department(role, code)
    except auth.AccountError as error:
        flash(f"{user.username}：{error}", "error")
        return redirect(url_for("users.index"), code=303)
    with database.atomic():
        user.role, user.department = role, department
        user.save(only=[User.role, User.department])
        if active != user.active:
            auth.set_active(user, active)
    flash(f"已更新用户 {user.username}。", "success")
    return redirect(url_for("users.index"), code=303)


@bp.post("/<int:user_id>/unlock")
def unlock(user_id):
    user = User.get_or_none(User.id == user_id) or abort(404)
    auth.unlock(user)
    flash(f"已解除 {user.username} 的登录锁定。", "success")
    return redirect(url_for("users.index"), code=303)


@bp.post("/<int:user_id>/password")
def password(user_id):
    user = User.get_or_none(User.id == user_id) or abort(404)
    try:
        auth.set_password(user, request.form.get("password", ""))
    except auth.AccountError as error:
        flash(f"{user.username}：{error}", "error")
    else:
        flash(f"已为 {user.username} 设置新密码，其已登录的会话均已结束。", "success")
    return redirect(url_for("users.index"), code=303)
