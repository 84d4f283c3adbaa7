"""An approved version as text: the same plan gives the same text, read back it is checked
like the live plan, and a text that is not a snapshot is refused."""

import pytest

from app.checks.rules import check
from app.formats import snapshot
from app.formats.text import read
from app.services.setup import DEMO_FILE


def test_a_snapshot_reads_back_as_the_document_it_froze():
    document = read(DEMO_FILE.read_bytes())
    text = snapshot.dumps(document, 2021, "classic")
    frozen = snapshot.loads(text)
    assert frozen.document == document and (frozen.year, frozen.layout) == (2021, "classic")
    assert snapshot.dumps(frozen.document, 2021, "classic") == text
    assert snapshot.digest(text) == snapshot.digest(snapshot.dumps(document, 2021, "classic"))
    rules = [f.rule for f in check(frozen.document, frozen.year, frozen.layout)]
    assert rules == [f.rule for f in check(document, 2021, "classic")]


@pytest.mark.parametrize(
    "text", ["", "{}", '{"format": "other"}', "[1]", '{"format": "jixiao-snapshot/1"}']
)
def test_a_text_that_is_not_a_snapshot_is_refused(text):
    with pytest.raises(snapshot.NotASnapshot):
        snapshot.loads(text)
