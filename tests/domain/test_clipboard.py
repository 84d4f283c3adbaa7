"""A block copied from Excel or WPS read as rows of cleaned cells (app/domain/clipboard.py)."""

import pytest

from app.domain.clipboard import cells


def test_rows_and_cells_as_excel_copies_them():
    copied = "房屋租赁平米数\t26650.77平方米\r\n项目完成率\t100%\r\n"
    assert cells(copied) == [["房屋租赁平米数", "26650.77平方米"], ["项目完成率", "100%"]]


def test_a_multi_line_cell_is_unquoted_with_its_quotes_and_tabs():
    """Excel quotes a cell holding a line break and doubles the quotes inside it."""
    copied = '活动次数\t"第一行\n他说""好""\t就好"\t4次\r\n'
    assert cells(copied) == [["活动次数", '第一行\n他说"好"\t就好', "4次"]]


def test_a_quoted_cell_keeps_its_line_breaks_as_newlines():
    assert cells('"一\r\n二"\tx\r\n') == [["一\n二", "x"]]


def test_a_cell_that_only_starts_with_a_quote_keeps_it():
    """Excel does not quote `"十佳"单位`: its quote closes before the cell ends."""
    assert cells('"十佳"单位\t评选\r\n') == [['"十佳"单位', "评选"]]


def test_spaces_around_cells_are_dropped_full_width_and_no_break_ones_too():
    copied = "\u3000项目完成率 \t 100%\u00a0\u3000\r\n"
    assert cells(copied) == [["项目完成率", "100%"]]


def test_spaces_inside_a_cell_stay():
    assert cells("年初 工作\u3000计划") == [["年初 工作\u3000计划"]]


@pytest.mark.parametrize("ending", ["", "\r\n", "\n", "\r\n\r\n\r\n"])
def test_the_line_break_ending_the_copy_makes_no_row(ending):
    assert cells("a\tb\r\nc\td" + ending) == [["a", "b"], ["c", "d"]]


def test_a_single_cell():
    assert cells("4次\r\n") == [["4次"]]
    assert cells("4次") == [["4次"]]


def test_empty_cells_stay_in_their_place():
    """A blank cell in the middle of a block is a cell to clear, not nothing."""
    assert cells("a\t\tc\r\n\t\t\r\nd\te\tf\r\n") == [["a", "", "c"], ["", "", ""], ["d", "e", "f"]]


@pytest.mark.parametrize("copied", ["", "\r\n", "\n\n", None])
def test_nothing_copied_is_no_rows(copied):
    assert cells(copied) == []


def test_a_quote_never_closed_is_text():
    assert cells('"未完\t续') == [['"未完', "续"]]
