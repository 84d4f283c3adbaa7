"""An approved version of a plan as text: a `Document` with its year and layout, in canonical
JSON, and the SHA-256 digest that proves it unchanged since approval.

Canonical (sorted keys, no spaces, money as exact decimal strings), so the same plan always
gives the same text and the same digest. `loads` gives back a `Document` that the review rules
(app/checks/rules.py) and the comparison (app/domain/compare.py) read like a live plan's.
"""

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from app.domain.document import (
    Document,
    IndicatorData,
    Notice,
    ProjectData,
    SlotData,
    SummaryData,
)

FORMAT = "jixiao-snapshot/1"


@dataclass(frozen=True)
class Snapshot:
    """A plan as approved: its document, budget year and layout."""

    document: Document
    year: int
    layout: str


class NotASnapshot(ValueError):
    """A text that is not a snapshot this site wrote."""


def dumps(document, year, layout):
    """The canonical text of a plan's document."""
    body = {"format": FORMAT, "year": int(year), "layout": layout}
    body["document"] = dataclasses.asdict(document)
    return json.dumps(
        body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_money
    )


def digest(text):
    """The SHA-256 of a snapshot's text, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def loads(text):
    """The `Snapshot` a text holds; NotASnapshot for anything else."""
    try:
        body = json.loads(text)
        if body.get("format") != FORMAT:
            raise NotASnapshot("不是本系统保存的版本")
        data = body["document"]
        document = Document(
            **{k: v for k, v in data.items() if k not in ("summaries", "projects", "notices")},
            summaries=[SummaryData(**s) for s in data["summaries"]],
            projects=[_project(p) for p in data["projects"]],
            notices=[Notice(**n) for n in data["notices"]],
        )
        return Snapshot(document, int(body["year"]), body["layout"])
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        if isinstance(error, NotASnapshot):
            raise
        raise NotASnapshot("版本内容无法读取") from error


def _project(data):
    money = {k: _decimal(data[k]) for k in ("budget", "fiscal_funds", "other_funds")}
    rest = {
        k: v
        for k, v in data.items()
        if k
        not in ("budget", "fiscal_funds", "other_funds", "plan_quarters", "slots", "indicators")
    }
    return ProjectData(
        **rest,
        **money,
        plan_quarters=[_decimal(q) for q in data["plan_quarters"]],
        slots=[SlotData(**s) for s in data["slots"]],
        indicators=[IndicatorData(**i) for i in data["indicators"]],
    )


def _money(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} in a snapshot")


def _decimal(value):
    return None if value is None else Decimal(value)
