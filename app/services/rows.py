"""Adding, inserting, moving and deleting the indicator rows of a project; each is recorded.

Rows keep a position in their project; the table shows them grouped by 二级 in that order, so
moving within a 二级 swaps two positions and every operation renumbers the rows 0…n. Each
operation re-reads its row and checks the user's right inside its transaction
(app/services/records.py), so a plan submitted meanwhile is not changed, and is one undo step
(app/services/history.py `step`).
"""

from app.db import database
from app.models import Category, Indicator
from app.services.history import record_change, soft_delete, step
from app.services.records import load_for_edit


class RowError(ValueError):
    """An operation that does not apply; the message is for the user, in Chinese."""


def level2_categories(plan):
    """The 二级 categories an indicator of this plan may sit in, by id."""
    return {child.id: child for _, children in plan.categories() for child in children}


def _ordered(project):
    return list(project.ordered_indicators())


def renumber(rows):
    """Number rows 0…n in the order given (the table's order after an operation)."""
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            row.save(only=[Indicator.position])


def add(user, project_id, category_id):
    """A new empty indicator at the end of a 二级 (an empty slot included)."""
    with database.atomic(), step():
        project = load_for_edit(user, "project", project_id)
        category = level2_categories(project.plan).get(category_id)
        if category is None:
            raise RowError("这个二级指标不属于本项目采用的指标体系")
        rows = _ordered(project)
        indicator = Indicator.create(project=project, category=category, position=len(rows))
        record_change("indicator", indicator, "create", new=category.name, user=user.username)
        return indicator


def insert(user, indicator_id, where):
    """A new empty indicator directly above or below another, in the same 二级."""
    if where not in ("above", "below"):
        raise RowError("只能在上方或下方插入")
    with database.atomic(), step():
        indicator = load_for_edit(user, "indicator", indicator_id, with_project=True)
        rows = _ordered(indicator.project)
        index = [row.id for row in rows].index(indicator.id) + (where == "below")
        new = Indicator.create(
            project=indicator.project, category=indicator.category_id, position=index
        )
        rows.insert(index, new)
        renumber(rows)
        record_change("indicator", new, "create", new=indicator.category.name, user=user.username)
        return new


def move(user, indicator_id, direction):
    """Swap an indicator with its neighbour above or below within its 二级."""
    if direction not in ("up", "down"):
        raise RowError("只能上移或下移")
    with database.atomic(), step():
        indicator = load_for_edit(user, "indicator", indicator_id, with_project=True)
        rows = _ordered(indicator.project)
        ids = [row.id for row in rows]
        siblings = [row for row in rows if row.category_id == indicator.category_id]
        index = [row.id for row in siblings].index(indicator.id)
        other_index = index - 1 if direction == "up" else index + 1
        if not 0 <= other_index < len(siblings):
            raise RowError("已经在最上面了" if direction == "up" else "已经在最下面了")
        a, b = ids.index(indicator.id), ids.index(siblings[other_index].id)
        rows[a], rows[b] = rows[b], rows[a]
        renumber(rows)
        record_change("indicator", indicator, "move", "position", a, b, user.username)


def move_to(user, indicator_id, category_id):
    """Move an indicator to the end of another 二级 of its plan."""
    with database.atomic(), step():
        indicator = load_for_edit(user, "indicator", indicator_id, with_project=True)
        project = indicator.project
        category = level2_categories(project.plan).get(category_id)
        if category is None:
            raise RowError("这个二级指标不属于本项目采用的指标体系")
        if category.id == indicator.category_id:
            raise RowError("指标已经在这个二级指标下")
        old = Category.get_by_id(indicator.category_id).name
        rows = [row for row in _ordered(project) if row.id != indicator.id]
        indicator.category = category
        indicator.save(only=[Indicator.category])
        renumber([*rows, indicator])
        record_change("indicator", indicator, "move", "category", old, category.name, user.username)


def delete(user, indicator_id):
    """Delete an indicator (restorable); returns the change, whose id undoes it."""
    with database.atomic(), step():
        indicator = load_for_edit(user, "indicator", indicator_id, with_project=True)
        return soft_delete("indicator", indicator, user.username)
