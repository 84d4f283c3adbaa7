"""Markdown → sanitised HTML: the only place Markup is made from user text.

The narrative parts are Markdown; Python-Markdown turns them into HTML and nh3 (Ammonia) keeps
only the tags and attributes a document needs, so no script, event handler, style or
`javascript:` link the user typed can reach a page.
"""

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "sub", "sup", "code", "pre",
    "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(source):
    """Sanitised HTML for a Markdown text (empty Markup for an empty one)."""
    if not source or not source.strip():
        return Markup("")
    html = markdown.markdown(source, extensions=["tables", "sane_lists"])
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )
