"""The adversarial Markdown texts: each is refused with a message, or renders within bounds.

Rendering runs under a one-second alarm: a guard that fails the test if Python-Markdown spins,
not a measurement (bench/markdown_render.py prints the times).
"""

import gc
import signal
import time
from contextlib import contextmanager

import markdown
import pytest

from app.domain import markdown as markdown_module
from app.domain.fields import FIELDS, FieldError, parse
from app.domain.markdown import _render, render_markdown, too_complex
from tests.adversarial_markdown import INPUTS


class Spinning(Exception):
    pass


@contextmanager
def at_most_one_second():
    def stop(signum, frame):
        raise Spinning("rendering took more than a second")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("index", range(len(INPUTS)))
def test_adversarial_markdown_renders_fast_or_is_refused(index):
    source = INPUTS[index]
    _render.cache_clear()
    with at_most_one_second():
        html = render_markdown(source)
    problem = too_complex(source)
    spec = FIELDS["plan"]["overall_goal"]
    if not source.strip():
        assert html == "" and parse(spec, source) == ""  # blank: nothing to render or keep
    elif problem:
        assert "以下按纯文本显示" in html and "<pre>" in html  # shown as text, never rendered
        with pytest.raises(FieldError, match="无法保存|不能超过"):
            parse(spec, source)
    else:
        assert parse(spec, source) == source or not source.strip()


def test_the_refusals_say_why_in_chinese():
    assert "方括号" in too_complex("[" * 51)
    assert "尖括号" in too_complex("<" * 501)
    assert "列表嵌套过深" in too_complex("".join("  " * i + "- a\n" for i in range(12)))
    assert "引用嵌套过深" in too_complex(">" * 11 + " a")
    assert "行数过多" in too_complex("a\n" * 2000)
    assert "内容过长" in too_complex("甲" * 20001)
    assert too_complex("# 标题\n\n1. [链接](https://example.org)\n2. <b>粗</b>\n\n> 引用") is None


def test_an_over_complex_narrative_is_refused_where_it_is_typed(app, user):
    from app.domain.fields import version
    from app.models import Plan

    with app.app_context():
        plan = Plan.get()
    form = {"overall_goal": "[" * 200, "version-overall_goal": version(plan.overall_goal)}
    response = user.put(f"/cells/plan/{plan.id}/overall_goal", form)
    assert response.status_code == 422
    assert "方括号“[”过多" in response.get_data(as_text=True)


def test_a_table_of_pipes_is_refused_where_it_is_typed():
    assert "竖线“|”过多" in too_complex(("|" * 99 + "\n") * 198)
    assert too_complex("|a|b|c|\n|-|-|-|\n" + "|甲|乙|丙|\n" * 100) is None  # a real table


def test_a_render_past_its_budget_shows_the_text_plain(monkeypatch):
    _render.cache_clear()
    monkeypatch.setattr(markdown_module, "RENDER_BUDGET", -1)  # every render is already late
    text = "**甲** 与 [乙](http://example.com)"
    html = render_markdown(text)
    assert "显示超时" in html and "<strong>" not in html and "**甲**" in html
    monkeypatch.undo()  # a render cut short is not remembered: the next one is tried afresh
    assert "<strong>甲</strong>" in render_markdown(text)
    _render.cache_clear()


def test_the_time_a_garbage_collection_takes_is_not_the_renders(monkeypatch):
    """A full collection of a large process can fall inside a render and take longer than the
    whole budget; the text is still rendered, not shown plain."""

    def slow_collection(phase, _info):
        if phase == "start":  # a collection of a large heap: 150 ms of this thread's CPU
            end = time.thread_time() + 0.15
            while time.thread_time() < end:
                pass

    convert = markdown.Markdown.convert

    def convert_with_a_collection(self, source):
        gc.collect()
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", convert_with_a_collection)
    gc.callbacks.append(slow_collection)
    try:
        html = render_markdown("1. 加强领导\n2. **强化监督**（回收期间）")
    finally:
        gc.callbacks.remove(slow_collection)
    assert "<strong>强化监督</strong>" in html
