"""What a 指标值 says: comparator, number, unit, a deadline's date, or words only (DESIGN.md §6).

The text stays exactly as typed; `parse` reads beside it what the review rules need. Real
targets are written every way: symbols (≥90%, ≧90%, >=85, full-width ＞＝９０％), words before
or after the number (不少于10场, 95%以上, 控制在50万元以内), ranges (90%-95%, ±3%以内), two
conditions (≥95%且≤100%), Chinese numerals (十二个月, 两次), deadlines (2022年11月底前, 12月31日前,
年底前, 第三季度, 上半年, 2022-06-30) and a note in brackets after the value (（上年94%）). What
has neither a number nor a date is qualitative (提高了群众的科学素质). Pure: no Flask, no database.
"""

import calendar
import datetime
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

COMPARATORS = ("≥", ">", "=", "<", "≤")

# Written symbols, longest first, as offices and OCR write them.
_SYMBOLS = (
    (">=", "≥"), ("=>", "≥"), ("≥", "≥"), ("≧", "≥"), ("⩾", "≥"),
    ("<=", "≤"), ("=<", "≤"), ("≤", "≤"), ("≦", "≤"), ("⩽", "≤"),
    (">", ">"), ("<", "<"), ("=", "="),
)  # fmt: skip
# Words before the number, longest first so that 不少于 is not read as 少于.
_BEFORE = (
    ("大于等于", "≥"), ("大于或等于", "≥"), ("不少于", "≥"), ("不低于", "≥"), ("不小于", "≥"),
    ("至少", "≥"), ("达到", "≥"), ("达", "≥"),
    ("小于等于", "≤"), ("小于或等于", "≤"), ("不超过", "≤"), ("不高于", "≤"), ("不大于", "≤"),
    ("不多于", "≤"), ("控制在", "≤"), ("最多", "≤"),
    ("超过", ">"), ("高于", ">"), ("多于", ">"), ("大于", ">"),
    ("低于", "<"), ("少于", "<"), ("不足", "<"), ("小于", "<"),
)  # fmt: skip
# Words after the number (以上, 以下 and 以内 include it).
_AFTER = (
    ("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"), ("之内", "≤"),
    ("内", "≤"),
)  # fmt: skip
_DEADLINE = re.compile(r"(之前|以前|底前|前|截止|截至|为止)")
_AFTERWARDS = re.compile(r"(之后|以后|后)")
# A note after the value: 100%(历史标准), ≥95%（上年94%）, 90%【参考】.
_NOTE = re.compile(r"[（(【\[][^（()）【】\[\]]*[)）】\]]")
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+")
_CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CHINESE_DIGITS.update({"七": 7, "八": 8, "九": 9})
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
_CHINESE_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千]+")
# A unit after a Chinese numeral: a count or a duration, short (十二个月, 两次, 三个).
_COUNT_UNIT = re.compile(
    r"^(个月|个工作日|个|次|场|期|批|项|年|月|天|日|周|人次|人|名|家|所|户|篇|部|本|套|台|处|座|条|份|轮|类|种)"
)
_UNIT = re.compile(
    r"^(?:%|‰|百分比|[万亿千百]?(?:元|人次|人|户|家|个月|个工作日|个|次|场|期|批|项|年|月|天|日|周岁|岁|周"
    r"|小时|平方米|平米|立方米|亩|公顷|公里|千米|米|吨|台|套|件|本|册|部|篇|所|座|处|条|份|名|辆"
    r"|株|棵|间|床|张|页|课时|学时|kg|km|m2|㎡|m)(?:/(?:人次|人|户|次|年|月|天|株|亩|平方米|个|场"
    r"|项|件|名|公里|kg))?)"
)
_QUARTER_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class Condition:
    """One comparison a target makes: ≥ 90 %, or ≤ a date."""

    comparator: str
    number: Decimal | None = None
    unit: str = ""
    date: datetime.date | None = None

    def __str__(self):
        value = self.date.isoformat() if self.date else f"{_plain(self.number)} {self.unit}"
        return f"{self.comparator} {value.strip()}"


