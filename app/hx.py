"""HX-Trigger headers: the events static/app.js listens for (toasts, open a cell, focus a row).

Headers are latin-1 on the wire, so the JSON keeps its \\u escapes; the browser decodes them.
"""

import json


def trigger(events, after_settle=False):
    """Response headers that fire `events` ({name: detail}) in the browser.

    `after_settle` waits until the response is in the page, for events that look for it.
    """
    header = "HX-Trigger-After-Settle" if after_settle else "HX-Trigger"
    return {header: json.dumps(events)}


def toast(message, **extra):
    """Headers for a toast with `message` (and, say, an undo URL)."""
    return trigger({"jixiao:toast": {"message": message, **extra}})
