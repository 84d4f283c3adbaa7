"""Markdown → sanitised HTML: the only place Markup is made from user text.

The narrative parts are Markdown; Python-Markdown turns them into HTML and nh3 (Ammonia) keeps
only the tags and attributes a document needs, so no script, event handler, style or
`javascript:` link the user typed can reach a page.

Python-Markdown can be made to spin: its time grows with the number of unmatched `[` times the
length of their paragraph, and with the number of blocks (measured here: 300 `[` in 50,000
characters took 3.4 s, 12,000 `***` lines 5 s, 19.8 k pipes a second). `too_complex` bounds
what it is given, so every page renders fast; a text over the bounds is refused where it is
typed, and one that arrived another way (an import) is shown as plain text rather than rendered.

Offices number the way Word does, in Chinese: `一、` and `（一）` open a section, `1、`, `（1）`,
`①` an item. Markdown would run such lines together into one paragraph; `_ChineseNumbering`
makes them what Word shows — a short `一、…` line a heading, numbered lines a list, each item
keeping the number as typed.

Bounds count characters; what they miss, a time budget catches: every processor of a render
first looks at the clock, and past RENDER_BUDGET of the thread's own CPU time (not wall time,
which other threads' work would eat) the render stops and the text is shown plain, so no text
can hold a server thread for long. Only finished renders are cached: a text that was cut short
once is tried again next time.
"""

import gc
import logging
import re
import threading
import time
import xml.etree.ElementTree as etree
from functools import lru_cache

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "sub", "sup", "code", "pre",
    "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_CLASSES = {"ol": {"numbered"}}  # a list numbered as typed (1、 （1） ①)
URL_SCHEMES = {"http", "https", "mailto"}

MAX_CHARS = 20_000
MAX_LINES = 2_000
MAX_BRACKETS = 50  # `[`: links and images
MAX_ANGLES = 100  # `<`: inline HTML and autolinks (each is parsed against the rest of the text)
MAX_DEPTH = 10  # nested lists and quotes
MAX_PIPES = 1_000  # `|`: table cells (a table of 10 columns by 90 rows)
RENDER_BUDGET = 0.1  # seconds one render may take before the text is shown plain

log = logging.getLogger("jixiao.markdown")

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
    if source.count("|") > MAX_PIPES:
        return f"竖线“|”过多：最多{MAX_PIPES}个（用于表格）"
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
    try:
        return _render(source)
    except _OverBudget:
        log.warning(
            "markdown over its %.0f ms budget: %d characters", RENDER_BUDGET * 1000, len(source)
        )
        return _plain(source, "内容过于复杂，显示超时")


@lru_cache(maxsize=512)
def _render(source):
    """The HTML of a text within the bounds; _OverBudget (not cached) past the budget."""
    problem = too_complex(source)
    if problem:
        return _plain(source, problem)
    converter = markdown.Markdown(extensions=["tables", "sane_lists", _ChineseNumbering()])
    _watch_the_clock(converter, _own_time() + RENDER_BUDGET)
    html = converter.convert(source)
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            allowed_classes=ALLOWED_CLASSES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )


_SECTION = re.compile(r"^\s*[一二三四五六七八九十]{1,3}、")
_SUBSECTION = re.compile(r"^\s*[（(][一二三四五六七八九十]{1,3}[)）]")
_ITEM = re.compile(r"^\s*(?:\d{1,3}[、，,．.](?!\d)|[（(]\d{1,3}[)）]|[①-⑳])")
_SENTENCE_END = re.compile(r"[。；;：:？?！!，,]$")
HEADING_MAX = 40  # characters: a longer 一、… line is a paragraph that starts with a number


class _ChineseNumbering(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        # Before the inline patterns (priority 20), while a paragraph is still its lines.
        md.treeprocessors.register(_Numbered(md), "chinese_numbering", 25)


class _Numbered(Treeprocessor):
    """Paragraphs holding lines numbered the Chinese way become headings and lists."""

    def run(self, root):
        for parent in list(root.iter()):
            for index, child in reversed(list(enumerate(parent))):
                if child.tag == "p" and len(child) == 0 and child.text:
                    blocks = _blocks(child.text.split("\n"))
                    if blocks is not None:
                        parent.remove(child)
                        for offset, block in enumerate(blocks):
                            parent.insert(index + offset, block)


def _blocks(lines):
    """The elements a paragraph's lines make, or None when no line is numbered."""
    numbered = (_SECTION, _SUBSECTION, _ITEM)
    if not any(pattern.match(line) for line in lines for pattern in numbered):
        return None
    blocks, current = [], None
    for line in lines:
        heading = _SECTION.match(line) and "h4" or _SUBSECTION.match(line) and "h5"
        text = line.strip()
        if heading and len(text) <= HEADING_MAX and not _SENTENCE_END.search(text):
            element = etree.Element(heading)
            element.text, current = text, None
            blocks.append(element)
        elif _ITEM.match(line):
            if not blocks or blocks[-1].tag != "ol" or current is None:
                blocks.append(etree.Element("ol", {"class": "numbered"}))
            current = etree.SubElement(blocks[-1], "li")
            current.text = text
        elif current is not None and not heading:
            current.text += "\n" + line  # a line continuing the item or paragraph above
        else:
            current = etree.Element("p")
            current.text = text if heading else line
            blocks.append(current)
    return blocks


def _plain(source, problem):
    text = escape(source[:MAX_CHARS])
    return Markup(f'<p class="too-complex">（{problem}，以下按纯文本显示）</p><pre>{text}</pre>')


# The garbage collector runs in whichever thread allocates when it is due, and a full
# collection of a large process can take longer than a whole render: its time is not the
# text's, so it is taken out of the thread's clock.
_collecting = threading.local()


def _time_collections(phase, _info):
    if phase == "start":
        _collecting.started = time.thread_time()
    elif getattr(_collecting, "started", None) is not None:
        spent = time.thread_time() - _collecting.started
        _collecting.spent = getattr(_collecting, "spent", 0.0) + spent
        _collecting.started = None


gc.callbacks.append(_time_collections)


def _own_time():
    """This thread's CPU time, less what the garbage collector took of it."""
    return time.thread_time() - getattr(_collecting, "spent", 0.0)


class _OverBudget(Exception):
    """A render ran past its deadline."""


def _watch_the_clock(converter, deadline):
    """Make every processor of a converter (pre, block, tree, inline, post) stop the render
    past `deadline`: they are where Python-Markdown spends its time, a call at a time."""

    def watched(method):
        def call(*args, **kwargs):
            if _own_time() > deadline:
                raise _OverBudget
            return method(*args, **kwargs)

        return call

    for processor in (*converter.preprocessors, *converter.postprocessors):
        processor.run = watched(processor.run)
    for processor in converter.parser.blockprocessors:
        processor.test, processor.run = watched(processor.test), watched(processor.run)
    for processor in converter.treeprocessors:
        processor.run = watched(processor.run)
    for pattern in converter.inlinePatterns:
        pattern.handleMatch = watched(pattern.handleMatch)
