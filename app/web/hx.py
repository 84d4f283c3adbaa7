"""htmx on the server: the flask-htmx extension (`if htmx:` asks whether htmx sent the request),
the configuration the pages give htmx, and the HX-Trigger events static/app.js listens for
(toasts, open a cell, focus a row).

Headers are latin-1 on the wire, so the JSON keeps its \\u escapes; the browser decodes them.
"""

import json

from flask_htmx import HTMX

htmx = HTMX()

# htmx swaps a 422 (the editor with its message) and a 409 (the editor with both values);
# other errors are not swapped into a cell but shown as a toast by static/app.js.
HTMX_CONFIG = {
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "409", "swap": True, "error": False},
        {"code": "422", "swap": True, "error": False},
        {"code": "[45]..", "swap": False, "error": True},
    ],
    "allowEval": False,
    "allowScriptTags": False,
    "includeIndicatorStyles": False,
    # Wire up swapped content (hx-* attributes, focus) in the same task as the swap. With
    # htmx's default 20 ms a fast click or keystroke could reach a cell not yet listening.
    "defaultSettleDelay": 0,
}


def trigger(events, after_settle=False):
    """Response headers that fire `events` ({name: detail}) in the browser.

    `after_settle` waits until the response is in the page, for events that look for it.
    """
    header = "HX-Trigger-After-Settle" if after_settle else "HX-Trigger"
    return {header: json.dumps(events)}


def toast(message, **extra):
    """Headers for a toast with `message` (and, say, an undo URL)."""
    return trigger({"jixiao:toast": {"message": message, **extra}})
