"""How figures are written on pages: amounts in 万元 and cumulative percentages.

As the official form writes them (1044.94, 100.00), without rounding away a digit that was
stored: an amount of 0.0035 万元 (35 元) stays 0.0035.
"""

from decimal import Decimal

_CENT = Decimal("0.01")


def figure(value):
    """A Decimal with at least two decimals and no digit lost; '' for a missing value."""
    if value is None:
        return ""
    value = Decimal(value)
    exact = value.normalize()
    if exact.as_tuple().exponent >= -2:
        return f"{value.quantize(_CENT):f}"
    return f"{exact:f}"


_DIGITS = "零一二三四五六七八九"


def chinese_ordinal(number):
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一: the numbering of （一）（二） subsections."""
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    text = (_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "")
    return text + (_DIGITS[ones] if ones else "")
