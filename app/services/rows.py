"""Adding, inserting, moving and deleting the indicator rows of a project; each is recorded.

Rows keep a position in their project; the table shows them grouped by 二级 in that order, so
moving within a 二级 swaps two positions and every operation renumbers the rows 0…n.
"""

from app.db import database
from app.models import Category, Indicator
from app.services.history import record_change, soft_delete


class RowError(ValueError):
    """An operation that does not apply; the message is for the user, in Chinese."""


def level2_categories(plan):
    """The 二级 categories an indicator of this plan may sit in, by id."""
    return {child.id: child for _, children in plan.categories() for child in children}


def _ordered(project):
    return list(project.ordered_indicators())


def _renumber(rows):
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            row.save(only=[Indicator.position])


def add(project, category_id, user=""):
    """A new empty indicator at the end of a 二级 (an empty slot included)."""
    category = level2_categories(project.plan).get(category_id)
    if category is None:
        raise RowError("这个二级指标不属于本项目采用的指标体系")
    with database.atomic():
        rows = _ordered(project)
        indicator = Indicator.create(project=project, category=category, position=len(rows))
        record_change("indicator", indicator, "create", new=category.name, user=user)
        return indicator


def insert(indicator, where, user=""):
    """A new empty indicator directly above or below another, in the same 二级."""
    if where not in ("above", "below"):
        raise RowError("只能在上方或下方插入")
    with database.atomic():
        rows = _ordered(indicator.project)
        index = [row.id for row in rows].index(indicator.id) + (where == "below")
        new = Indicator.create(
            project=indicator.project_id, category=indicator.category_id, position=index
        )
        rows.insert(index, new)
        _renumber(rows)
        record_change("indicator", new, "create", new=indicator.category.name, user=user)
        return new


def move(indicator, direction, user=""):
    """Swap an indicator with its neighbour above or below within its 二级."""
    with database.atomic():
        rows = _ordered(indicator.project)
        ids = [row.id for row in rows]
        siblings = [row for row in rows if row.category_id == indicator.category_id]
        index = [row.id for row in siblings].index(indicator.id)
        other_index = index - 1 if direction == "up" else index + 1
        if direction not in ("up", "down") or not 0 <= other_index < len(siblings):
            raise RowError("已经在最上面了" if direction == "up" else "已经在最下面了")
        a, b = ids.index(indicator.id), ids.index(siblings[other_index].id)
        rows[a], rows[b] = rows[b], rows[a]
        _renumber(rows)
        record_change("indicator", indicator, "move", "position", a, b, user)


def move_to(indicator, category_id, user=""):
    """Move an indicator to the end of another 二级 of its plan."""
    project = indicator.project
    category = level2_categories(project.plan).get(category_id)
    if category is None:
        raise RowError("这个二级指标不属于本项目采用的指标体系")
    if category.id == indicator.category_id:
        raise RowError("指标已经在这个二级指标下")
    with database.atomic():
        old = Category.get_by_id(indicator.category_id).name
        rows = [row for row in _ordered(project) if row.id != indicator.id]
        indicator.category = category
        indicator.save(only=[Indicator.category])
        _renumber([*rows, indicator])
        record_change("indicator", indicator, "move", "category", old, category.name, user)


def delete(indicator, user=""):
    """Delete an indicator (restorable); returns the change, whose id undoes it."""
    return soft_delete("indicator", indicator, user)
