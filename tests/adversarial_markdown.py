"""Markdown texts made to make Python-Markdown spin, for tests and bench/markdown_render.py.

Each sits at or past the bounds of app/domain/markdown.py: brackets, angle brackets, nesting, blocks
and emphasis in the quantities that were measured to take seconds when unbounded.
"""

from app.domain.markdown import MAX_ANGLES, MAX_BRACKETS, MAX_CHARS, MAX_DEPTH, MAX_LINES


def _fill(unit, count, pad="甲"):
    text = unit * count
    return (text + pad * max(0, MAX_CHARS - len(text)))[:MAX_CHARS]


B, A, L, D = MAX_BRACKETS, MAX_ANGLES, MAX_LINES - 1, MAX_DEPTH

INPUTS = [
    # Unmatched brackets before a long paragraph: time grows with count × length.
    _fill("[", B), _fill("[", B + 1), _fill("![", B), _fill("[a](", B), _fill("[[]", B // 2),
    ("[" + "乙" * 190) * B, "[" * 5000, "![" * 3000, "[a](" * 2000, _fill("[`*_", B),
    # Angle brackets: inline HTML and autolinks.
    _fill("<http://", A), _fill("<", A), _fill("<a href=", A), _fill("<!--", A), "<http://" * 3000,
    _fill("<b>", A), _fill("</", A + 1), _fill("<![CDATA[", A // 2),
    # Many blocks.
    "***\n" * L, "a\n===\n" * (L // 2), "- a\n" * L, "1. a\n" * L, "# a\n" * L, "> a\n" * L,
    "|a|b|\n|-|-|\n" + "|x|y|\n" * (L - 2), "    a\n" * L, "a  \n" * L, "***\n" * 12000,
    "a\n===\n" * 8000, "\n" * MAX_CHARS,
    # Nesting.
    "".join("  " * i + "- a\n" for i in range(D)), "".join("  " * i + "- a\n" for i in range(D + 5)),
    "".join("    " * i + "1. a\n" for i in range(300)), ">" * D + " a", ">" * 2000 + " a",
    "".join(">" * i + " a\n" for i in range(D)), "".join(">" * i + " a\n" for i in range(300)),
    # Emphasis, code and escapes: cheap, but in bulk.
    "*" * MAX_CHARS, "_a" * (MAX_CHARS // 2), "`a" * (MAX_CHARS // 2), "***a" * (MAX_CHARS // 4),
    "\\" * MAX_CHARS, "&amp;" * (MAX_CHARS // 5), "&#" * (MAX_CHARS // 2), " " * MAX_CHARS,
    "*a " * (MAX_CHARS // 3), "~~a" * (MAX_CHARS // 3),
    # Too long, and mixtures.
    "甲" * (MAX_CHARS + 1), _fill("[", B)[: MAX_CHARS // 2] + _fill("<http://", A)[: MAX_CHARS // 2],
    ("[a](" + "<" * 4 + "*_`") * (B // 2),
    # Pipes: table cells, which took a second at 19.8 k characters.
    ("|" * 99 + "\n") * 198, ("|" + "-|" * 49 + "\n") * 190, "|a|b|\n|-|-|\n" + "|x|y|\n" * 330,
]  # fmt: skip

assert len(INPUTS) == 53, len(INPUTS)
