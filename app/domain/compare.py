"""Two versions of a plan side by side: what was added, removed and changed.

Pure: `compare(old, new)` reads two `Document`s (an approved snapshot, the plan as it is now,
last year's plan) and returns a `Comparison` — the narrative's sections sentence by sentence,
and per project its money, quarters and texts, and its indicators added, removed and changed.

Projects are matched by code (a code differing only in its year part, `B21` → `B22`, is the
same project carried into the next year), then by name. Indicators are matched by identity
(the stored row, when both sides are the same plan), then by 二级 and name, then by name.
"""

import difflib
import re
from dataclasses import dataclass, field

from app.domain.formatting import figure

SENTENCE_END = re.compile(r"(?<=[。；！？!?;\n])")
CODE_YEAR = re.compile(r"^(\d{6}B)\d{2}")
QUARTERS = ("一季度", "二季度", "三季度", "四季度")
PROJECT_TEXTS = (("name", "项目名称"), ("code", "项目编码"), ("funds_use", "资金用途"))
MONEY = (("budget", "预算数"), ("fiscal_funds", "财政资金"), ("other_funds", "其他资金"))
INDICATOR_FIELDS = (
    ("level1", "一级指标"),
    ("level2", "二级指标"),
    ("name", "三级指标"),
    ("description", "指标解释"),
    ("target", "指标值"),
    ("basis", "确定依据"),
)


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class TextDiff:
    """A text compared sentence by sentence: pieces of (op, text), op equal, delete or insert."""

    label: str
    pieces: tuple

    @property
    def changed(self):
        return any(op != "equal" for op, _ in self.pieces)


@dataclass
class IndicatorDiff:
    kind: str  # added, removed, changed
    level2: str
    name: str
    changes: list = field(default_factory=list)  # FieldChange


@dataclass
class ProjectDiff:
    kind: str  # added, removed, changed, same
    code: str
    name: str
    changes: list = field(default_factory=list)  # FieldChange: names, money, quarters
    texts: list = field(default_factory=list)  # TextDiff: 绩效目标, 分项绩效目标 (changed only)
    indicators: list = field(default_factory=list)  # IndicatorDiff

    @property
    def label(self):
        return f"{self.code} {self.name}".strip() or "（未命名项目）"


@dataclass
class Comparison:
    narrative: list  # TextDiff of the plan's sections, changed ones only
    projects: list  # ProjectDiff, in the new document's order, then the removed ones

    @property
    def changed_projects(self):
        return [p for p in self.projects if p.kind != "same"]

    @property
    def empty(self):
        return not self.narrative and not self.changed_projects

    def counts(self):
        """{kind: how many} of projects and indicators, for the summary line."""
        counts = {"projects": {}, "indicators": {}}
        for project in self.changed_projects:
            counts["projects"][project.kind] = counts["projects"].get(project.kind, 0) + 1
            for indicator in project.indicators:
                kinds = counts["indicators"]
                kinds[indicator.kind] = kinds.get(indicator.kind, 0) + 1
        return counts


def compare(old, new):
    """What changed from the `old` document to the `new` one."""
    narrative = [
        diff
        for diff in (
            text_diff("部门总体绩效目标", old.overall_goal, new.overall_goal),
            text_diff("保障措施", old.safeguards, new.safeguards),
        )
        if diff.changed
    ]
    return Comparison(narrative, _projects(old.projects, new.projects))


def sentences(text):
    """A text cut after each sentence's end (。；！？ and line breaks), nothing dropped."""
    return [piece for piece in SENTENCE_END.split(text or "") if piece]


def text_diff(label, old, new):
    """Two texts compared sentence by sentence."""
    a, b = sentences(old), sentences(new)
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("insert", "".join(b[j1:j2])))
    return TextDiff(label, tuple(pieces))


def _pairs(old, new, keys):
    """Match items of two lists by each key function in turn (a key of None never matches);
    returns [(old item or None, new item or None)]: new ones in order, then old ones left."""
    matched, taken = {}, set()
    for key in keys:
        free = {}
        for index, item in enumerate(old):
            k = key(item)
            if index not in taken and k is not None:
                free.setdefault(k, []).append(index)
        for position, item in enumerate(new):
            k = key(item)
            if position in matched or k is None or not free.get(k):
                continue
            index = free[k].pop(0)
            matched[position] = index
            taken.add(index)
    pairs = [(old[matched[i]] if i in matched else None, item) for i, item in enumerate(new)]
    pairs += [(item, None) for index, item in enumerate(old) if index not in taken]
    return pairs


def _code(project):
    return project.code.strip() or None


def _code_without_year(project):
    code = project.code.strip()
    return CODE_YEAR.sub(r"\1", code) if CODE_YEAR.match(code) else None


def _name(item):
    return item.name.strip() or None


def _projects(old, new):
    diffs = []
    for before, after in _pairs(old, new, (_code, _code_without_year, _name)):
        if before is None:
            diffs.append(
                ProjectDiff("added", after.code, after.name, indicators=_all(after, "added"))
            )
        elif after is None:
            diffs.append(
                ProjectDiff("removed", before.code, before.name, indicators=_all(before, "removed"))
            )
        else:
            diffs.append(_project(before, after))
    return diffs


def _all(project, kind):
    return [IndicatorDiff(kind, i.level2, i.name) for i in project.indicators]


def _project(before, after):
    diff = ProjectDiff("same", after.code, after.name)
    for name, label in PROJECT_TEXTS:
        _note(diff.changes, label, getattr(before, name), getattr(after, name))
    for name, label in MONEY:
        _note(diff.changes, f"{label}（万元）", getattr(before, name), getattr(after, name))
    for label, a, b in zip(QUARTERS, before.plan_quarters, after.plan_quarters, strict=False):
        _note(diff.changes, f"{label}累计（%）", a, b)
    for name, label in (("goal", "绩效目标"), ("summary", "分项绩效目标")):
        text = text_diff(label, getattr(before, name), getattr(after, name))
        if text.changed:
            diff.texts.append(text)
    keys = (_identity, _level2_and_name, _name)
    for a, b in _pairs(before.indicators, after.indicators, keys):
        if a is None:
            diff.indicators.append(IndicatorDiff("added", b.level2, b.name))
        elif b is None:
            diff.indicators.append(IndicatorDiff("removed", a.level2, a.name))
        else:
            changes = []
            for name, label in INDICATOR_FIELDS:
                _note(changes, label, getattr(a, name), getattr(b, name))
            if changes:
                diff.indicators.append(IndicatorDiff("changed", b.level2, b.name, changes))
    if diff.changes or diff.texts or diff.indicators:
        diff.kind = "changed"
    return diff


def _identity(indicator):
    return indicator.identity or None


def _level2_and_name(indicator):
    return (indicator.level2, indicator.name.strip()) if indicator.name.strip() else None


def _note(changes, label, old, new):
    old, new = _shown(old), _shown(new)
    if old != new:
        changes.append(FieldChange(label, old, new))


def _shown(value):
    if value is None:
        return ""
    if not isinstance(value, str):
        return figure(value)
    return value
