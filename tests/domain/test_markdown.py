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


def test_numbering_typed_the_chinese_way_is_headings_and_lists_as_in_word():
    html = str(
        render_markdown(
            "一、总体目标\n打造品牌。\n（一）科普活动\n1、举办活动；\n2、开展交流，\n并继续一行。\n（3）第三项\n①第四项"
        )
    )
    assert html.startswith("<h4>一、总体目标</h4>\n<p>打造品牌。</p>\n<h5>（一）科普活动</h5>")
    items = html[html.index('<ol class="numbered">') :]
    assert items.count("<li>") == 4
    assert "<li>1、举办活动；</li>" in items and "<li>2、开展交流，\n并继续一行。</li>" in items
    assert "<li>（3）第三项</li>" in items and "<li>①第四项</li>" in items


def test_a_number_that_is_not_numbering_stays_in_its_paragraph():
    assert str(render_markdown("预算1.5万元\n2023年完成\n1,000人次")) == (
        "<p>预算1.5万元\n2023年完成\n1,000人次</p>"
    )
    long = "一、" + "这是一个完整的句子" * 5 + "。"
    assert str(render_markdown(long)) == f"<p>{long}</p>"


def test_numbered_lines_are_sanitised_and_only_our_class_is_kept():
    html = str(render_markdown('1、<script>alert(1)</script>甲\n<ol class="evil"><li>x</li></ol>'))
    assert "<script" not in html and "alert" not in html and "evil" not in html
    assert "<li>1、甲</li>" in html
