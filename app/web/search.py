"""Search (GET /search?q=): project names, codes and indicator names across the city."""

from flask import Blueprint, g, render_template, request

from app.services.search import LIMIT, MAX_QUERY, QueryTooLong, search

bp = Blueprint("search", __name__, url_prefix="/search")


@bp.get("")
def index():
    """The projects and indicators matching `q`, grouped by plan; nothing for an empty query."""
    query = request.args.get("q", "")
    error, results = None, None
    try:
        results = search(g.user, query)
    except QueryTooLong as refused:
        error = str(refused)
    return render_template(
        "search/index.html",
        query=query.strip()[:MAX_QUERY],
        search_query=query.strip()[:MAX_QUERY],
        results=results,
        error=error,
        limit=LIMIT,
        max_query=MAX_QUERY,
    )
