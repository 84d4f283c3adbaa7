"""What can be edited in place, how a typed value is read, and which values may stand together.

Pure: no Flask, no database. Every editable cell belongs to a *group*, the unit one editor
opens and one save writes. Most groups are one field; 预算数/财政资金/其他资金 are one group,
because a split that must add up can only be changed all at once, and the four quarters of the
spending plan are another. A cell's *version* is a short hash of its stored value: a save
carries the versions the user saw, so a value someone else changed meanwhile is noticed.
"""

import hashlib
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from app.domain.formatting import figure
from app.domain.markdown import MAX_CHARS, too_complex
from app.domain.numbers import NumberError, read_amount, read_percent


class FieldError(ValueError):
    """A typed value that cannot be saved; the message is for the user, in Chinese."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str  # line | text | markdown | amount | percent
    required: bool = False
    max_length: int = 5000

    @property
    def multiline(self):
        return self.kind in ("text", "markdown")


def _specs(*specs):
    return {spec.name: spec for spec in specs}


FIELDS = {
    "indicator": _specs(
        FieldSpec("name", "三级指标", "line", required=True, max_length=100),
        FieldSpec("description", "绩效指标描述", "text", max_length=1000),
        FieldSpec("target", "指标值", "line", max_length=200),
        FieldSpec("basis", "指标值确定依据", "line", max_length=200),
    ),
    "project": _specs(
        FieldSpec("code", "项目编码", "line", max_length=50),
        FieldSpec("name", "项目名称", "line", required=True, max_length=200),
        FieldSpec("funds_use", "项目资金主要用途", "text"),
        FieldSpec("budget", "预算数", "amount"),
        FieldSpec("fiscal_funds", "财政资金", "amount"),
        FieldSpec("other_funds", "其他资金", "amount"),
        FieldSpec("plan_q1", "第一季度", "percent"),
        FieldSpec("plan_q2", "第二季度", "percent"),
        FieldSpec("plan_q3", "第三季度", "percent"),
        FieldSpec("plan_q4", "第四季度", "percent"),
        FieldSpec("goal", "绩效目标", "text"),
        FieldSpec("summary", "分项绩效目标", "markdown", max_length=MAX_CHARS),
    ),
    "plan": _specs(
        FieldSpec("overall_goal", "部门总体绩效目标", "markdown", max_length=MAX_CHARS),
        FieldSpec("safeguards", "保障措施", "markdown", max_length=MAX_CHARS),
    ),
}

MONEY = ("budget", "fiscal_funds", "other_funds")
QUARTERS = ("plan_q1", "plan_q2", "plan_q3", "plan_q4")

# Group name → its fields, per entity; a field not named here is a group of its own.
_MULTI = {"project": {"money": MONEY, "quarters": QUARTERS}}


def _groups(entity):
    multi = _MULTI.get(entity, {})
    grouped = {name for fields in multi.values() for name in fields}
    single = {name: (name,) for name in FIELDS[entity] if name not in grouped}
    return {**single, **multi}


GROUPS = {entity: _groups(entity) for entity in FIELDS}


def groups(entity):
    """Every group of an entity, {group: (field, …)}; empty for an unknown entity."""
    return GROUPS.get(entity, {})


def group_of(entity, field):
    """The group a field is edited in (budget → money), or None."""
    return next((group for group, names in groups(entity).items() if field in names), None)


@dataclass(frozen=True)
class Edit:
    """What one editor posts for a group: each field's typed text and the version the user saw."""

    entity: str
    group: str
    typed: dict  # field → text as typed
    seen: dict  # field → version of the value the user started from

    @property
    def names(self):
        return tuple(self.typed)

    @classmethod
    def from_form(cls, entity, group, form):
        """The edit an editor's form posts (`name` and `version-name` per field); None when the
        entity has no such group."""
        names = groups(entity).get(group)
        if names is None:
            return None
        typed = {name: form.get(name, "") for name in names}
        seen = {name: form.get(f"version-{name}", "") for name in names}
        return cls(entity, group, typed, seen)


def version(value):
    """The version of a stored value: a short hash of how it is shown."""
    return hashlib.sha1(as_text(value).encode("utf-8")).hexdigest()[:12]


def as_text(value):
    """A stored value as the text an editor shows and history keeps ('' for nothing)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return figure(value)
    return str(value)


# Bidirectional embeddings, overrides and isolates: they make text read other than it is stored.
_BIDI_CONTROLS = frozenset(map(chr, (*range(0x202A, 0x202F), *range(0x2066, 0x206A))))


def hidden_character(text, newlines=False):
    """The first character that may not be typed into a cell or a name, as `U+XXXX`; None when
    there is none. NUL and every other control character are refused (a line break only where
    the text has lines), and the bidirectional controls."""
    for char in text:
        if char == "\n" and newlines:
            continue
        if unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
            return f"U+{ord(char):04X}"
    return None


def parse(spec, raw):
    """The value to store for what the user typed, or FieldError with a message."""
    text = (raw or "").replace("\r\n", "\n").replace("\r", "\n")
    hidden = hidden_character(text, newlines=True)
    if hidden:
        raise FieldError(f"{spec.label}含有不可见的控制字符（{hidden}），请删除后再保存")
    if spec.kind in ("amount", "percent"):
        return _number(spec, text)
    if spec.kind == "line":
        text = " ".join(text.split("\n")).strip()
    elif not text.strip():
        text = ""
    if spec.required and not text.strip():
        raise FieldError(f"请填写{spec.label}")
    if len(text) > spec.max_length:
        raise FieldError(f"{spec.label}不能超过{spec.max_length}个字，现有{len(text)}个字")
    problem = too_complex(text) if spec.kind == "markdown" else None
    if problem:
        raise FieldError(f"{spec.label}无法保存：{problem}")
    return text


def _number(spec, text):
    reader = read_amount if spec.kind == "amount" else read_percent
    try:
        value = reader(text)
    except NumberError as error:
        raise FieldError(f"{spec.label}{error}") from None
    if spec.kind == "percent" and value is not None and not 0 <= value <= 100:
        raise FieldError(f"{spec.label}的累计进度应在0到100之间，不能是{figure(value)}")
    return value


def check_together(entity, group, values):
    """Messages for values that cannot stand together, {field: message}; empty when fine.

    `values` holds every field of the group as it would be saved.
    """
    if (entity, group) == ("project", "money"):
        return _money_adds_up(values)
    if (entity, group) == ("project", "quarters"):
        return _quarters_cumulative(values)
    return {}


def _money_adds_up(values):
    budget, fiscal, other = (values[name] for name in MONEY)
    if budget is None and fiscal is None and other is None:
        return {}
    parts = (fiscal or Decimal(0)) + (other or Decimal(0))
    if parts != (budget or Decimal(0)):
        return {
            "budget": f"财政资金 {figure(fiscal or 0)} + 其他资金 {figure(other or 0)} = "
            f"{figure(parts)}，应等于预算数 {figure(budget or 0)}"
        }
    return {}


def _quarters_cumulative(values):
    previous = None
    for name in QUARTERS:
        value = values[name]
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            label, earlier = FIELDS["project"][name].label, FIELDS["project"][previous[0]].label
            return {
                name: f"资金支出计划是累计进度，{label}（{figure(value)}）"
                f"不能小于{earlier}（{figure(previous[1])}）"
            }
        previous = (name, value)
    return {}
