"""Figures as pages write them."""

from decimal import Decimal as D

import pytest

from app.domain.formatting import chinese_ordinal, figure


@pytest.mark.parametrize(
    "value,text",
    [
        (None, ""),
        (D("1044.94"), "1044.94"),
        (D("100"), "100.00"),
        (D("0"), "0.00"),
        (D("0.0035"), "0.0035"),
        (D("100.000000"), "100.00"),
        (D("1E+3"), "1000.00"),
    ],
)
def test_figure(value, text):
    assert figure(value) == text


@pytest.mark.parametrize(
    "number,text",
    [(1, "一"), (3, "三"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一"), (100, "100")],
)
def test_chinese_ordinal(number, text):
    assert chinese_ordinal(number) == text