@dataclass(frozen=True)
class Target:
    """A 指标值 as typed (`raw`) and what it says: its conditions, in the order written (a range
    is two: ≥ the lower, ≤ the upper), none when it is qualitative."""

    raw: str
    conditions: tuple = field(default_factory=tuple)

    @property
    def qualitative(self):
        return not self.conditions

    @property
    def first(self):
        return self.conditions[0] if self.conditions else Condition("")

    @property
    def comparator(self):
        return self.first.comparator or None

    @property
    def number(self):
        return self.first.number

    @property
    def unit(self):
        return self.first.unit

    @property
    def date(self):
        return self.first.date

    def hint(self):
        """What the page shows under the cell: `≥ 90 %`, `≤ 2021-12-31`, `90 % – 95 %`, or ''."""
        return "，".join(str(condition) for condition in self.conditions)

    def parts(self):
        """The conditions as stored beside the raw text (app/models.py Indicator.target_parts):
        compact JSON, `[]` when qualitative; `Target.from_parts` reads it back."""
        return json.dumps(
            [
                [c.comparator, None if c.number is None else _plain(c.number), c.unit]
                + [c.date.isoformat() if c.date else None]
                for c in self.conditions
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_parts(cls, raw, parts):
        """The target `raw` whose conditions were stored as `parts`."""
        return cls(
            raw,
            tuple(
                Condition(
                    comparator,
                    None if number is None else Decimal(number),
                    unit,
                    None if date is None else datetime.date.fromisoformat(date),
                )
                for comparator, number, unit, date in json.loads(parts)
            ),
        )

    def as_json(self):
        """The parts as `flask targets` prints them: the number as exact text, the date as ISO."""
        return {
            "raw": self.raw,
            "comparator": self.comparator,
            "number": None if self.number is None else _plain(self.number),
            "unit": self.unit,
            "date": self.date.isoformat() if self.date else None,
            "qualitative": self.qualitative,
        }


def parse(raw, year=None):
    """The `Target` of a 指标值; `year` is the plan's, for deadlines that do not say theirs
    (12月31日前, 年底前, 第三季度)."""
    text = _normalized(raw)
    if not text:
        return Target(raw)
    deadline = _date(text, year)
    if deadline is not None:
        return Target(raw, (deadline,))
    if _DATE_WORDS.search(text):  # 12月31日前 with no year to read it by: words, not a number
        return Target(raw)
    return Target(raw, _conditions(text))


def _normalized(raw):
    """Full-width digits and signs as ASCII, no white space, no note in brackets after a value."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(text.split())
    text = text.replace("＞", ">").replace("＜", "<").replace("＝", "=").replace("～", "~")
    without_notes = _NOTE.sub("", text)
    return without_notes if _NUMBER.search(without_notes) or not _NUMBER.search(text) else text


def _conditions(text):
    """The comparisons of a target without a date: one, two joined by 且/并且/，, or a range."""
    parts = [p for p in re.split(r"且|并且|并|;|；|，|,(?!\d{3})", text) if p]
    if len(parts) > 1:
        found = tuple(c for part in parts for c in _conditions(part))
        return found
    deviation = text.startswith("±")
    if deviation:
        text = text[1:]
    ranged = re.match(
        rf"^([^0-9]*?)({_NUMBER.pattern})([^0-9~\-—–至到]*)(?:~|-|—|–|至|到)({_NUMBER.pattern})(.*)$",
        text,
    )
    if ranged and not deviation:
        before, low, low_unit, high, rest = ranged.groups()
        unit = _unit(rest) or _unit(low_unit)
        return (
            Condition("≥", _decimal(low), _unit(low_unit) or unit),
            Condition("≤", _decimal(high), unit),
        )
    single = _single(text)
    if single is None:
        return ()
    if deviation:  # ±3%以内: within three per cent either way
        single = Condition("≤", single.number, single.unit)
    return (single,)


def _single(text):
    """One comparison: a comparator (symbol or words), a number (Arabic or Chinese), a unit."""
    comparator, rest = _comparator_before(text)
    number = _NUMBER.search(rest)
    if number:
        value = _decimal(number.group())
        unit_before = rest[: number.start()]
        after = rest[number.end() :]
    else:
        chinese = _chinese_count(rest)
        if chinese is None:
            return None
        value, unit_before, after = chinese
    unit, after_unit = _split_unit(after)
    later = _comparator_after(after_unit)
    if comparator is None:  # a symbol after a unit written first: 完成率≥90%
        comparator, unit_before = _comparator_before(unit_before)
    comparator = comparator or later or "="
    unit = unit or _unit(unit_before)  # 人次不少于1000: the unit before the number
    return Condition(comparator, value, unit)


def _comparator_before(text):
    """(the comparator written before the number, the text without it), or (None, text); the
    words may come after a unit written first (人次不少于1000)."""
    for written, comparator in _SYMBOLS:
        if text.startswith(written):
            return comparator, text[len(written) :]
    for words, comparator in _BEFORE:
        at = text.find(words)
        if at != -1 and not _NUMBER.search(text[:at]):
            return comparator, text[:at] + text[at + len(words) :]
    return None, text


def _comparator_after(text):
    for words, comparator in _AFTER:
        if text.startswith(words) or text.endswith(words):
            return comparator
    return None


def _split_unit(text):
    """(unit, what follows it) after a number: 万人次以上 → (万人次, 以上)."""
    cut = len(text)
    for words, _ in _AFTER:
        at = text.find(words)
        if at != -1:
            cut = min(cut, at)
    unit = text[:cut]
    return _unit(unit), text[cut:]


def _unit(text):
    """The unit a text after a number begins with (万人次, 元/人, %), not the words after it
    (100%覆盖 → %); a short text of its own is taken whole (百分比, 人·次)."""
    text = text.strip("。.，,;；:：、")
    known = _UNIT.match(text)
    return known.group() if known else text


def _chinese_count(text):
    """(number, text before, text after) of a Chinese numeral followed by a count's unit
    (十二个月, 两次); None otherwise (进一步提高 has no number)."""
    for match in _CHINESE_NUMBER.finditer(text):
        after = text[match.end() :]
        if _COUNT_UNIT.match(after) and len(text) <= 12:
            value = _chinese_value(match.group())
            if value is not None:
                return Decimal(value), text[: match.start()], after
    return None


def _chinese_value(numeral):
    """十二 → 12, 两 → 2, 一百零五 → 105, 三千 → 3000; None for what is not a numeral."""
    total = current = 0
    for char in numeral:
        if char in _CHINESE_DIGITS:
            current = current * 10 + _CHINESE_DIGITS[char] if current else _CHINESE_DIGITS[char]
        elif char in _CHINESE_UNITS:
            total += (current or 1) * _CHINESE_UNITS[char]
            current = 0
        else:
            return None
    return total + current


def _decimal(text):
    return Decimal(text.replace(",", ""))


def _plain(number):
    """A Decimal as written, without an exponent: 1E+2 → 100."""
    return format(number, "f") if number is not None else ""


# Deadlines.

_YEAR_MONTH_DOT = re.compile(r"^(\d{4})[./](\d{1,2})$")
_RANGE = re.compile(r"^(.+?)(?:-|~|—|–|至|到)(.+)$")
_WHOLE_YEAR = re.compile(r"(?:(\d{4})年)?(?:全年|本年度|年度内)")
# What only a date says (a day, a month's end, a quarter): without a year to read it with, words.
_DATE_WORDS = re.compile(r"\d{1,2}月\d{1,2}日|\d{1,2}月(?:底|末|份)|季度|半年|年底|年末|全年")
_FULL_DATE = re.compile(r"(\d{4})[年./\-](\d{1,2})[月./\-](\d{1,2})日?")
_YEAR_MONTH_END = re.compile(r"(\d{4})年(\d{1,2})月(?:底|末|份)?")
_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})日")
_MONTH_END = re.compile(r"(?<!\d)(\d{1,2})月(?:底|末|份)")
_YEAR_END = re.compile(r"(?:(\d{4})|(?<![\d一二两三四五六七八九十]))年(?:底|末|内|度内)")
_QUARTER = re.compile(r"(\d{4}年)?第?([一二三四1-4])季度")
_HALF = re.compile(r"(\d{4}年)?(上|下)半年")
_YEAR_ONLY = re.compile(r"^(?:(?:在|于)?)((?:19|20)\d{2})年(?:前|之前|以前|完成|内)?")


def _date(text, year):
    """A deadline's condition (≤ 2022-11-30, = 2022-06-30), or None when the text has no date."""
    ranged = _date_range(text, year)
    if ranged is not None:
        return Condition("≤", date=ranged)  # 2021年1月-12月: done by the end of it
    day = _deadline_day(text, year)
    if day is None or day[0] is None:  # 2月30日: no day, read as words
        return None
    if _DEADLINE.search(text):
        comparator = "≤"
    elif _AFTERWARDS.search(text):
        comparator = "≥"
    elif day[1]:  # a whole period (a month, a quarter, 年底): done within it
        comparator = "≤"
    else:
        comparator = "="
    return Condition(comparator, date=day[0])


def _date_range(text, year):
    """The last day of a range of dates (2023.07-2024.01, 2021年1月-12月, 2021.1.1-12.31), or
    None; the right end takes the left's year when it does not write its own."""
    match = _RANGE.match(text)
    if not match or _FULL_DATE.fullmatch(text):
        return None
    left = _deadline_day(match.group(1), year)
    if left is None or left[0] is None:
        return None
    right = _deadline_day(match.group(2), left[0].year)
    if right is None:  # 12.31, 12月: the right end in the left's year
        day = re.fullmatch(r"(\d{1,2})[./](\d{1,2})", match.group(2))
        month = re.fullmatch(r"(\d{1,2})月", match.group(2))
        if day:
            right = _day(left[0].year, *map(int, day.groups())), False
        elif month:
            right = _month_end(left[0].year, int(month.group(1))), True
    if right is None or right[0] is None:
        return None
    return _month_end(right[0].year, right[0].month) if right[1] else right[0]


def _deadline_day(text, year):
    """(the day, whether it ends a period) a text names, or None."""
    match = _FULL_DATE.search(text)
    if match:
        return _day(*map(int, match.groups())), False
    match = _YEAR_MONTH_END.search(text) or _YEAR_MONTH_DOT.match(text)
    if match:
        return _month_end(int(match.group(1)), int(match.group(2))), True
    match = _MONTH_DAY.search(text)
    if match and year:
        return _day(int(year), int(match.group(1)), int(match.group(2))), False
    match = _MONTH_END.search(text)
    if match and year:
        return _month_end(int(year), int(match.group(1))), True
    match = _QUARTER.search(text)
    if match and (match.group(1) or year):
        quarter = _QUARTER_WORDS[match.group(2)]
        return _month_end(int(match.group(1)[:4] if match.group(1) else year), quarter * 3), True
    match = _HALF.search(text)
    if match and (match.group(1) or year):
        month = 6 if match.group(2) == "上" else 12
        return _month_end(int(match.group(1)[:4] if match.group(1) else year), month), True
    match = _YEAR_END.search(text)
    if match and (match.group(1) or year):
        return _day(int(match.group(1) or year), 12, 31), True
    match = _WHOLE_YEAR.search(text)
    if match and (match.group(1) or year):
        return _day(int(match.group(1) or year), 12, 31), True
    match = _YEAR_ONLY.match(text)
    if match and not _NUMBER.search(text[match.end() :]):
        return _day(int(match.group(1)), 12, 31), True
    return None


def _day(year, month, day):
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _month_end(year, month):
    if not 1 <= month <= 12:
        return None
    return datetime.date(year, month, calendar.monthrange(year, month)[1])
