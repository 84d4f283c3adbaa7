"""The narrative 部门总体绩效目标及保障措施 as plain text lines → its three parts as Markdown.

The text is a Word document pasted to lines: numbered headings 一、二、三、, per-project
subsections （一）（二） under 分项绩效目标, and numbered measures 1、2、 under 保障措施. The
user's words are kept; only the structure becomes Markdown, and every character Markdown
would read as markup is escaped so the page shows exactly what the document said.
"""

import re
from dataclasses import dataclass, field

from app.domain.document import Notice, SummaryData

_HEADING = re.compile(r"^([一二三四五六七八九十]+)\s*[、.．]\s*(.*)$")
_SUBSECTION = re.compile(r"^[（(]\s*[一二三四五六七八九十]+\s*[）)]\s*(.+)$")
_MEASURE = re.compile(r"^(\d+)\s*[、.．)）]\s*(.*)$")
_LABELLED = re.compile(r"^([^：:]{1,12})[：:]\s*(.*)$")
_MARKUP = re.compile(r"([\\`*_\[\]>#|])")

OVERALL, SUMMARIES, SAFEGUARDS = "overall", "summaries", "safeguards"
_SECTION_WORDS = ((OVERALL, "总体"), (SUMMARIES, "分项"), (SAFEGUARDS, "保障"))


@dataclass
class Narrative:
    title: str = ""
    overall_goal: str = ""
    safeguards: str = ""
    summaries: list = field(default_factory=list)
    notices: list = field(default_factory=list)


def escape(text):
    """Plain text → Markdown that renders as that same text."""
    # Python-Markdown has no backslash escape for < or &: entities keep them literal.
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _MARKUP.sub(r"\\\1", text)
    # A line that opens like a list item or a heading would become one.
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", re.sub(r"^([-+=])", r"\\\1", text))


def read_narrative(lines):
    """Split numbered `(line_no, text)` lines into title, 总体, 分项 per project and 保障措施."""
    narrative = Narrative()
    sections = {OVERALL: [], SUMMARIES: [], SAFEGUARDS: []}
    current = None
    for number, raw in lines:
        text = raw.strip()
        heading = _HEADING.match(text)
        if heading:
            current = _section_of(heading.group(2))
            if current is None:
                narrative.notices.append(
                    Notice(number, f"未识别的标题“{text}”，其内容并入部门总体绩效目标")
                )
                current = OVERALL
                sections[current].append((number, text))
                continue
            # The heading may carry its first sentence after the colon.
            rest = re.split(r"[：:]", heading.group(2), maxsplit=1)[1:]
            if rest and rest[0].strip():
                sections[current].append((number, rest[0]))
            continue
        if current is None:
            if text:
                narrative.title = (narrative.title + " " + text).strip()
            continue
        sections[current].append((number, raw))

    narrative.overall_goal = _paragraphs(sections[OVERALL])
    narrative.safeguards = _measures(sections[SAFEGUARDS])
    narrative.summaries = _summaries(sections[SUMMARIES], narrative.notices)
    return narrative


def _section_of(heading_text):
    for section, word in _SECTION_WORDS:
        if word in heading_text:
            return section
    return None


def _paragraphs(lines):
    """Each non-empty line is a paragraph (Word pastes one paragraph per line)."""
    return "\n\n".join(escape(raw.strip()) for _, raw in lines if raw.strip())


def _measures(lines):
    """保障措施: `1、…` lines become a numbered list; other lines continue the item above."""
    items = []
    for _, raw in lines:
        text = raw.strip()
        if not text:
            continue
        measure = _MEASURE.match(text)
        if measure or not items:
            items.append(escape(measure.group(2) if measure else text))
        else:
            items[-1] += "\n   " + escape(text)
    return "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))


def _summaries(lines, notices):
    """分项绩效目标: one `SummaryData` per （一）NAME subsection, in document order."""
    summaries = []
    body = []
    for number, raw in lines:
        subsection = _SUBSECTION.match(raw.strip())
        if subsection:
            if summaries:
                summaries[-1].markdown = _summary_body(body)
            elif any(text.strip() for _, text in body):
                notices.append(Notice(body[0][0], "分项绩效目标中第一个项目标题之前的文字已忽略"))
            summaries.append(SummaryData(subsection.group(1).strip(), "", number))
            body = []
            continue
        body.append((number, raw))
    if summaries:
        summaries[-1].markdown = _summary_body(body)
    return summaries


def _summary_body(lines):
    """A project's summary: `绩效目标：…` paragraphs; a labelled line followed by indented lines
    (the seed's `绩效指标：` block) becomes the label and a bulleted list of the lines."""
    blocks = []
    label, items = None, []

    def flush():
        if label is None:
            return
        if len(items) <= 1:
            blocks.append(escape(label) + "：" + "".join(items))
        else:
            blocks.append(escape(label) + "：\n\n" + "\n".join(f"- {item}" for item in items))

    for _, raw in lines:
        text = raw.strip()
        if not text:
            continue
        indented = raw[:1].isspace()
        labelled = _LABELLED.match(text)
        if indented and label is not None:
            items.append(escape(text))
        elif labelled and not indented:
            flush()
            label, items = (
                labelled.group(1),
                [escape(labelled.group(2))] if labelled.group(2) else [],
            )
        else:
            flush()
            label, items = None, []
            blocks.append(escape(text))
    flush()
    return "\n\n".join(blocks)


_ESCAPED = re.compile(r"\\([\\`*_\[\]>#|+\-=.)])")
_NUMBERED = re.compile(r"^\d+\.\s+(.*)$")


def unescape(markdown):
    """Markdown made by `escape` → the plain text it renders as (other Markdown stays)."""
    return _ESCAPED.sub(r"\1", markdown).replace("&lt;", "<").replace("&amp;", "&")


def paragraphs(markdown):
    """A narrative part as the paragraphs a Word or Excel file writes it in, so that reading
    that file gives the part back: [(kind, text)], kind "paragraph", "measure" (a numbered
    保障措施, written `1、…`) or "item" (a list line, written indented under its label)."""
    out = []
    for block in re.split(r"\n\s*\n", markdown.strip()):
        for line in block.split("\n"):
            numbered = _NUMBERED.match(line)
            if numbered:
                out.append(("measure", unescape(numbered.group(1))))
            elif line.startswith("- "):
                out.append(("item", unescape(line[2:])))
            elif line.strip():
                out.append(("paragraph", unescape(line.strip())))
    return out
