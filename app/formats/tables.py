"""The one interpreter of 预算项目绩效表 tables: rows of cells → the projects of a `Document`.

Every reader hands it rows: the text layout one row per group of TAB lines, Word one row per
table row, Excel one row per sheet row. A cell merged with the one above or on its left, or left
blank to mean "the same as above", is an empty string; the same text repeated row after row
means the same thing. Rows are recognised by their words, never by their position: the label
rows above the indicator table (项目编码, 项目名称, 项目资金主要用途, 资金支出计划, 绩效目标, and
money wherever a row or a cell states it, as in `年度资金总额：854万元`), then the header row found
by its words (指标值, 年度指标值, 指标值及单位…; a 中期/年度 pair reads 年度; comparator, number and
unit in three columns read as one value), then the indicator rows.

The text layout is read by the `STRICT` rules, Word and Excel files by the `LENIENT` ones;
`Rules` names each thing only the lenient reading guesses. Each cell knows its place: a line of
a text file, or a sheet or table, row and column, so that a refusal (`MalformedDocument`) or a
notice names it. Pure: no Flask, no database.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from app.domain.document import IndicatorData, MalformedDocument, Notice, ProjectData, SlotData
from app.domain.framework import LAYOUTS, bare, canonical_level1, canonical_level2, squeeze
from app.domain.numbers import NumberError, read_amount, read_percent

# Label cells of the rows above the indicator table, by the field they fill.
FIELD_LABELS = {
    "项目编码": "code",
    "项目代码": "code",
    "项目名称": "name",
    "专项名称": "name",
    "专项项目名称": "name",  # 专项(项目)名称, brackets taken off
    "项目专项名称": "name",
    "项目资金主要用途": "funds_use",
    "项目资金用途": "funds_use",
    "绩效目标": "goal",
    "年度绩效目标": "goal",
    "年度目标": "goal",
    "总体目标": "goal",
    "年度总体目标": "goal",
    "项目总体目标": "goal",
    "预算数": "budget",
    "年度预算数": "budget",
    "全年预算数": "budget",
    "项目总金额": "budget",
    "年度资金总额": "budget",
    "资金总额": "budget",
    "财政资金": "fiscal_funds",
    "财政拨款": "fiscal_funds",
    "本年财政拨款": "fiscal_funds",
    "财政拨款资金": "fiscal_funds",
    "其中财政资金": "fiscal_funds",
    "其他资金": "other_funds",
    "其中其他资金": "other_funds",
}
MONEY_FIELDS = ("budget", "fiscal_funds", "other_funds")
PROJECT_STARTS = ("code", "name")
PLAN_LABEL = "资金支出计划"
QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")
_QUARTER_WORDS = {
    **{name: index for index, name in enumerate(QUARTERS)},
    **{f"{n}季度": i for i, n in enumerate("一二三四")},
    **{f"第{n}季度": i for i, n in enumerate("1234", 0)},
    **{f"{n}季度": i for i, n in enumerate("1234", 0)},
    **{f"Q{n}": i for i, n in enumerate("1234", 0)},
}

# Header words of the indicator table, by the column they name. `skip` columns are read past
# with a notice; `comparator` and `unit` columns join the value (≥ | 70 | 万元 → ≥70万元).
HEADER_WORDS = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "指标内容": "name",
    "指标名称": "name",
    "绩效标准": "description",
    "绩效指标描述": "description",
    "指标描述": "description",
    "指标解释": "description",
    "指标值": "target",
    "指标目标值": "target",
    "目标值": "target",
    "年度指标值": "target",
    "指标值及单位": "target",
    "当年预期实现值": "target",
    "年度目标值": "target",
    "中期指标值": "skip",
    "中期目标值": "skip",
    "分值": "skip",
    "权重": "skip",
    "指标性质": "skip",
    "指标方向": "skip",
    "序号": "skip",
    "备注": "skip",
    "度量单位": "unit",
    "计量单位": "unit",
    "单位": "unit",
    "比较符": "comparator",
    "比较符号": "comparator",
    "运算符": "comparator",
    "符号": "comparator",
    "指标值确定依据": "basis",
    "指标值设定依据": "basis",
    "确定依据": "basis",
    "设定依据": "basis",
}
REQUIRED_COLUMNS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "target": "指标值",
}
_COMPARATORS = {"≥", "≤", ">", "<", "=", "＞", "＜", "＝", ">=", "<=", "≧", "≦"}
_QUALITATIVE = {"定性", "定量", "正向", "反向"}
_BASIS_WORDS = ("计划标准", "历史标准", "行业标准", "预算支出标准", "其他标准")
_BASIS_INSIDE = re.compile(r"^(.*?)\s*[（(]\s*(" + "|".join(_BASIS_WORDS) + r")\s*[)）]\s*$")
# A row below the table that is not an indicator: who filled it in, when, the stamp.
_FOOTER = re.compile(
    r"^(填报人|填表人|审核人|负责人|单位负责人|联系人|联系电话|填报日期|日期|单位（盖章）|填报单位)"
)
# An amount in prose, with whatever a mistyped number carries (1e309万元, 1.2.3万元): read, or
# refused with its place, never skipped as if the prose named no amount.
_AMOUNT = r"([0-9][0-9.,eE+\-]*\s*(?:万元|元))"
_CENT = Decimal("0.01")
_PLACEHOLDER = re.compile(r"^[.…。·、\s]+$")
_LABEL_OF = {"budget": "预算数", "fiscal_funds": "财政资金", "other_funds": "其他资金"}
_PAIR = re.compile(r"([^\s：:，,；;。]+?)\s*[：:]\s*([^\s：:，,；;]*)")
_LEVEL1_NAMES = {name for layout in LAYOUTS.values() for name, _ in layout}
_LEVEL2_NAMES = {kid for layout in LAYOUTS.values() for _, kids in layout for kid in kids}
# A title line names the department; a sentence of the narrative does not, whatever its numbers.
_SENTENCE = re.compile(r"[。！？!?]")
_TITLE_LENGTH = 80


@dataclass(frozen=True)
class Rules:
    """How freely rows are read. The text layout is one known shape, read strictly: what it does
    not know is an error naming its line. Word and Excel files come in other regions' forms, read
    leniently: each rule below reads something such forms write their own way, and what is still
    not known is read past with a notice."""

    loose_layout: bool  # quarters in any columns; the header again (续表); rows of another width
    rows_below: bool  # a footer, or a row naming no 一级, ends the table; a 一级 alone is a slot
    pairs_in_cells: bool  # a cell stating label and value itself: `年度资金总额：854万元`
    plan_fractions: bool  # a plan of fractions (0.25 … 1, a spreadsheet's 25%) read as percents
    basis_in_value: bool  # `100%(历史标准)`: the value 100% and the basis 历史标准
    inferred_columns: bool  # a column of comparators whatever its header; 中期 | 年度 sub-headers


STRICT = Rules(*[False] * 6)
LENIENT = Rules(*[True] * 6)


@dataclass
class Row:
    """A row of a table: its cells' text ('' for a merged-away or blank cell), the place of each
    (a line number, or a sheet or table, row and column), and which cells are only the
    continuation of a merge across columns (left out when pairing labels with values)."""

    cells: list = field(default_factory=list)
    places: list = field(default_factory=list)
    across: list = field(default_factory=list)
    identity: str = ""  # the indicator our own export wrote this row from, when it says

    @property
    def place(self):
        return self.places[0]

    @property
    def label(self):
        return squeeze(self.cells[0]) if self.cells else ""

    def distinct(self):
        """(text, place) of the cells, a cell merged across columns once."""
        spans = self.across or [False] * len(self.cells)
        return [(c, p) for c, p, a in zip(self.cells, self.places, spans, strict=True) if not a]

    def is_header(self):
        """Whether this is the indicator table's header row (一级指标 … 三级指标 …, or a form's
        of two levels: 一级指标 | 二级指标 | … | 指标值)."""
        words = {HEADER_WORDS.get(squeeze(cell)) for cell in self.cells}
        return {"level1", "name"} <= words or {"level1", "level2", "target"} <= words


def without_margin(rows):
    """The rows without the columns left empty in all of them: a sheet that starts at column B
    or C, a margin column, reads as one that starts at A."""
    margin = min((_leading_blanks(row) for row in rows), default=0)
    for row in rows:
        del row.cells[:margin], row.places[:margin], row.across[:margin]
    return rows


def _leading_blanks(row):
    return next((i for i, cell in enumerate(row.cells) if cell.strip()), len(row.cells))


def starts_project(row):
    """Whether a row opens a project: 项目编码 or 项目名称, as a cell or as `项目名称：…`."""
    return _opening(row) in PROJECT_STARTS


def _opening(row):
    """The field a row's first cell names (项目编码 → code, `项目名称：…` → name), or None."""
    # Its first cell with text: a Word row may start after empty grid columns (gridBefore).
    for text, _ in row.distinct():
        if text.strip():
            return FIELD_LABELS.get(_label_key(re.split(r"[：:]", text, maxsplit=1)[0])[0])
    return None


