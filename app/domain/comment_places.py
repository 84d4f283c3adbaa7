"""Where a comment is, and how the lists name it. Pure.

A comment is on a cell group (app/domain/fields.py `groups`) of the plan's narrative, of a
project or of an indicator row; or on a whole project or row (field ''). The narrative has no
"whole": a comment on the plan says which section it is about.
"""

from dataclasses import dataclass

from app.domain.fields import FIELDS, groups

# Groups of several fields are named by what they hold together.
GROUP_LABELS = {("project", "money"): "资金", ("project", "quarters"): "资金支出计划"}


class PlaceError(ValueError):
    """A place no comment can be on; the message is for the user, in Chinese."""


@dataclass(frozen=True)
class Place:
    """A comment's place: the plan, and the project, row and cell group within it."""

    plan_id: int
    project_id: int | None = None
    indicator_id: int | None = None
    field: str = ""

    @property
    def entity(self):
        """plan, project or indicator: what `field` is a group of."""
        if self.indicator_id is not None:
            return "indicator"
        return "plan" if self.project_id is None else "project"

    def check(self):
        """The place itself, or PlaceError when it names no cell group of its entity."""
        if self.indicator_id is not None and self.project_id is None:
            raise PlaceError("意见针对的指标缺少所属项目。")
        if self.field == "" and self.entity != "plan":
            return self
        if self.field not in groups(self.entity):
            shown = self.field if len(self.field) <= 30 else self.field[:30] + "…"
            raise PlaceError(f"意见针对的位置“{shown}”不存在，请从页面上的“意见”处提出。")
        return self


def field_label(entity, field):
    """The name of a cell group as the form heads it (资金, 指标值); '' for a whole record."""
    if not field:
        return ""
    if (entity, field) in GROUP_LABELS:
        return GROUP_LABELS[(entity, field)]
    return FIELDS[entity][groups(entity)[field][0]].label


def label(place, indicator_name=None, project_name=None):
    """What a comment list says a thread is about: 指标“科普活动次数” · 指标值, 资金,
    部门总体绩效目标; with `project_name`, the project is named too (on the plan's page)."""
    parts = []
    if project_name is not None and place.project_id is not None:
        parts.append(f"项目“{project_name or '（未命名）'}”")
    if place.indicator_id is not None:
        parts.append(f"指标“{indicator_name or '（未命名）'}”")
    cell = field_label(place.entity, place.field)
    if cell:
        parts.append(cell)
    return " · ".join(parts) or "整个项目"
