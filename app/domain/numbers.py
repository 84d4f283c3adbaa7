"""The one reader of numbers, for what is typed in a cell and what is read from a file.

Amounts are in 万元 and percentages in %. Both accept what offices type: full-width digits and
signs (１０４４．９４, ２５％), thousands separators (1,044.94), a unit after the number (万元 or 元;
%), white space around it. An amount in 元 becomes 万元. Nothing else is a number: no words
(一百万), no exponents (1e309), no NaN or infinity. Blank text is no value (None).
"""

import re
import unicodedata
from decimal import MAX_PREC, Context, Decimal, Inexact, Rounded

# What the database holds exactly (app/models.py keeps integers of the smallest unit): amounts
# in 万元 to the 分 (6 decimals), percentages to the basis point (2 decimals).
AMOUNT_DIGITS, AMOUNT_PLACES = 12, 6
PERCENT_DIGITS, PERCENT_PLACES = 5, 2

_NUMBER = re.compile(r"([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# Scaling by a power of ten only moves the point; with this context it never rounds.
_EXACT = Context(prec=MAX_PREC, traps=[Inexact, Rounded])


class NumberError(ValueError):
    """Text that is not the number asked for. The message follows the field's name, in Chinese:
    `预算数` + `应为数字（万元，如 100 或 1044.94），实际为“一百万”`."""


def read_amount(text):
    """An amount in 万元 (`1044.94`, `1,044.94万元`, `１０４４．９４`, `350000元` → 35), or None."""
    cleaned, unit = _split(text, ("万元", "元"))
    if cleaned is None:
        return None
    value = _decimal(cleaned, text, "万元，如 100 或 1044.94")
    if value < 0:
        raise NumberError("不能为负数")
    if unit == "元":
        value = value.scaleb(-4, _EXACT)
    return _kept(value, AMOUNT_DIGITS, AMOUNT_PLACES, "（万元）", "（万元，即精确到分）")


def read_percent(text):
    """A percentage (`25`, `25%`, `２５％`, `80.5`), or None. Its range is the caller's to check."""
    cleaned, _ = _split(text, ("%",))
    if cleaned is None:
        return None
    return _kept(_decimal(cleaned, text, "百分比"), PERCENT_DIGITS, PERCENT_PLACES)


def _kept(value, digits, places, unit="", precision=""):
    """The value, if the database keeps it exactly; else NumberError saying what it holds."""
    if _integer_digits(value) > digits:
        raise NumberError(f"超出范围：最多{digits}位整数{unit}")
    if _places(value) > places:
        raise NumberError(f"最多{places}位小数{precision}，不能是{_plain(value)}")
    return value


def _trimmed(value):
    """(sign, digits, exponent) of a value without its trailing zeros (1.50 → 1.5), exactly:
    Decimal's own normalize() rounds to 28 digits."""
    sign, digits, exponent = value.as_tuple()
    digits = list(digits)
    while len(digits) > 1 and digits[-1] == 0:
        digits.pop()
        exponent += 1
    return sign, tuple(digits), exponent


def _places(value):
    """How many decimals a value needs (1.50 needs 1)."""
    return max(0, -_trimmed(value)[2])


def _integer_digits(value):
    """How many digits a value needs before its point (0.5 needs none)."""
    _, digits, exponent = _trimmed(value)
    return 0 if digits == (0,) else max(0, len(digits) + exponent)


def _plain(value):
    return f"{Decimal(_trimmed(value)):f}"


def _split(text, units):
    """(the number's text, its unit or None); (None, None) for blank text."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip().replace(",", "")
    if not cleaned:
        return None, None
    for unit in units:  # longest first: 万元 before 元
        if cleaned.endswith(unit):
            return cleaned[: -len(unit)].strip(), unit
    return cleaned, None


def _decimal(cleaned, text, hint):
    match = _NUMBER.fullmatch(cleaned)
    if match is None:
        shown = " ".join((text or "").split())[:20]
        raise NumberError(f"应为数字（{hint}），实际为“{shown}”")
    value = Decimal(match.group(0))
    return value.copy_abs() if value.is_zero() else value  # -0 is 0