def split_projects(rows, notices):
    """Rows of a sheet or a document → the rows of each project, found by their words: rows
    before the first project are titles (left to the caller), a new 项目编码/项目名称 row after
    a project's indicators opens the next project."""
    projects, current, seen_header = [], None, False
    for row in rows:
        if starts_project(row) and (current is None or seen_header or _restates(row, current)):
            current, seen_header = [row], False
            projects.append(current)
        elif current is not None:
            seen_header = seen_header or row.is_header()
            current.append(row)
    return projects


def _restates(row, rows):
    """Whether a project's opening label comes again before its indicators (a new project)."""
    return any(_opening(r) == _opening(row) for r in rows)


def read_project(rows, notices, lenient=False):
    """One project's rows → `ProjectData`, by the `LENIENT` rules (Word and Excel) or the
    `STRICT` ones (the text layout, strict about its own shape)."""
    rules = LENIENT if lenient else STRICT
    project = ProjectData(code="", name="", line=rows[0].place)
    explicit_money = set()
    index = 0
    while index < len(rows):
        row = rows[index]
        # Strictly, 一级指标 alone opens the header, so that one lacking columns is named as such.
        if row.is_header() or (not rules.loose_layout and HEADER_WORDS.get(row.label) == "level1"):
            _indicators(project, row, rows[index + 1 :], notices, rules)
            break
        if row.label.startswith(PLAN_LABEL):
            values = rows[index + 1] if index + 1 < len(rows) else None
            project.plan_quarters = _quarters(row, values, rules)
            index += 2
            continue
        _labels(project, row, explicit_money, notices, rules)
        index += 1
    else:
        raise MalformedDocument(
            rows[-1].places[-1],
            f"项目“{project.name or project.code}”缺少指标表头（一级指标、二级指标、三级指标……）",
        )
    _money_from_prose(project, explicit_money)
    return project


