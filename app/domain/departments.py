"""What a department's code and name may be, for every way they are typed: the new-plan form,
the administrator's correction (app/services/departments.py) and the command line.

A code is what the finance system gives a department (`405002`): digits and Latin letters, at
most CODE_LENGTH; it appears in the plans' addresses (/plans/405002/2021). A name is one line
of at most NAME_LENGTH characters, with no control or bidirectional characters.
"""

import re
import unicodedata

from app.domain.fields import hidden_character

CODE_LENGTH = 20
NAME_LENGTH = 100
CODE_PATTERN = rf"^[0-9A-Za-z]{{1,{CODE_LENGTH}}}$"
CODE_RULE = f"部门编码只能由数字和字母组成，最多{CODE_LENGTH}位"


def clean_code(code):
    """A typed code as kept: full-width digits and letters read as ASCII, spaces around dropped."""
    return unicodedata.normalize("NFKC", code or "").strip()


def clean_name(name):
    """A typed name as kept: spaces around dropped."""
    return (name or "").strip()


def code_problem(code):
    """Why a (cleaned) code may not be a department's, in Chinese; None when it may."""
    if not code:
        return "请填写部门编码"
    if not re.match(CODE_PATTERN, code):
        return CODE_RULE
    return None


def name_problem(name):
    """Why a (cleaned) name may not be a department's, in Chinese; None when it may."""
    if not name:
        return "请填写部门名称"
    if len(name) > NAME_LENGTH:
        return f"部门名称最多{NAME_LENGTH}个字"
    hidden = hidden_character(name)
    if hidden:
        return f"部门名称含有不可见的控制字符（{hidden}），请删除"
    return None


def split_codes(text):
    """The codes of a typed list, cleaned, in order, each once: separated by commas, spaces,
    顿号 or semicolons (half- or full-width), as a list is typed in Chinese or English."""
    codes = (clean_code(part) for part in re.split(r"[\s,，、;；]+", text or ""))
    return list(dict.fromkeys(code for code in codes if code))


def parent_problem(department_id, parent_id, parents):
    """Why `parent_id` may not be the 主管部门 of `department_id`, in Chinese; None when it may.
    `parents`: {department id: its parent's id or None}, of every department. A department cannot
    be its own 主管部门, nor that of a department above it: the chain would never end."""
    if parent_id is None:
        return None
    seen, above = set(), parent_id
    while above is not None and above not in seen:
        if above == department_id:
            return "主管部门不能是本部门或其所属单位"
        seen.add(above)
        above = parents.get(above)
    return None
