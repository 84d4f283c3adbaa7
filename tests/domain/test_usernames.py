"""Usernames: what may be one, and when two are the same."""

import pytest

from app.domain.usernames import username_key, username_problem


@pytest.mark.parametrize(
    "name", ["admin", "zhang.san", "li_si-2", "张三", "买买提·艾力", "ｗａｎｇ"]
)
def test_names_offices_use(name):
    assert username_problem(name) is None


@pytest.mark.parametrize(
    "name,words",
    [
        ("аdmin", "“а”"),  # Cyrillic а
        ("admin\u200b", "U+200B"),
        ("ad min", "U+0020"),
        ("admin\u202e", "U+202E"),
        ("", "请填写用户名"),
        ("a" * 51, "最多50个字符"),
        ("admin<script>", "“<”"),
    ],
)
def test_names_that_could_pass_for_another_are_refused(name, words):
    assert words in username_problem(name)


@pytest.mark.parametrize("name", ["Admin", "ADMIN", "ａｄｍｉｎ", " admin "])
def test_one_name_whatever_its_case_or_width(name):
    assert username_key(name) == username_key("admin")