def _labels(project, row, explicit_money, notices, rules):
    """A row of label and value cells (项目编码 | CODE | 项目名称 | NAME), or, by the lenient
    rules, cells that hold both (`年度资金总额：854万元`, `其中：财政资金：854万元 其他资金：0万元`),
    wherever they are."""
    cells = row.distinct()
    position = 0
    while position < len(cells):
        text, place = cells[position]
        if rules.loose_layout and not text.strip():
            position += (
                1  # an empty cell before a label (a Word row after gridBefore) labels nothing
            )
            continue
        if rules.pairs_in_cells and _pairs(project, text, place, explicit_money):
            position += 1
            continue
        label, unit = _label_key(text)
        name = FIELD_LABELS.get(label)
        value, value_place = cells[position + 1] if position + 1 < len(cells) else ("", place)
        if name is None and rules.loose_layout and _label_key(value)[0] in FIELD_LABELS:
            # 资金情况（万元） | 资金总额 | 35: a heading over labels, not a label with its value.
            notices.append(Notice(place, f"未识别的栏目“{text[:20]}”，已忽略"))
            position += 1
            continue
        if (
            rules.pairs_in_cells
            and name is None
            and any(key in MONEY_FIELDS for key, _ in _known_pairs(value))
        ):
            position += 1  # 项目资金（万元） | 年度资金总额：854万元: the value says what it is
            continue
        if name is None:
            if label or value:
                notices.append(Notice(place, f"未识别的栏目“{text[:20]}”，已忽略"))
        else:
            if (
                unit
                and name in MONEY_FIELDS
                and squeeze(value)
                and not squeeze(value).endswith("元")
            ):
                value += unit  # 预算数（元） | 350000 is 35 万元
            _set(project, name, value, label, value_place, explicit_money)
        position += 2


