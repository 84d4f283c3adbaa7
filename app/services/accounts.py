"""Accounts: argon2id passwords, server-side sessions, login throttling, the login log.

No Flask: the views pass the address and the cookie's token. Sessions live in the database,
so logging out or disabling a user ends their sessions at once, in every worker process; the
cookie holds a random token and the database only its hash. A session ends after 8 idle hours
and, whatever its use, 12 hours after the login. Failed logins are counted per account and per
address in the database, so throttling holds across processes too.

A password check (argon2id: 19 MiB and ~25 ms) never runs inside a write transaction, where it
would hold every save of the site waiting; and an unknown name is checked against a dummy hash,
so that it takes as long as a known one and names cannot be probed by timing. Checks and hashes
run one at a time on a thread kept for them, so that a crowd logging in at nine o'clock cannot
take the server's memory, whatever the number of its threads.
"""

import datetime
import hashlib
import logging
import secrets
import unicodedata
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from peewee import JOIN, Case, DatabaseError

from app.db import cannot_write, database
from app.domain.permissions import (
    ROLE_TITLES,
    ROLES,
    has_assigned_departments,
    is_role,
    keeps_admin,
    needs_department,
)
from app.domain.usernames import username_key, username_problem
from app.models import Department, LoginEvent, LoginThrottle, User, UserSession
from app.services import reviewers
from app.services.errors import NotFound
from app.services.prepared import TEXT, Prepared

log = logging.getLogger("jixiao.auth")

MIN_PASSWORD = 10
MAX_FULL_NAME = 50
IDLE_TIMEOUT = datetime.timedelta(hours=8)
LIFETIME = datetime.timedelta(hours=12)  # from the login, however busy the session
# A failure window: this many failures within WINDOW lock the key for LOCK.
ACCOUNT_FAILURES, ADDRESS_FAILURES = 5, 30
WINDOW = LOCK = datetime.timedelta(minutes=15)
# The last-seen time is written at most this often, so reading a page is not a write.
TOUCH_EVERY = datetime.timedelta(minutes=1)

# argon2id with OWASP's parameters (m=19 MiB, t=2, p=1). The library's default (RFC 9106's
# low-memory profile, m=64 MiB, t=3, p=4) took 64 MiB a check: four threads logging in at once
# peaked the server at ~340 MB (bench/memory.py). A hash made with other parameters is renewed
# at its next login.
PROFILE = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
_hasher = PasswordHasher(**PROFILE)
# Checks beyond this many wait their turn: each holds its memory while it runs, and more at
# once do not finish sooner on a two-CPU server, which then keeps a CPU for pages and saves.
# 8 people logging in at once (bench/memory.py): the server's peak 96 MB, p99 0.46 s; two at a
# time, 116 MB and 0.21 s, but 250 MB while old 64 MiB hashes are still being renewed (162 MB
# one at a time). The checks run on a thread of their own because the C allocator keeps a
# freed 19 MiB in the arena of the thread that used it: run on every server thread, they kept
# 19 MiB per thread after the crowd had gone.
CONCURRENT_CHECKS = 1
_argon2_threads = ThreadPoolExecutor(CONCURRENT_CHECKS, thread_name_prefix="password-check")


_dummy_hash = None  # what an unknown name is checked against, made by the hasher in use


def use_hasher(hasher):
    """Swap the password hasher (the tests use a cheap one)."""
    global _hasher, _dummy_hash
    _hasher, _dummy_hash = hasher, None


class AccountError(ValueError):
    """A refused account operation; the message is for the user, in Chinese."""


def hash_password(password):
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少{MIN_PASSWORD}位")
    return _hash(password)


def _argon2(work, *args):
    """`work(*args)` (a hash or a check) on a password-check thread, when one is free. Never
    inside a transaction, where it would hold every save of the site waiting."""
    if database.in_transaction():
        raise RuntimeError("password hashed or checked inside a transaction")
    return _argon2_threads.submit(work, *args).result()


def _hash(password):
    return _argon2(_hasher.hash, password)


