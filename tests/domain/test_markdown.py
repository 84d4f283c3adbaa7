"""Markdown rendering keeps structure and drops anything that could run."""

import pytest

from app.domain.markdown import render_markdown


def test_structure_is_kept():
    html = render_markdown("**重点**\n\n1. 甲\n2. 乙\n\n- 丙")
    assert "<strong>重点</strong>" in html
    assert html.count("<li>") == 3 and "<ol>" in html and "<ul>" in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[点](javascript:alert(1))",
        '<a href="javascript:alert(1)">点</a>',
        '<p style="background:url(x)">样式</p>',
        "<iframe src=//x></iframe>",
        '<svg onload="alert(1)"></svg>',
    ],
)
def test_nothing_that_runs_survives(source):
    html = render_markdown(source).lower()
    for danger in ("<script", "onerror", "javascript:", "style=", "<iframe", "onload", "<svg"):
        assert danger not in html


def test_empty_is_empty():
    assert render_markdown("") == "" and render_markdown("  \n") == ""