def _known_pairs(text):
    """The (field, value) pairs a cell states itself: money as label and amount, as many as it
    holds (`其中：财政资金：854万元  其他资金：0万元`); a text field as its label and the rest of
    the cell, the money taken out (`项目名称：唐山市 科普经费  预算数：854万元`)."""
    plain = re.sub(r"^\s*其中\s*[：:]", "", text)
    money = [
        m
        for m in _PAIR.finditer(plain)
        if _field_of(m.group(1)) in MONEY_FIELDS and m.group(2).strip()
    ]
    # `财政拨款：6923.3552万元(其中：上级…)`: the amount, not the note in brackets after it.
    pairs = [(_field_of(m.group(1)), re.split(r"[（(]", m.group(2))[0]) for m in money]
    rest = plain
    for match in reversed(money):
        rest = rest[: match.start()] + " " + rest[match.end() :]
    for match in _PAIR.finditer(rest):
        name = _field_of(match.group(1))
        if name is not None and name not in MONEY_FIELDS:  # it has spaces and commas of its own
            return [*pairs, (name, rest[match.start(2) :].strip())]
    return pairs


def _field_of(label):
    """The field a label in a cell names (`预算数（万元）` → budget), or None."""
    return FIELD_LABELS.get(_label_key(label)[0])


def _label_key(text):
    """(key, unit) of a label cell as FIELD_LABELS knows it: squeezed, without its unit, its
    colon and brackets; `其中：财政拨款` is 财政拨款."""
    label, unit = _unit_of(squeeze(unicodedata.normalize("NFKC", text)))
    key = re.sub(r"[()（）:：]", "", label)
    if key not in FIELD_LABELS and key.startswith("其中"):
        key = key[2:]
    return key, unit


def _pairs(project, text, place, explicit_money):
    """Set the fields a cell states itself; whether it stated any."""
    known = _known_pairs(text)
    for name, value in known:
        _set(project, name, value, _LABEL_OF.get(name, ""), place, explicit_money)
    return bool(known)


def _unit_of(label):
    """A label without the unit it names: 预算数（万元） → (预算数, 万元)."""
    unit = re.match(r"^(.*?)[（(](万元|元)[)）][：:]?$", label)
    return (unit.group(1), unit.group(2)) if unit else (label.rstrip("：:"), "")


def _set(project, name, value, label, place, explicit_money):
    if name in MONEY_FIELDS:
        try:
            setattr(project, name, read_amount(value))
        except NumberError as error:
            raise MalformedDocument(place, f"{label}{error}") from None
        explicit_money.add(name)
    else:
        setattr(project, name, value.strip())
        project.lines[name] = place