def _now():
    return datetime.datetime.now()


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def role_department(role, department_code):
    """The department a user of `role` is given (None: none), or AccountError saying why not."""
    if not is_role(role):
        raise AccountError("角色应为" + "、".join(ROLE_TITLES[role] for role in ROLES) + "之一")
    department = None
    if department_code:
        department = Department.get_or_none(Department.code == department_code)
        if department is None:
            raise AccountError(f"没有编码为 {department_code} 的部门")
    if needs_department(role) and department is None:
        raise AccountError("填报人必须属于一个部门")
    return department


def clean_full_name(full_name):
    """A user's 姓名 as kept ('' for none), or AccountError saying why not: at most
    MAX_FULL_NAME characters, and no control or invisible formatting characters, which would
    break the header line it is shown in or make two names look alike."""
    full_name = unicodedata.normalize("NFKC", full_name or "").strip()
    if len(full_name) > MAX_FULL_NAME:
        raise AccountError(f"姓名不能超过{MAX_FULL_NAME}个字")
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in full_name):
        raise AccountError("姓名中不能有控制字符或换行")
    return full_name


def create_user(username, role, password, department_code=None, full_name="", reviews=()):
    """A new user; AccountError saying why not (a name like another's, a short password, a
    department to review that does not exist…), nothing written. `reviews`: a reviewer's
    审核部门, codes or a typed list (app/services/reviewers.py)."""
    problem = username_problem(username)
    if problem:
        raise AccountError(problem)
    username = unicodedata.normalize("NFKC", username).strip()
    full_name = clean_full_name(full_name)
    department = role_department(role, department_code)
    reviews = reviewers.codes_of(reviews)
    problem = reviewers.refusal(role, reviews)
    if problem:
        raise AccountError(problem)
    password_hash = hash_password(password)  # before the transaction: it takes a while
    with database.atomic():
        same = User.get_or_none(User.name_key == username_key(username))
        if same is not None:
            raise AccountError(f"用户名 {username} 已存在（与 {same.username} 视为同一个名字）")
        user = User.create(
            username=username,
            full_name=full_name,
            name_key=username_key(username),
            role=role,
            department=department,
            password_hash=password_hash,
        )
        try:
            reviewers.write(user, reviews)
        except reviewers.ReviewsRefused as error:  # rolls the new user back
            raise AccountError(str(error)) from None
        return user


def update_user(admin, user, role, department_code, active, full_name=None):
    """An admin changes a user's role, department, 姓名 (None: unchanged) and whether they may
    log in; AccountError saying why not (nobody disables or demotes themselves). A reviewer
    made anything else loses their 审核部门 in the same transaction."""
    if not keeps_admin(admin, user, role, active):
        raise AccountError("不能停用自己或取消自己的管理员角色。")
    department = role_department(role, department_code)
    if full_name is not None:
        full_name = clean_full_name(full_name)
    with database.atomic():
        user.role, user.department = role, department
        if full_name is not None:
            user.full_name = full_name
        user.save(only=[User.role, User.department, User.full_name])
        if not has_assigned_departments(role):
            reviewers.clear(user)
        if active != user.active:
            set_active(user, active)


def users():
    """Every user with their department, by username."""
    return list(User.by_name())


# The login log's reasons as 访问记录 words them (the log keeps the words of the server's log).
LOGIN_REASONS = {
    "throttled": "失败次数过多，暂时锁定",
    "disabled": "账号已停用",
    "bad credentials": "用户名或密码不正确",
}


def login_log(limit=100):
    """The newest logins and failed logins, newest first (the 访问记录 page)."""
    return list(LoginEvent.select().order_by(LoginEvent.id.desc()).limit(limit))


USERS_PAGE = 100  # users on one page of 用户管理


def users_page(after=None, before=None, size=USERS_PAGE):
    """A page of users with their departments, by username: the first `size`, or those just
    after (before) a username. Returns (users, the name a next page follows or None, the name a
    previous page precedes or None); cut by name, the page costs the same however many users."""
    query = User.by_name()
    if before is not None:
        rows = list(
            query.where(User.username < before).order_by(User.username.desc()).limit(size + 1)
        )
        earlier = len(rows) > size
        rows = rows[:size][::-1]
        return rows, rows[-1].username if rows else None, rows[0].username if earlier else None
    if after is not None:
        query = query.where(User.username > after)
    rows = list(query.limit(size + 1))
    later = len(rows) > size
    rows = rows[:size]
    return rows, rows[-1].username if later else None, rows[0].username if after and rows else None


