"""Reading a block copied from Excel or WPS: its text as rows of cleaned cells.

Pure. A spreadsheet puts a copied block on the clipboard as text: rows ended by a line break
(\\r\\n on Windows), cells separated by tabs, and a cell that holds a line break written in
double quotes with each quote inside doubled: `"第一行\\n他说""好""吗"` holds 他说"好"吗 on
its second line.

A cell that merely starts with a quote (`"十佳"单位评选`) is not quoted by Excel, so a quote is
read as quoting only when its closing quote ends the cell; otherwise the cell is taken as it is.
Each cell loses the spaces Excel and people leave around it: ASCII whitespace, the full-width
space U+3000 and the no-break space; the line breaks inside a multi-line cell stay, as \\n.
"""

# What is stripped from both ends of a cell: what `str.strip()` strips of ASCII, the full-width
# space of Chinese input methods, the no-break space of text copied from a web page, a BOM.
_SPACES = " \t\n\r\f\v\u3000\u00a0\ufeff"


def cells(text):
    """The rows of a copied block, each a list of cleaned cells; [] when there is nothing.

    The line break ending the last row is no row of its own, nor are empty lines at the end.
    Rows keep the number of cells they came with (Excel's blocks are rectangular; text typed
    elsewhere may not be).
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    rows = _rows(text)
    while rows and rows[-1] == [""]:
        rows.pop()
    return [[cell.strip(_SPACES) for cell in row] for row in rows]


def _rows(text):
    """The raw cells of tab-separated text, quoted cells unquoted."""
    rows, row, at, end = [], [], 0, len(text)
    if not text:
        return rows
    while True:
        quoted = _quoted(text, at) if text.startswith('"', at) else None
        if quoted is not None:
            value, at = quoted
        else:
            stop = _next_separator(text, at)
            value, at = text[at:stop], stop
        row.append(value)
        if at >= end:
            rows.append(row)
            return rows
        if text[at] == "\n":
            rows.append(row)
            row = []
            if at + 1 >= end:  # the line break that ends the copy
                return rows
        at += 1


def _next_separator(text, at):
    """Where the cell starting at `at` ends: the next tab or line break, or the end."""
    stops = [i for i in (text.find("\t", at), text.find("\n", at)) if i != -1]
    return min(stops) if stops else len(text)


def _quoted(text, at):
    """(value, where it ends) of a quoted cell starting at `at`, or None when the quote does not
    close right before a tab, a line break or the end (then the quote is part of the text)."""
    parts, start = [], at + 1
    while True:
        quote = text.find('"', start)
        if quote == -1:
            return None
        if text.startswith('"', quote + 1):  # "" is a quote inside the cell
            parts.append(text[start : quote + 1])
            start = quote + 2
            continue
        after = quote + 1
        if after < len(text) and text[after] not in "\t\n":
            return None
        parts.append(text[start:quote])
        return "".join(parts), after
