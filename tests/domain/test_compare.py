"""Two versions of a plan compared: projects and indicators added, removed and changed, money
and quarters, and the narrative's changed sentences."""

import copy
from decimal import Decimal as D

from app.domain.compare import compare, sentences, text_diff
from app.domain.document import IndicatorData
from app.formats.text import read
from app.services.setup import DEMO_FILE


def _seed():
    return read(DEMO_FILE.read_bytes())


def test_the_same_document_has_no_differences():
    assert compare(_seed(), _seed()).empty


def test_next_year_against_this_year():
    old, new = _seed(), _seed()
    first = new.projects[0]
    first.code = first.code[:7] + "22" + first.code[9:]  # the same project, carried into 2022
    first.budget, first.fiscal_funds = D("300.5"), D("300.5")
    first.plan_quarters[1] = D(60)
    first.indicators[0].target = "27000平方米"
    removed = first.indicators.pop(1)
    first.indicators.append(IndicatorData("产出指标", "数量指标", "新增场馆", "", "2个", "计划", 0))
    gone = new.projects.pop()
    new.overall_goal = old.overall_goal.replace("。", "。新增一句话。", 1)

    result = compare(old, new)

    assert [(p.kind, p.code) for p in result.changed_projects] == [
        ("changed", first.code),
        ("removed", gone.code),
    ]
    changed = result.changed_projects[0]
    labels = {c.label: (c.old, c.new) for c in changed.changes}
    assert labels["项目编码"][1] == first.code
    assert labels["预算数（万元）"][1] == "300.50"
    assert labels["二季度累计（%）"][1] == "60.00"
    kinds = [(i.kind, i.name) for i in changed.indicators]
    assert ("removed", removed.name) in kinds and ("added", "新增场馆") in kinds
    target = next(i for i in changed.indicators if i.kind == "changed")
    assert [(c.label, c.new) for c in target.changes] == [("指标值", "27000平方米")]
    assert result.counts()["projects"] == {"changed": 1, "removed": 1}
    (narrative,) = result.narrative
    assert ("insert", "新增一句话。") in narrative.pieces


def test_indicators_are_matched_by_identity_before_their_name():
    old, new = _seed(), _seed()
    for document in (old, new):
        for number, indicator in enumerate(document.projects[0].indicators):
            indicator.identity = str(number)
    renamed = new.projects[0].indicators[0]
    renamed.name = "租赁面积"
    (project,) = compare(old, new).changed_projects
    (indicator,) = project.indicators
    assert indicator.kind == "changed" and [c.label for c in indicator.changes] == ["三级指标"]


def test_sentences_keep_every_character_and_a_changed_one_is_marked():
    text = "第一句。第二句；第三句！\n第四句"
    assert "".join(sentences(text)) == text
    diff = text_diff("x", text, text.replace("第二句", "改过的第二句"))
    assert diff.pieces == (
        ("equal", "第一句。"),
        ("delete", "第二句；"),
        ("insert", "改过的第二句；"),
        ("equal", "第三句！\n第四句"),
    )
    assert not copy.deepcopy(text_diff("x", text, text)).changed
