"""Render time of the adversarial Markdown texts of tests/adversarial_markdown.py.

Prints each text's time (or that it is refused, or cut at its time budget) and the worst; the
bounds and the budget in app/domain/markdown.py keep every render near 100 ms.

    .venv/bin/python bench/markdown_render.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.domain.markdown import _render, render_markdown, too_complex  # noqa: E402
from tests.adversarial_markdown import INPUTS  # noqa: E402


def main():
    worst, refused = (0.0, None), 0
    for index, source in enumerate(INPUTS):
        _render.cache_clear()
        started = time.perf_counter()
        html = render_markdown(source)
        elapsed = time.perf_counter() - started
        problem = too_complex(source)
        refused += bool(problem)
        worst = max(worst, (elapsed, index))
        verdict = f"refused: {problem}" if problem else "rendered"
        if "显示超时" in html:
            verdict = "over the budget: shown plain"
        print(f"{index:2d} {len(source):6d} chars {elapsed * 1000:8.1f} ms  {verdict}")
    print(f"{len(INPUTS)} inputs, {refused} refused, worst {worst[0] * 1000:.1f} ms (#{worst[1]})")


if __name__ == "__main__":
    main()