def _quarters(header, values, rules):
    """The cumulative spending plan: four percentages under 第一季度…第四季度. By the lenient
    rules, fractions of one with no % written (0.25 … 1, as a spreadsheet stores a percentage)
    are read as percentages."""
    names = [squeeze(cell) for cell in header.cells[1:] if squeeze(cell)]
    order = [_QUARTER_WORDS.get(name) for name in names]
    if rules.loose_layout:  # the quarters in any columns, repeated over merged cells
        order = sorted(set(order) - {None})
    if order != [0, 1, 2, 3]:
        raise MalformedDocument(
            header.place, "资金支出计划行应依次为第一季度、第二季度、第三季度、第四季度"
        )
    first = values.cells[0] if values and values.cells else None
    label_again = first is not None and squeeze(first).startswith(PLAN_LABEL)
    if (
        values is None
        or len(values.cells) != len(header.cells)
        or (first and not (rules.loose_layout and label_again))
    ):
        place = values.place if values else header.places[-1]
        raise MalformedDocument(place, "资金支出计划的下一行应为四个季度的累计进度（首格为空）")
    quarters, typed = [None] * 4, []
    for word, cell, place in zip(
        header.cells[1:], values.cells[1:], values.places[1:], strict=True
    ):
        quarter = _QUARTER_WORDS.get(squeeze(word))
        if quarter is None or quarters[quarter] is not None:
            continue
        typed.append(cell)
        try:
            quarters[quarter] = read_percent(cell)
        except NumberError as error:
            raise MalformedDocument(place, f"{QUARTERS[quarter]}的累计进度{error}") from None
    known = [q for q in quarters if q is not None]
    fractions = known and known[-1] == 1 and all(q <= 1 for q in known)
    # `1%` typed is one per cent, not all of it; the text layout keeps what it says, for the
    # review rules to report.
    if rules.plan_fractions and fractions and not any("%" in c or "％" in c for c in typed):
        quarters = [None if q is None else (q * 100).quantize(_CENT) for q in quarters]
    return quarters


def _columns(header, rows, notices, rules):
    """{key: column} from the header row, by the lenient rules a row of sub-headers under it
    (中期 | 年度) taking precedence; and how many rows the header took."""
    words = [squeeze(cell) for cell in header.cells]
    used = 0
    if (
        rules.inferred_columns
        and rows
        and any(HEADER_WORDS.get(squeeze(c)) for c in rows[0].cells)
        and not rows[0].is_header()
    ):
        under = [squeeze(cell) for cell in rows[0].cells]
        words = [
            below if HEADER_WORDS.get(below) else above
            for above, below in zip(words, under, strict=False)
        ]
        used = 1
    columns = {}
    for position, word in enumerate(words):
        key = HEADER_WORDS.get(word)
        if (
            rules.inferred_columns
            and key in (None, "skip")
            and word
            and _all_comparators(rows[used:], position)
        ):
            key = "comparator"  # ≥ | 70 | 万元: a column of comparators, whatever its header
        if key is None and word:
            notices.append(Notice(header.places[position], f"未识别的表头“{word}”，该列已忽略"))
        elif key == "skip":
            notices.append(Notice(header.places[position], f"“{word}”一列未导入"))
        elif key is not None and key not in columns:
            columns[key] = position
    return columns, used


def _all_comparators(rows, position):
    """Whether a column holds comparators (≥ ≤ …), a qualitative row saying 定性 among them."""
    values = {squeeze(r.cells[position]) for r in rows if position < len(r.cells)} - {""}
    return bool(values & _COMPARATORS) and values <= _COMPARATORS | _QUALITATIVE


