"""Pasting a block copied from Excel or WPS into a project's indicator table, as one undo step.

The block (app/domain/clipboard.py) goes from a start cell rightwards over the table's columns
(三级指标, 绩效指标描述, 指标值, 指标值确定依据) and downwards over the rows of the start row's
二级, in the table's order. When the block has more rows than the 二级 has left, new rows are
added at the end of that 二级, as the ＋ button adds them (app/services/rows.py `add`).

Every cell is read as a save of that cell reads it (app/domain/fields.py `parse`): one refused
cell refuses the whole paste, saying which row and column of the block. Only cells whose value
changes are written, each recorded in the history like a cell save, and the whole paste (rows
added included) is one transaction and one step (app/services/history.py `step`), so Ctrl+Z
takes it back whole. The user's right to edit the plan is asked inside the transaction. A
preview runs the same reading and answers what would change, writing nothing.
"""

from dataclasses import dataclass, field

from app.db import database
from app.domain import clipboard
from app.domain.fields import FIELDS, FieldError, as_text, groups, parse, version
from app.services import rows
from app.services.errors import NotFound
from app.services.history import record_change, step
from app.services.records import filed_under, load, load_for_edit

# The indicator table's editable columns, left to right (templates/projects/_indicator_table.html).
COLUMNS = tuple(groups("indicator"))
# A block taller than any indicator table is a mistake (a whole sheet copied), not a paste.
MAX_ROWS = 200
NEW_ROW = "（新行）"
_NO_NEW_ROWS = "这一行所在的二级指标不属于本项目采用的指标体系，不能在其下新增行"


class PasteError(ValueError):
    """A paste refused; the message says why, in Chinese. Nothing was written."""


@dataclass
class CellChange:
    """One cell a paste changes: the block's row (1-based), the row's name before the paste
    (NEW_ROW for a row the paste adds), the column's label, and the texts before and after."""

    row: int
    indicator: str
    label: str
    old: str
    new: str


@dataclass
class Pasted:
    """What a paste did (or, previewed, would do)."""

    changes: list = field(default_factory=list)
    rows_added: int = 0
    written: bool = False


def paste(user, project_id, indicator_id, column, text, preview=False):
    """Paste the copied `text` into a project's table from the cell (`indicator_id`, `column`).

    NotFound when that cell is not in the project; Forbidden when the user may not edit the plan
    now; PasteError for a block that is empty, too wide or too long, or a cell refused.
    With `preview`, nothing is written.
    """
    if column not in COLUMNS:
        raise NotFound(f"column {column}")
    columns = COLUMNS[COLUMNS.index(column) :]
    with database.atomic(), step():
        project = load_for_edit(user, "project", project_id)
        start = _start(user, project, indicator_id)
        block = _block(text, columns)
        targets = _rows_from(user, project, start, len(block))
        pasted = Pasted(rows_added=len(block) - len(targets))
        if pasted.rows_added and start.category_id not in rows.level2_categories(project.plan):
            raise PasteError(f"粘贴的内容有{len(block)}行，{_NO_NEW_ROWS}")
        for number, cells in enumerate(block, 1):
            record = targets[number - 1] if number <= len(targets) else None
            row_name = NEW_ROW if record is None else record.name or "（未命名）"
            for name, value in zip(columns, cells, strict=False):
                old = getattr(record, name) if record is not None else ""
                if version(old) != version(value):
                    label = FIELDS["indicator"][name].label
                    change = CellChange(number, row_name, label, as_text(old), as_text(value))
                    pasted.changes.append(change)
        if preview:
            return pasted
        for number, cells in enumerate(block, 1):
            if number <= len(targets):
                record = targets[number - 1]
            else:
                record = _new_row(user, project, start)
            _write(user, record, dict(zip(columns, cells, strict=False)))
        pasted.written = True
        return pasted


def _block(text, columns):
    """The copied block read cell by cell as the columns it lands in read a typed value."""
    block = clipboard.cells(text)
    if not block:
        raise PasteError("没有可粘贴的内容：剪贴板是空的")
    width = max(len(cells) for cells in block)
    if width > len(columns):
        first = FIELDS["indicator"][columns[0]].label
        raise PasteError(f"粘贴的内容有{width}列，从“{first}”起只有{len(columns)}列")
    if len(block) > MAX_ROWS:
        raise PasteError(f"粘贴的内容有{len(block)}行，一次最多粘贴{MAX_ROWS}行")
    parsed = []
    for row, cells in enumerate(block, 1):
        parsed.append([])
        for column, (name, typed) in enumerate(zip(columns, cells, strict=False), 1):
            spec = FIELDS["indicator"][name]
            try:
                parsed[-1].append(parse(spec, typed))
            except FieldError as error:
                raise PasteError(f"第{row}行第{column}列（{spec.label}）：{error}") from None
    return parsed


def _start(user, project, indicator_id):
    """The start row, live and in this project, locked; else NotFound."""
    start = load(user, "indicator", indicator_id, for_update=True)
    if start.project_id != project.id:
        raise NotFound(f"indicator {indicator_id} of project {project.id}")
    return start


def _rows_from(user, project, start, count):
    """Up to `count` rows of the start row's 二级, from the start row down, locked (the start
    row was locked first: on PostgreSQL two pastes lock rows in table order after the project)."""
    siblings = [
        row.id for row in project.ordered_indicators() if row.category_id == start.category_id
    ]
    ids = siblings[siblings.index(start.id) :][:count]
    return [start] + [load(user, "indicator", row_id, for_update=True) for row_id in ids[1:]]


def _new_row(user, project, start):
    """A row added at the end of the start row's 二级 (one of the plan's: checked before), in the
    paste's step."""
    return rows.add(user, project.id, start.category_id)


def _write(user, record, values):
    """Write the values that differ from the record's, each recorded as a cell save records it."""
    written, where = [], filed_under("indicator", record)
    for name, value in values.items():
        old = getattr(record, name)
        if version(old) == version(value):
            continue
        setattr(record, name, value)
        record_change("indicator", record, "edit", name, old, value, user.username, where)
        written.append(getattr(type(record), name))
    if written:
        record.save(only=written)