def user_by_id(user_id):
    """A user by id, or NotFound."""
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFound(f"user {user_id}")
    return user


def user_named(username):
    """A user by name (its exact name, else the name as usernames are compared), or None."""
    return User.get_or_none(User.username == username) or User.get_or_none(
        User.name_key == username_key(username)
    )


def any_user():
    """Whether any user exists at all."""
    return User.select().exists()


def set_password(user, password):
    """A new password ends every session of the user and lifts a lock on the account."""
    user.password_hash = hash_password(password)
    user.save(only=[User.password_hash])
    end_sessions(user)
    unlock(user)


def change_own_password(user, token, current, new, repeated, address):
    """A logged-in user changes their own password, or AccountError saying why not.

    The current password is asked for, so that a browser left open does not give the account
    away; a wrong one counts as a failed login (the same throttling, the same log), and a locked
    account cannot change its password either. Success ends the user's other sessions (a
    stolen one among them) and keeps this one, whose token is `token`.
    """
    if new != repeated:
        raise AccountError("两次输入的新密码不一致")
    if len(new) < MIN_PASSWORD:
        raise AccountError(f"新密码至少{MIN_PASSWORD}位")
    if new == current:
        raise AccountError("新密码不能与当前密码相同")
    now = _now()
    account_key, address_key = f"user:{user.name_key}", f"addr:{address}"
    if _locked(account_key, now) or _locked(address_key, now):
        with database.atomic():
            _record(user.username, address, False, "修改密码：失败次数过多")
        minutes = int(LOCK.total_seconds() // 60)
        raise AccountError(f"失败次数过多，请{minutes}分钟后再试")
    # argon2 outside any transaction, both the check and the new hash.
    if not _verify(user.password_hash, current):
        with database.atomic():
            _fail(account_key, ACCOUNT_FAILURES, now)
            _fail(address_key, ADDRESS_FAILURES, now)
            _record(user.username, address, False, "修改密码：当前密码不正确")
        raise AccountError("当前密码不正确")
    new_hash = hash_password(new)
    with database.atomic():
        user.password_hash = new_hash
        user.save(only=[User.password_hash])
        UserSession.delete().where(
            (UserSession.user == user) & (UserSession.token_hash != _token_hash(token or ""))
        ).execute()
        unlock(user)
        _record(user.username, address, True, "修改密码")


def set_active(user, active):
    """Disabling a user ends every session of theirs at once."""
    user.active = active
    user.save(only=[User.active])
    if not active:
        end_sessions(user)


def end_sessions(user):
    UserSession.delete().where(UserSession.user == user).execute()


def locked_accounts():
    """{username: until when} of the accounts locked now by failed logins."""
    rows = LoginThrottle.select().where(
        LoginThrottle.key.startswith("user:") & (LoginThrottle.locked_until > _now())
    )
    return {row.key.removeprefix("user:"): row.locked_until for row in rows}


def unlock(user):
    """Lift a lock on the account (an admin helping someone back in); the address lock stays."""
    LoginThrottle.delete().where(LoginThrottle.key == f"user:{user.name_key}").execute()


def _locked(key, now):
    row = LoginThrottle.get_or_none(LoginThrottle.key == key)
    return row is not None and row.locked_until is not None and row.locked_until > now


def _fail(key, limit, now):
    """Count a failure under `key`, locking it at `limit` failures within WINDOW.

    Counted by UPDATE statements, never read, incremented and written back: failures arriving
    at once (other threads, other processes) each count. The first UPDATE holds the row until
    the transaction ends, so the second one sees every failure before it.
    """
    LoginThrottle.get_or_create(key=key)
    stale = LoginThrottle.first_failure.is_null() | (LoginThrottle.first_failure < now - WINDOW)
    LoginThrottle.update(
        failures=Case(None, [(stale, 1)], LoginThrottle.failures + 1),
        first_failure=Case(None, [(stale, now)], LoginThrottle.first_failure),
    ).where(LoginThrottle.key == key).execute()
    LoginThrottle.update(locked_until=now + LOCK).where(
        (LoginThrottle.key == key) & (LoginThrottle.failures >= limit)
    ).execute()


def _record(username, address, success, reason=""):
    LoginEvent.create(username=username[:50], address=address, success=success, reason=reason)
    level = logging.INFO if success else logging.WARNING
    log.log(
        level,
        "login %s user=%s address=%s %s",
        "ok" if success else "failed",
        username[:50],
        address,
        reason,
    )


def login(username, password, address):
    """A new session token for a right password, or AccountError saying why not.

    The same message answers a wrong name and a wrong password, so names cannot be probed.
    Failures are committed before the error is raised: a rolled-back count throttles nothing.
    """
    now = _now()
    user = user_named(username)
    # An account's failures count under its own key, however its name was typed.
    key = user.name_key if user else username_key(username)[:60]
    account_key, address_key = f"user:{key}", f"addr:{address}"
    if _locked(account_key, now) or _locked(address_key, now):
        with database.atomic():
            _record(username, address, False, "throttled")
        minutes = int(LOCK.total_seconds() // 60)
        raise AccountError(f"登录失败次数过多，请{minutes}分钟后再试")
    # argon2 outside any transaction: a check, and a rehash when its parameters have changed.
    matched = _verify(user.password_hash if user else _dummy(), password)
    rehashed = None
    if matched and _hasher.check_needs_rehash(user.password_hash):
        rehashed = _hash(password)
    now = _now()  # the check may have waited its turn: count and lock from now
    with database.atomic():
        if user is None or not matched or not user.active:
            _fail(account_key, ACCOUNT_FAILURES, now)
            _fail(address_key, ADDRESS_FAILURES, now)
            disabled = user is not None and not user.active
            _record(username, address, False, "disabled" if disabled else "bad credentials")
            refusal = "用户名或密码不正确，或账号已停用"
        elif _locked(account_key, now) or _locked(address_key, now):
            # Locked while this password was being checked, by guesses sent at once with it:
            # a right guess among them is refused too, so parallel guesses gain nothing.
            _record(username, address, False, "throttled")
            minutes = int(LOCK.total_seconds() // 60)
            refusal = f"登录失败次数过多，请{minutes}分钟后再试"
        else:
            refusal = None
            unlock(user)
            if rehashed:
                user.password_hash = rehashed
                user.save(only=[User.password_hash])
            token = secrets.token_urlsafe(32)
            UserSession.create(token_hash=_token_hash(token), user=user, address=address)
            _record(username, address, True)
    if refusal:
        raise AccountError(refusal)
    return token


def _verify(password_hash, password):
    """Whether the password matches, checked when a turn is free (unknown names queue alike)."""
    try:
        return _argon2(_hasher.verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _dummy():
    """A hash of no one's password, made by the hasher in use: an unknown name costs as long."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hash(secrets.token_urlsafe(16))
    return _dummy_hash


def _session_query(token_hash):
    """A session with its user and the user's department: who asks, and what they may do."""
    return (
        UserSession.select(UserSession, User, Department)
        .join(User)
        .join(Department, JOIN.LEFT_OUTER)
        .where(UserSession.token_hash == token_hash)
        .limit(1)
    )


_SESSION = Prepared(_session_query, TEXT)  # every request reads it: compiled once


def session_user(token):
    """The active user of a session token, or None (unknown, ended, idle too long, disabled)."""
    if not token:
        return None
    row = _SESSION.first(_token_hash(token))
    if row is None:
        return None
    now = _now()
    expired = now - row.last_seen > IDLE_TIMEOUT or now - row.created_at > LIFETIME
    if not row.user.active or expired:
        _best_effort(row.delete_instance)
        return None
    if now - row.last_seen > TOUCH_EVERY:
        row.last_seen = now
        _best_effort(lambda: row.save(only=[UserSession.last_seen]))
    return row.user


def _best_effort(write):
    """A write that reading a page makes on the side: when the database cannot be written now
    (disk full, read-only), the page is still read."""
    try:
        write()
    except DatabaseError as error:
        if not cannot_write(error):
            raise
        log.warning("session bookkeeping not written: %s", error)


def logout(token):
    if token:
        UserSession.delete().where(UserSession.token_hash == _token_hash(token)).execute()