def _indicators(project, header, rows, notices, rules):
    """The indicator rows under the header; empty 一级/二级 cells continue the cell above."""
    columns, used = _columns(header, rows, notices, rules)
    two_levels = rules.inferred_columns and "name" not in columns and "level2" in columns
    if two_levels:
        # A form of two levels: its 一级 column holds the framework's 二级 (数量指标, 质量指标…),
        # its 二级 column the indicator's name; the 一级 is the 二级's own (产出指标).
        columns["name"], columns["level2"] = columns.pop("level2"), columns.pop("level1")
        columns["level1"] = columns["level2"]
    missing = [word for key, word in REQUIRED_COLUMNS.items() if key not in columns]
    if missing:
        raise MalformedDocument(header.place, "指标表头缺少：" + "、".join(missing))

    level1 = level2 = None
    for row in rows[used:]:
        if rules.loose_layout and row.is_header():
            continue  # the header again, over a table continued (续表)
        if len(row.cells) != len(header.cells):
            if rules.loose_layout:
                continue
            raise MalformedDocument(
                row.place,
                f"指标行应有{len(header.cells)}个单元格（与表头一致），实际有{len(row.cells)}个",
            )
        cell = {key: row.cells[position].strip() for key, position in columns.items()}
        if rules.loose_layout:  # a form's placeholder row (…… in every cell) holds nothing
            cell = {key: "" if _PLACEHOLDER.match(text) else text for key, text in cell.items()}
        if two_levels:
            cell["level1"] = cell["level2"] and (_parent_of(cell["level2"]) or cell["level2"])
        target, basis = _target(cell, rules)
        leaf = [cell.get("name", ""), cell.get("description", ""), target, basis]
        # 主管部门及代码 over the next project is no 一级; 产出指标（50分） is one.
        stranger = cell["level1"] and not _names_level1(cell["level1"])
        if rules.rows_below and (_is_footer(row, cell) or stranger):
            notices.append(Notice(row.place, f"表格下方的“{row.cells[0][:20]}”未导入"))
            break
        if rules.loose_layout:
            cell["level1"], cell["level2"] = _framework_wording(cell["level1"], cell["level2"])
        if rules.rows_below and cell["level1"] and not cell["level2"] and not any(leaf):
            if cell["level1"] != level1:  # the rows merged under it are its own
                level1, level2 = cell["level1"], None
            continue  # 成本指标 and nothing else: an empty slot, not the table's end
        if cell["level1"]:
            level1, level2 = cell["level1"], None
        elif level1 is None:
            raise MalformedDocument(row.place, "第一个指标行缺少一级指标")
        if cell["level2"]:
            level2 = cell["level2"]
        elif level2 is None and rules.loose_layout and _only_child(level1):
            level2 = _only_child(level1)  # 满意度指标 merged over the 二级 column: its one 二级
        elif level2 is None:
            raise MalformedDocument(row.place, f"一级指标“{level1}”下的第一行缺少二级指标")
        if cell["level1"] or cell["level2"]:
            project.slots.append(SlotData(level1, level2, row.place))
        if any(leaf):
            project.indicators.append(
                IndicatorData(level1, level2, *leaf, line=row.place, identity=row.identity)
            )


def _framework_wording(level1, level2):
    """(一级, 二级) as the framework words them, where a form adds to them: a score or ordinal
    taken off (产出指标（70分） → 产出指标), and a 二级 written across both columns
    (社会公众或服务对象满意度指标) put under its 一级."""
    if level1 and canonical_level1(bare(level1)) in _LEVEL1_NAMES:
        level1 = bare(level1) if bare(level1) != squeeze(level1) else level1
    elif level1 and not level2 and _parent_of(level1):
        return _parent_of(level1), level1
    if level2 and canonical_level2(bare(level2)) in _LEVEL2_NAMES:
        level2 = bare(level2) if bare(level2) != squeeze(level2) else level2
    return level1, level2


def _parent_of(level2):
    """The one 一级 a framework 二级 belongs to in every layout, or None."""
    name = canonical_level2(bare(level2))
    parents = {one for layout in LAYOUTS.values() for one, kids in layout if name in kids}
    return parents.pop() if len(parents) == 1 else None


def _only_child(level1):
    """The one 二级 every layout has under a 一级 (满意度指标 → 服务对象满意度指标), or None."""
    name = canonical_level1(level1)
    children = {tuple(kids) for layout in LAYOUTS.values() for one, kids in layout if one == name}
    if len(children) == 1:
        (kids,) = children
        if len(kids) == 1:
            return kids[0]
    return None


