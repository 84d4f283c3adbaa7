"""What a username may be, and the key by which two usernames are the same.

Offices name accounts in Latin letters (zhangsan, admin) or in Chinese (张三). A name is read in
its NFKC form (full-width ａｄｍｉｎ is admin) and compared without case, so `Admin` cannot stand
beside `admin`. Letters of other scripts that look Latin (Cyrillic `а` in `аdmin`), invisible
characters (`admin` + U+200B) and spaces are refused: nobody can make an account that looks like
another one.
"""

import unicodedata

MAX_LENGTH = 50
_PUNCTUATION = set("._-@·")
# The CJK ideographs: the unified block, extension A, the compatibility block, extensions B on.
_HAN = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))


def username_key(name):
    """The form two usernames are compared by: NFKC, without case, without surrounding spaces."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def username_problem(name):
    """Why a username cannot be used, in Chinese; None when it can."""
    text = unicodedata.normalize("NFKC", name).strip()
    if not text:
        return "请填写用户名"
    if len(text) > MAX_LENGTH:
        return f"用户名最多{MAX_LENGTH}个字符"
    for char in text:
        if not _allowed(char):
            return f"用户名不能含有“{_shown(char)}”：只能用英文字母、数字、汉字和 . _ - @ ·"
    return None


def _allowed(char):
    if char.isascii():
        return char.isalnum() or char in _PUNCTUATION
    return char in _PUNCTUATION or any(low <= ord(char) <= high for low, high in _HAN)


def _shown(char):
    if char.isprintable() and not char.isspace():
        return char
    return f"U+{ord(char):04X}"
