"""The narrative: sections, per-project summaries, numbered measures, and escaping."""

import pytest

from app.domain.markdown import render_markdown
from app.formats.narrative import escape, read_narrative


def _read(text):
    return read_narrative(list(enumerate(text.splitlines(), 1)))


@pytest.mark.parametrize(
    "text",
    [
        "互联网+科普",
        "*重点*项目",
        "1. 不是列表",
        "- 不是列表",
        "# 不是标题",
        "a_b_c",
        "<b>不是粗体</b>",
        "[链接](x)",
        "反斜杠\\n",
        "A&B &lt; 不是实体",
        "a|b > c",
    ],
)
def test_escaped_text_renders_as_itself(text):
    rendered = render_markdown(escape(text))
    assert rendered.striptags() == text
    assert "<em>" not in rendered and "<li>" not in rendered and "<h1>" not in rendered


def test_sections_by_heading_words_not_position():
    narrative = _read("标题\n三、保障措施\n1、甲\n一、部门总体绩效目标：开头一句。\n第二段")
    assert narrative.title == "标题"
    assert narrative.overall_goal == "开头一句。\n\n第二段"
    assert narrative.safeguards == "1. 甲"


def test_unknown_heading_goes_into_the_overall_goal_with_a_notice():
    narrative = _read("一、部门总体绩效目标\n甲\n四、其他说明\n乙")
    assert narrative.overall_goal == "甲\n\n四、其他说明\n\n乙"
    assert [str(n) for n in narrative.notices] == [
        "第3行：未识别的标题“四、其他说明”，其内容并入部门总体绩效目标"
    ]


def test_summary_with_indented_indicator_lines_becomes_a_list():
    narrative = _read(
        "二、分项绩效目标\n（一）项目甲\n绩效目标：做好甲。\n\n绩效指标：指标一\n    指标二\n\n    指标三\n（二）项目乙\n绩效目标：做好乙。"
    )
    first, second = narrative.summaries
    assert (first.name, first.line) == ("项目甲", 2)
    assert first.markdown == "绩效目标：做好甲。\n\n绩效指标：\n\n- 指标一\n- 指标二\n- 指标三"
    assert (second.name, second.markdown) == ("项目乙", "绩效目标：做好乙。")


def test_measures_number_themselves_and_continue_lines():
    narrative = _read("三、保障措施\n1、甲\n\n2．乙\n   续写\n3) 丙")
    assert narrative.safeguards == "1. 甲\n2. 乙\n   续写\n3. 丙"
    assert render_markdown(narrative.safeguards).count("<li>") == 3
