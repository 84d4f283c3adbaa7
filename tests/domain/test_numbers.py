"""The one reader of numbers: what offices type for amounts and percentages, and what it refuses."""

from decimal import Decimal as D

import pytest

from app.domain.numbers import NumberError, read_amount, read_percent

AMOUNTS = [
    ("1044.94", D("1044.94")),
    ("  1044.94  ", D("1044.94")),
    ("1,044.94", D("1044.94")),
    ("１０４４．９４", D("1044.94")),
    ("１，０４４．９４万元", D("1044.94")),
    ("1044.94万元", D("1044.94")),
    ("1044.94 万元", D("1044.94")),
    ("350000元", D(35)),
    ("35元", D("0.0035")),
    ("0.01元", D("0.000001")),
    ("0", D(0)),
    ("-0", D(0)),
    (".5", D("0.5")),
    ("5.", D(5)),
    ("+5", D(5)),
    ("999999999999.999999", D("999999999999.999999")),
    ("100000000000.000001", D("100000000000.000001")),
    ("1.50000000", D("1.5")),  # trailing zeros are no decimals
    ("", None),
    ("   ", None),
    ("\u3000", None),  # a blank cell of the seed
]

REFUSED_AMOUNTS = [
    ("一百万", "应为数字（万元，如 100 或 1044.94），实际为“一百万”"),
    ("٣", "应为数字"),  # an Arabic-Indic digit is not one an office types
    ("1e3", "应为数字"),
    ("1e309", "应为数字"),
    ("NaN", "应为数字"),
    ("Infinity", "应为数字"),
    ("1_000", "应为数字"),
    ("万元", "应为数字"),
    ("12.3.4", "应为数字"),
    ("-5", "不能为负数"),
    ("－5", "不能为负数"),
    ("1000000000000", "最多12位整数"),
    ("0.0000001", "最多6位小数（万元，即精确到分），不能是0.0000001"),
    ("0.001元", "最多6位小数"),  # 0.0000001 万元: less than a 分
]

PERCENTS = [
    ("25", D(25)),
    ("25%", D(25)),
    ("２５％", D(25)),
    (" 80.5 % ", D("80.5")),
    ("100.00", D("100.00")),
    ("33.330", D("33.33")),
    ("120", D(120)),  # read as written: the range is the field's, or a review rule's, to judge
    ("", None),
]

REFUSED_PERCENTS = [
    ("四十", "应为数字（百分比）"),
    ("2.5e1", "应为数字（百分比）"),
    ("NaN", "应为数字（百分比）"),
    ("%", "应为数字（百分比）"),
    ("25%%", "应为数字（百分比）"),
    ("1/4", "应为数字（百分比）"),
    ("33.335", "最多2位小数，不能是33.335"),
    ("100000", "最多5位整数"),
]


@pytest.mark.parametrize("text,value", AMOUNTS)
def test_amounts(text, value):
    assert read_amount(text) == value


@pytest.mark.parametrize("text,words", REFUSED_AMOUNTS)
def test_refused_amounts_say_why(text, words):
    with pytest.raises(NumberError, match=words):
        read_amount(text)


@pytest.mark.parametrize("text,value", PERCENTS)
def test_percents(text, value):
    assert read_percent(text) == value


@pytest.mark.parametrize("text,words", REFUSED_PERCENTS)
def test_refused_percents(text, words):
    with pytest.raises(NumberError, match=words):
        read_percent(text)
