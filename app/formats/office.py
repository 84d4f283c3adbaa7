"""What the Word and Excel readers share: a `Document` from paragraphs and table rows.

A reader hands over the paragraphs before the tables (the narrative, with its titles), the
rows of every table in order, and the texts around them (titles, `405002 唐山市科学技术协会`,
`（续表）`). The narrative goes to app/formats/narrative.py, the rows to the one interpreter of
tables (app/formats/tables.py), the department and the year are found in the titles.
"""

from app.domain.document import Document, MalformedDocument
from app.domain.framework import squeeze
from app.formats.narrative import read_narrative
from app.formats.tables import department_in, read_project, split_projects, without_margin

TABLES_MARK = "预算项目绩效表"  # the line between the narrative and the tables
# The narrative's three headings, as the writers put them.
HEADINGS = ("一、部门总体绩效目标", "二、分项绩效目标", "三、保障措施")


def build_document(paragraphs, flows, notices, where="文件"):
    """A Document from `paragraphs` [(place, text)] before the tables, the table rows of each
    `flow` (a Word document's tables, continued one into the next; an Excel sheet) and the
    notices the reader gathered; MalformedDocument when no project can be found.

    The paragraphs up to a `预算项目绩效表` line are the narrative; those after it (the
    department's `CODE NAME`, a title) and the rows above a flow's first project are titles.
    """
    marks = [i for i, (_, text) in enumerate(paragraphs) if _is_title(text)]
    cut = marks[0] if marks else len(paragraphs)
    narrative = read_narrative(paragraphs[:cut])
    titles = [text for _, text in paragraphs[cut:] if text.strip()]
    chunks = []
    for rows in flows:
        found = split_projects(without_margin(rows), notices)
        if found:
            before = rows[: rows.index(found[0][0])]
            titles += [text for row in before for text, _ in row.distinct() if text.strip()]
            chunks += found
    if not chunks:
        words = "".join(
            [text for _, text in paragraphs]
            + [c for rows in flows for row in rows for c in row.cells]
        )
        if "整体支出绩效目标" in squeeze(words):
            raise MalformedDocument(
                0,
                f"{where}是部门整体支出绩效目标表，其中没有项目：这里导入的是部门总体绩效目标"
                "和各项目的预算项目绩效表（以“项目编码”或“项目名称”开头的行）",
            )
        raise MalformedDocument(
            0, f"{where}中找不到任何项目的绩效表（以“项目编码”或“项目名称”开头的行）"
        )
    projects = [read_project(chunk, notices, lenient=True) for chunk in chunks]
    code, name = department_in(titles + [text for _, text in paragraphs]) or ("", "")
    return Document(
        department_code=code,
        department_name=name,
        title=" ".join([narrative.title, *titles]).strip(),
        overall_goal=narrative.overall_goal,
        safeguards=narrative.safeguards,
        summaries=narrative.summaries,
        projects=projects,
        notices=[*narrative.notices, *notices],
    )


def _is_title(text):
    words = squeeze(text)
    return words == TABLES_MARK or words.endswith("绩效目标表")


def indicator_table(project):
    """The rows of a project's indicator table as the official form lays them out, for the
    writers: [(一级, 二级, indicator or None)], every slot of `project.slots` in order, an empty
    one as a blank row, indicators under the slot of their 一级/二级 wording; and the spans of the
    merged cells, {row index: rows} for 一级 and for 二级."""
    rows = []
    placed, slots = set(), []
    for slot in project.slots:  # a slot named again (its 一级/二级 text repeated) is one slot
        if (slot.level1, slot.level2) not in {(s.level1, s.level2) for s in slots}:
            slots.append(slot)
    for slot in slots:
        members = [
            i
            for i in project.indicators
            if (i.level1, i.level2) == (slot.level1, slot.level2) and id(i) not in placed
        ]
        placed.update(id(i) for i in members)
        rows.extend((slot.level1, slot.level2, i) for i in members or [None])
    rows.extend((i.level1, i.level2, i) for i in project.indicators if id(i) not in placed)
    level1_spans, level2_spans = {}, {}
    for index, (level1, level2, _) in enumerate(rows):
        previous = rows[index - 1] if index else None
        if previous is None or previous[0] != level1:
            level1_spans[index] = 1
            start1 = index
        else:
            level1_spans[start1] += 1
        if previous is None or previous[:2] != (level1, level2):
            level2_spans[index] = 1
            start2 = index
        else:
            level2_spans[start2] += 1
    return rows, level1_spans, level2_spans
