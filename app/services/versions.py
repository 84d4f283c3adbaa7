"""Approved versions of a plan: frozen at each approval, read back, and chosen for comparing.

`freeze` writes the plan's document (app/services/exporting.py plan_document) as a snapshot
(app/formats/snapshot.py) with its digest, inside the approval's transaction; nothing updates a
version afterwards. `read` checks the digest again, so a version altered behind the site's
back says so instead of passing for what was approved. `document_of` resolves what a
comparison names: the plan now, one of its versions, or another year's plan of the department.
"""

import re
from dataclasses import dataclass

from peewee import fn

from app.formats import snapshot
from app.models import Department, Plan, PlanVersion
from app.services.errors import NotFound
from app.services.exporting import plan_document

# What a comparison names: now | vN | YYYY | YYYYvN (another year of the same department).
REFERENCE = re.compile(r"^(?:(?P<year>\d{4}))?(?:v(?P<number>\d{1,6}))?$")


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its label, and the plan's document then."""

    reference: str
    label: str
    document: object


class TamperedVersion(ValueError):
    """A version whose text no longer matches the digest written at approval."""


def freeze(plan, user):
    """Write the next approved version of a plan as it is now, by `user`; returns it.
    Called inside the transaction that approves the plan, with the plan locked."""
    text = snapshot.dumps(plan_document(plan), plan.year, plan.layout)
    number = (
        PlanVersion.select(fn.MAX(PlanVersion.number)).where(PlanVersion.plan == plan).scalar() or 0
    ) + 1
    return PlanVersion.create(
        plan=plan,
        number=number,
        approved_by=user.username,
        reason=plan.adjustment,
        document=text,
        digest=snapshot.digest(text),
    )


def versions(plan):
    """The plan's approved versions, newest first (their documents not loaded)."""
    fields = [f for f in PlanVersion._meta.sorted_fields if f.name != "document"]
    query = PlanVersion.select(*fields).where(PlanVersion.plan == plan)
    return list(query.order_by(PlanVersion.number.desc()))


def version(plan, number):
    """One approved version of a plan, or NotFound."""
    found = PlanVersion.get_or_none((PlanVersion.plan == plan) & (PlanVersion.number == number))
    if found is None:
        raise NotFound(f"version {number} of plan {plan.id}")
    return found


def read(found):
    """The `Snapshot` of a version; TamperedVersion when its text is not what was approved."""
    if snapshot.digest(found.document) != found.digest:
        raise TamperedVersion(f"第{found.number}版的内容与批复时的摘要不符")
    return snapshot.loads(found.document)


def choices(plan):
    """What a comparison of this plan may name, [(reference, label)]: the plan now and its
    versions, then the department's other years, each now and as approved."""
    plans = list(
        Plan.select(Plan, Department)
        .join(Department)
        .where((Plan.department == plan.department_id) & Plan.not_deleted())
        .order_by(Plan.year.desc())
    )
    numbers = {}
    rows = PlanVersion.select(PlanVersion.plan, PlanVersion.number, PlanVersion.approved_at)
    for row in rows.where(PlanVersion.plan.in_([p.id for p in plans])).order_by(
        PlanVersion.number.desc()
    ):
        numbers.setdefault(row.plan_id, []).append(row)
    options = []
    for other in sorted(plans, key=lambda p: (p.id != plan.id, -p.year)):
        prefix = "" if other.id == plan.id else str(other.year)
        options.append((prefix or "now", f"{other.year}年 当前"))
        for row in numbers.get(other.id, []):
            when = row.approved_at.strftime("%Y-%m-%d")
            options.append(
                (f"{prefix}v{row.number}", f"{other.year}年 第{row.number}版（{when}批复）")
            )
    return options


def latest_number(plan):
    """The number of the plan's last approved version, or None."""
    return PlanVersion.select(fn.MAX(PlanVersion.number)).where(PlanVersion.plan == plan).scalar()


def side(plan, reference):
    """The `Side` a reference names (see REFERENCE); NotFound for one that names nothing,
    TamperedVersion for a version altered since approval."""
    match = REFERENCE.match(reference) if reference != "now" else REFERENCE.match("")
    if match is None:
        raise NotFound(f"reference {reference!r}")
    target = plan
    if match["year"]:
        target = Plan.find(plan.department.code, int(match["year"]))
        if target is None:
            raise NotFound(f"plan {plan.department.code} {match['year']}")
    if match["number"]:
        number = int(match["number"])
        document = read(version(target, number)).document
        return Side(reference, f"{target.year}年 第{number}版（批复）", document)
    return Side(reference, f"{target.year}年 当前", plan_document(target))


def has_plan_of(plan, year):
    """Whether the plan's department has a plan for `year` (not deleted)."""
    same = (Plan.department == plan.department_id) & (Plan.year == year)
    return Plan.select().where(same & Plan.not_deleted()).exists()
