"""Importing a file from the web page: upload, preview every change, confirm some or all of them.

An uploaded file is read at once (a file that cannot be read, or a hostile one, is refused then
and never kept) and kept until it is confirmed or cancelled. Its preview is the import itself,
made in a transaction that is rolled back: the plan and projects it would create, every value
it would change as old → new, the indicators it would add and delete, its notices. Confirming
makes the import again, leaving out the changes the user unticked, in one transaction recorded
under the uploader; if the plan changed since the preview, nothing is written and the user is
asked to look again. Editors import into their own department, admins into any; a submitted
or approved plan is not changed (the workflow's rules).
"""

import copy
import datetime
import hashlib
import secrets

from app.db import database
from app.domain.document import MalformedDocument
from app.domain.permissions import can_create_plan, can_manage_users, can_start_plans
from app.formats.detect import read_file
from app.models import Upload
from app.services.departments import follow_correction
from app.services.errors import Forbidden, NotFound
from app.services.importing import import_document, lock_target
from app.services.plans import department_with_code

KEEP = datetime.timedelta(days=1)  # an upload neither confirmed nor cancelled is dropped after


class PreviewOutdated(ValueError):
    """The plan changed between the preview and its confirmation."""


def store(user, filename, data, year=None, department_code=None):
    """Read an uploaded file and keep it for its preview; its token. MalformedDocument when it
    cannot be read, Forbidden when the user may not import into its department. Nothing else
    is written: a department the file names and the site lacks is created by the import."""
    if not can_start_plans(user):
        raise Forbidden("import")
    document = read_file(data, filename)  # refused here, before anything is kept
    follow_correction(document)
    code, name = _department(user, document, department_code)
    _drop_old()
    upload = Upload.create(
        token=secrets.token_urlsafe(24),
        user=user,
        filename=filename[:200],
        data=data,
        year=year,
        department_code=code,
        department_name=name,
    )
    return upload.token


def _department(user, document, code):
    """(code, name) of the department a file goes into: the one it names, else the one chosen,
    else the user's own; Forbidden when the user may not import there."""
    code = document.department_code or code or (user.department.code if user.department else "")
    if not code:
        raise MalformedDocument(0, "文件中找不到部门编码和名称，请选择要导入的部门")
    department = department_with_code(code)
    if not can_create_plan(user, department.id if department else None):
        raise Forbidden(f"import into {code}")
    if department is None and not document.department_name:
        raise MalformedDocument(0, f"没有编码为 {code} 的部门，文件中也没有部门名称")
    return code, document.department_name or department.name


def _drop_old():
    Upload.delete().where(Upload.created_at < datetime.datetime.now() - KEEP).execute()


def find(user, token):
    """The upload a token names, if it is this user's and not expired; NotFound otherwise."""
    _drop_old()
    upload = Upload.get_or_none((Upload.token == token) & (Upload.user == user))
    if upload is None:
        raise NotFound(f"upload {token}")
    return upload


def preview(user, token):
    """(upload, report) of what confirming an upload would do; nothing is written."""
    upload = find(user, token)
    return upload, _import(user, upload, _document(user, upload), dry_run=True)


def fingerprint(report):
    """A short hash of every planned change: a confirmation is for what was previewed."""
    lines = "\n".join(f"{c.key}|{c.old}|{c.new}" for c in report.planned)
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()[:16]


def confirm(user, token, applied, seen):
    """Import an upload, leaving out every planned change whose key is not in `applied`; the
    report. PreviewOutdated when the plan changed since the preview (`seen`: its fingerprint)."""
    upload = find(user, token)
    with database.atomic():
        document = _document(user, upload)
        # Held to the end: nobody writes the plan between the check and the import.
        lock_target(document, upload.year, upload.department_code)
        # The import fills in what the file leaves out: each run gets its own copy.
        preview = _import(user, upload, copy.deepcopy(document), dry_run=True)
        if fingerprint(preview) != seen:
            raise PreviewOutdated("预览之后计划已被修改（或文件已变），请重新查看预览后再确认。")
        report = _import(user, upload, document, only=set(applied))
        upload.delete_instance()
    return report


def discard(user, token):
    """Cancel an upload: nothing was imported, the file is dropped."""
    find(user, token).delete_instance()


def _document(user, upload):
    """An upload's document, with the user's right to import it checked again: the department
    may have been created, or the user's role changed, since the upload."""
    document = read_file(bytes(upload.data), upload.filename)
    follow_correction(document)  # corrected since the upload, too
    department = department_with_code(upload.department_code)
    if not can_create_plan(user, department.id if department else None) or (
        document.department_code not in ("", upload.department_code)
    ):
        raise Forbidden(f"import into {upload.department_code}")
    return document


def _import(user, upload, document, dry_run=False, only=None):
    return import_document(
        document,
        upload.year,
        user.username,
        department=(upload.department_code, upload.department_name),
        only=only,
        dry_run=dry_run,
        rename_department=can_manage_users(user),  # departments are the administrator's
    )