def _names_level1(text):
    """Whether a 一级 cell names a 一级 indicator once what a form writes around it is taken off
    (产出指标（50分）, 一、效益指标(30)): one of the framework's (效果 → 效益指标), or another
    ending in 指标 as every 一级 of any layout does."""
    words = bare(text)
    return canonical_level1(words) in _LEVEL1_NAMES or words.endswith("指标")


def _is_footer(row, cell):
    first = squeeze(row.cells[0]) if row.cells else ""
    if _FOOTER.match(first):
        return True
    words = [squeeze(text) for text in row.cells if squeeze(text)]
    return bool(words) and all(":" in w or "：" in w for w in words) and not cell.get("name")


def _target(cell, rules):
    """(指标值, 依据): comparator, number and unit joined; by the lenient rules, a basis written
    inside the value (`100%(历史标准)`) taken out when the basis column is empty."""
    comparator = cell.get("comparator", "")
    comparator = comparator if squeeze(comparator) in _COMPARATORS else ""  # 定性: none
    target = comparator + cell["target"] + cell.get("unit", "")
    basis = cell.get("basis", "")
    inside = _BASIS_INSIDE.match(target)
    if rules.basis_in_value and inside and not basis:
        target, basis = inside.group(1), inside.group(2)
    return target, basis


def _money_from_prose(project, explicit):
    """预算数 / 财政资金 / 其他资金 as 项目资金主要用途 states them, unless a row gave them."""
    text = unicodedata.normalize("NFKC", project.funds_use)
    found = {
        "budget": re.search(r"预算(?:数|资金|金额)?(?:为|共|合计)?:?\s*" + _AMOUNT, text),
        "fiscal_funds": re.search(r"财政(?:资金|拨款)(?:为)?:?\s*" + _AMOUNT, text),
        "other_funds": re.search(r"其他资金(?:为)?:?\s*" + _AMOUNT, text),
    }
    for name, match in found.items():
        if name not in explicit and match:
            try:
                setattr(project, name, read_amount(match.group(1)))
            except NumberError as error:
                raise MalformedDocument(
                    project.lines.get("funds_use", project.line),
                    f"项目资金主要用途中的“{match.group(0)}”：{error}",
                ) from None
    all_fiscal = re.search(r"(全部|均|全额)为?财政(资金|拨款)", text)
    if all_fiscal and project.budget is not None:
        if project.fiscal_funds is None and "fiscal_funds" not in explicit:
            project.fiscal_funds = project.budget
        if project.other_funds is None and "other_funds" not in explicit:
            project.other_funds = Decimal("0")


def department_in(texts):
    """(code, name) of the department a document's title lines name, or None:
    `405002 唐山市科学技术协会`, `主管部门及代码：[412001]唐山市文化广电和旅游局`,
    `部门编码：412001 … 部门名称：…`. Only title lines count, not the narrative's sentences, and a
    code standing alone has six digits or more: `2021 年…` is a year."""
    titles = [
        unicodedata.normalize("NFKC", text).strip()
        for text in texts
        if len(text.strip()) <= _TITLE_LENGTH and not _SENTENCE.search(text)
    ]
    for line in titles:
        after_label = re.sub(r"^[^:：\d]{1,12}[:：]\s*", "", line)  # 填报单位：405002 …
        plain = re.match(r"^([0-9]{6,20})\s+(\S.*)$", after_label)
        if plain and not re.search(r"[:：]", plain.group(2)):  # `412001 部门名称：…`: pairs
            return plain.group(1), plain.group(2).strip()
        coded = re.search(r"[\[【]\s*([0-9A-Za-z]{3,20})\s*[\]】]\s*([^\s\[\]【】，,;；]+)", line)
        if coded:
            return coded.group(1), coded.group(2)
    codes = {}
    for line in titles:
        for label, value in _PAIR.findall(line):
            codes[squeeze(label)] = value.strip()
    code = codes.get("部门编码") or codes.get("单位编码") or codes.get("部门代码")
    name = codes.get("部门名称") or codes.get("单位名称") or codes.get("主管部门")
    if code and name:
        return code, name
    return None
