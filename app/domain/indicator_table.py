"""The rows of the 预算项目绩效表 indicator table, laid out as the official form lays them out.

Every 二级 of the plan's layout gets at least one row, an empty one being a blank slot; the 一级
and 二级 cells are merged over their rows, so each row says whether it opens a merged cell and
how many rows that cell spans. Pure: it takes categories and indicators, not a request.
"""

from dataclasses import dataclass


@dataclass
class MergedCell:
    category: object  # the Category the cell names
    label: str  # the plan's wording of it
    rowspan: int


@dataclass
class TableRow:
    category: object  # the 二级 Category of the row
    indicator: object = None  # None for an empty slot
    level1: MergedCell | None = None  # set on the first row of a 一级
    level2: MergedCell | None = None  # set on the first row of a 二级


def indicator_rows(categories, indicators, labels):
    """Rows for `categories` [(一级, [二级…])…] holding `indicators` (in display order).

    `labels` maps a category id to the plan's own wording. An indicator whose category is not
    in `categories` (left over from another layout) still gets rows, under its own category,
    so that nothing stored is hidden.
    """
    by_category = {}
    for indicator in indicators:
        by_category.setdefault(indicator.category_id, []).append(indicator)
    tree = [(parent, list(children)) for parent, children in categories]
    shown = {child.id for _, children in tree for child in children}
    for category_id, rows in by_category.items():
        if category_id not in shown:
            stray = rows[0].category
            tree.append((stray.parent, [stray]))
            shown.add(category_id)

    rows = []
    for parent, children in tree:
        group = []
        for child in children:
            members = by_category.get(child.id) or [None]
            cell = MergedCell(child, labels.get(child.id, child.name), len(members))
            for index, indicator in enumerate(members):
                group.append(TableRow(child, indicator, level2=cell if index == 0 else None))
        if group:
            group[0].level1 = MergedCell(parent, labels.get(parent.id, parent.name), len(group))
            rows.extend(group)
    return rows
