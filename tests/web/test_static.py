"""Static files: htmx is the pinned, vendored copy; nothing is loaded from the internet."""

import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent
HTMX = ROOT / "static" / "vendor" / "htmx-2.0.11.min.js"
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"


def test_htmx_is_the_pinned_file():
    assert hashlib.sha256(HTMX.read_bytes()).hexdigest() == HTMX_SHA256
    assert HTMX_SHA256 in (ROOT / "static" / "vendor" / "README.md").read_text()


def test_no_template_or_stylesheet_loads_from_outside():
    for path in [*ROOT.joinpath("templates").rglob("*.html"), ROOT / "static" / "app.css"]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), path
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), path
        assert "@import" not in text, path


def test_pages_serve_htmx_and_the_stylesheet(client):
    page = client.get("/").get_data(as_text=True)
    for asset in ("/static/vendor/htmx-2.0.11.min.js", "/static/app.css"):
        assert asset in page
        assert client.get(asset).status_code == 200
