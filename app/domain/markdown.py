"""Markdown → sanitised HTML: the only place Markup is made from user text.

The narrative parts are Markdown; Python-Markdown turns them into HTML and nh3 (Ammonia) keeps
only the tags and attributes a document needs, so no script, event handler, style or
`javascript:` link the user typed can reach a page.

Python-Markdown can be made to spin: its time grows with the number of unmatched `[` times the
length of their paragraph, and with the number of blocks (measured here: 300 `[` in 50,000
characters took 3.4 s, 12,000 `***` lines 5 s). `too_complex` bounds what it is given, so every
page renders fast; a text over the bounds is refused where it is typed, and one that arrived
another way (an import) is shown as plain text rather than rendered.
"""

import re
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "sub", "sup", "code", "pre",
    "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

MAX_CHARS = 20_000
MAX_LINES = 2_000
MAX_BRACKETS = 50  # `[`: links and images
MAX_ANGLES = 500  # `<`: inline HTML and autolinks
MAX_DEPTH = 10  # nested lists and quotes

_INDENT = re.compile(r"^( *)(?:[-+*]|\d+[.)])\s", re.MULTILINE)
_QUOTES = re.compile(r"^[ >]*", re.MULTILINE)


def too_complex(source):
    """Why a Markdown text is beyond what may be rendered, in Chinese; None when it is fine."""
    if len(source) > MAX_CHARS:
        return f"内容过长：最多{MAX_CHARS}个字符，现有{len(source)}个"
    if source.count("\n") >= MAX_LINES:
        return f"行数过多：最多{MAX_LINES}行"
    if source.count("[") > MAX_BRACKETS:
        return f"方括号“[”过多：最多{MAX_BRACKETS}个（用于链接）"
    if source.count("<") > MAX_ANGLES:
        return f"尖括号“<”过多：最多{MAX_ANGLES}个"
    indents = [len(match) for match in _INDENT.findall(source)]
    if indents and max(indents) // 2 >= MAX_DEPTH:
        return f"列表嵌套过深：最多{MAX_DEPTH}层"
    quotes = [match.count(">") for match in _QUOTES.findall(source)]
    if quotes and max(quotes) > MAX_DEPTH:
        return f"引用嵌套过深：最多{MAX_DEPTH}层"
    return None


def render_markdown(source):
    """Sanitised HTML for a Markdown text (empty Markup for an empty one)."""
    if not source or not source.strip():
        return Markup("")
    return _render(source)


@lru_cache(maxsize=512)
def _render(source):
    problem = too_complex(source)
    if problem:
        text = escape(source[:MAX_CHARS])
        return Markup(
            f'<p class="too-complex">（{problem}，以下按纯文本显示）</p><pre>{text}</pre>'
        )
    html = markdown.markdown(source, extensions=["tables", "sane_lists"])
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )
