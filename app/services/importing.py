"""Writes a read `Document` into the database: one transaction, updated in place, nothing doubled.

The department is matched by code and the plan by department and year. Projects are matched
by 项目编码 (by name when a project has no code) and indicators by their 二级 and 三级 name, so a
re-import updates rows rather than adding new ones. A project the database has but the file
does not is kept and reported, never deleted; an indicator the file dropped is deleted the way a
user deletes one, restorable. A re-import files every value it changes in the history, under
the `user` it is given, like an edit on the page. Any error rolls the whole import back.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from app.db import database
from app.domain import framework
from app.domain.document import FIRST_YEAR, LAST_YEAR, MalformedDocument, Notice
from app.domain.fields import FIELDS, as_text, version
from app.domain.framework import squeeze
from app.domain.permissions import EDITABLE_STATUSES
from app.domain.workflow import STATUSES
from app.formats.detect import read_file
from app.formats.narrative import escape
from app.models import Category, CategoryLabel, Department, Indicator, Plan, Project
from app.services.departments import follow_correction, rename_as_file_says
from app.services.history import record_change, soft_delete, step
from app.services.plans import (
    create_plan,
    create_project,
    deleted_slot,
    department_with_code,
    ensure_department,
)
from app.services.records import lock_plan


@dataclass
class PlannedChange:
    """One change an import makes, as a preview lists it: `key` names it the same way in the
    preview and in its confirmation, so that single changes can be left out."""

    key: str
    action: str  # edit, create, delete
    entity: str  # plan, project, indicator
    where: str  # what it is in, for people: 项目“…” · 指标“…”
    field: str = ""  # the field's label, for an edit
    old: str = ""
    new: str = ""
    optional: bool = True  # False: it comes with the file (a new plan), no box to untick


@dataclass
class ImportReport:
    department: Department
    plan: Plan
    plan_created: bool
    projects_created: int = 0
    projects_updated: int = 0
    indicators_created: int = 0
    indicators_updated: int = 0
    indicators_removed: int = 0
    values_changed: int = 0
    kept_projects: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    planned: list = field(default_factory=list)  # PlannedChange, in the order they are made

    def summary(self, preview=False):
        """What the import did, in one Chinese sentence; what it would do, for a `preview`."""
        plan = f"{self.department.code} {self.department.name} {self.plan.year}年"
        verb = ("将" if preview else "") + ("新建" if self.plan_created else "更新")
        text = (
            f"{verb}{'' if preview else '了'}{plan}的绩效目标：新增项目{self.projects_created}个、"
            f"更新{self.projects_updated}个；新增指标{self.indicators_created}条、"
            f"更新{self.indicators_updated}条、删除{self.indicators_removed}条。"
        )
        if self.values_changed and preview:
            text += f"将改动{self.values_changed}处数值，确认后记入修改记录，可在那里查看和恢复。"
        elif self.values_changed:
            text += f"改动的{self.values_changed}处数值已记入修改记录，可在那里查看和恢复。"
        if self.kept_projects:
            kept = "、".join(self.kept_projects)
            text += f"数据库中另有文件里没有的项目，{'不会' if preview else '未作'}改动：{kept}。"
        return text


class ImportRefused(ValueError):
    """The plan may not be changed by an import now; the message says why and what to do."""


class _DryRun(Exception):
    """Ends a preview's transaction, so that nothing it wrote stays."""


def import_file(path, year=None, user=None, force_reason=None, department=None):
    """Import a document file (text layout, Word or Excel, told by its content) as
    `import_document` does; the history names `导入 FILE` unless `user` is given."""
    path = Path(path)
    document = read_file(path.read_bytes(), path.name)
    name = f"导入 {path.name}"[:100] if user is None else user
    return import_document(document, year, name, force_reason, department)


def import_document(
    document,
    year=None,
    user="",
    force_reason=None,
    department=None,
    skip=(),
    only=None,
    dry_run=False,
    rename_department=True,
):
    """Write `document` as the plan of its department for `year` (inferred when None).

    `user` is who the history names for what the import changed. A plan that is submitted or
    approved is not changed (ImportRefused), unless an administrator forces it with a reason,
    which the history keeps. `department` (code, name) is the one to import into when the file
    names none. The planned changes whose keys are in `skip` are left out; given `only`, every
    change whose key is not in it is. A `dry_run` makes every change, reports them
    (`report.planned`) and keeps none: the preview of an upload. Without `rename_department`
    (an editor's upload) a department name the file words otherwise is only a notice.
    """
    year = year or document.inferred_year()
    if year is None:
        raise MalformedDocument(
            0,
            "无法从文件推断预算年度，请指定预算年度（导入页面填写“预算年度”，命令行加 --year 2021）",
        )
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise MalformedDocument(0, f"预算年度应在{FIRST_YEAR}—{LAST_YEAR}之间，收到的是{year}")
    follow_correction(document)
    if not document.department_code:
        if not department:
            raise MalformedDocument(
                0, "文件中找不到部门编码和名称（如“405002 唐山市科学技术协会”），请指定部门"
            )
        document.department_code, document.department_name = department[0], ""
        known = department_with_code(department[0])
        if known is None:  # a new one: named as the caller says
            document.department_name = department[1]
    level1_names = {
        framework.canonical_level1(slot.level1)
        for project in document.projects
        for slot in project.slots
    }
    layout = framework.detect_layout(level1_names)
    chosen = _Choice(set(skip), None if only is None else set(only), rename_department)
    try:
        with database.atomic(), step():  # one import is one undo step
            report = _write(document, int(year), layout, user, (force_reason or "").strip(), chosen)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


@dataclass
class _Choice:
    """Which planned changes an import makes: all but `skip`; only those in `only`, if given."""

    skip: set
    only: set | None
    rename_department: bool

    def makes(self, key):
        return key not in self.skip and (self.only is None or key in self.only)


def lock_target(document, year=None, department_code=""):
    """Lock the stored plan an import of `document` would write, if there is one, until the
    transaction ends: a confirmation's check and its writes see the same plan."""
    code = document.department_code or department_code
    year = year or document.inferred_year()
    found = department_with_code(code) if code else None
    plan = Plan.get_or_none(department=found, year=int(year)) if found and year else None
    if plan is not None and plan.deleted_at is None:  # a deleted one is refused by the write
        lock_plan(plan.id, exclusive=True)


def _write(document, year, layout, user, force_reason, chosen):
    report = ImportReport(None, None, plan_created=False)
    writer = _Writer(user, report, chosen)
    department = _department(document, writer)
    plan = Plan.get_or_none(department=department, year=year)
    if plan is not None and plan.deleted_at is not None:  # it still holds the year
        raise ImportRefused(deleted_slot(department.name, year) + "，再导入。")
    report.department, report.plan_created = department, plan is None
    if plan is None:
        writer.plan("create:plan", "create", "plan", f"{year}年", optional=False)
        plan = create_plan(department, year, layout, user)
    else:
        plan = lock_plan(plan.id, exclusive=True)
        _may_change(plan, user, force_reason)
    report.plan = plan
    plan.layout = layout
    if document.has_narrative:
        narrative = {"overall_goal": document.overall_goal, "safeguards": document.safeguards}
        writer.update("plan", plan, narrative, "部门总体绩效目标及保障措施")
    report.notices.extend(document.notices)
    summaries = _summaries_by_name(document)
    whole = _write_projects(document, plan, writer, summaries)
    if document.has_narrative and whole:  # a file of some projects says nothing of the others
        plan.unmatched_summaries = "\n\n".join(
            f"**{escape(summary.name)}**\n\n{summary.markdown}" for summary in summaries.values()
        )
        for summary in summaries.values():
            report.notices.append(
                Notice(summary.line, f"分项绩效目标“{summary.name}”在绩效表中找不到同名项目")
            )
    plan.save()
    return report


def _department(document, writer):
    """The department the file names: found by code, created when new, renamed as the file
    words it (a change the preview lists, to be left out)."""
    found = department_with_code(document.department_code)
    if found is None:
        if not document.department_name:
            raise MalformedDocument(
                0, f"没有编码为 {document.department_code} 的部门，也没有部门名称"
            )
        where = f"{document.department_code} {document.department_name}"
        writer.plan("create:department", "create", "department", where, optional=False)
        return ensure_department(document.department_code, document.department_name)
    if not document.department_name or found.name == document.department_name:
        return found
    if not writer.chosen.rename_department:
        writer.report.notices.append(
            Notice(
                0,
                f"文件中的部门名称“{document.department_name}”与系统中的“{found.name}”不同，"
                "未改动（部门名称由管理员修改）",
            )
        )
        return found
    if writer.plan(
        "edit:department:name", "edit", "department", found.code, "部门名称",
        found.name, document.department_name,
    ):  # fmt: skip
        rename_as_file_says(found, document.department_name, writer.user)
    return found


def _write_projects(document, plan, writer, summaries):
    """The file's projects, updated in place or created, with their indicators; whether the
    file holds the whole plan (then its order is the plan's order, a change the preview lists)."""
    report = writer.report
    categories = _Categories(plan, report.notices)
    stored = list(plan.ordered_projects())
    existing = defaultdict(list)
    for project in stored:
        existing[_project_key(project.code, project.name)].append(project)
    keys = [_project_key(data.code, data.name) for data in document.projects]
    whole = all(_project_key(p.code, p.name) in keys for p in stored)
    in_order = [_project_key(p.code, p.name) for p in stored] == keys[: len(stored)]
    reorder = whole and (
        in_order
        or writer.plan(
            "edit:plan:order", "edit", "plan", "预算项目", "顺序", "（原顺序）", "（文件中的顺序）"
        )
    )
    after = max((p.position for p in stored), default=-1) + 1
    created = None
    for position, data in enumerate(document.projects):
        summary = summaries.pop(squeeze(data.name), None)
        values = _project_values(data, summary, document.has_narrative)
        where = f"项目“{data.name or data.code}”"
        matches = existing[keys[position]]
        project = writer.reuse("project", matches, position if reorder else None, values, where)
        if project is None:
            key = f"create:project:{position}"
            if not writer.plan(key, "create", "project", where, new=data.code):
                continue
            at = position if reorder else after
            after += 1
            project = create_project(plan, writer.user, values, at, record=not report.plan_created)
            report.projects_created += 1
            created = report.planned[-1]
        else:
            report.projects_updated += 1
        for slot in data.slots:
            categories.resolve(slot.level1, slot.level2, slot.line)
        _write_indicators(project, position, data.indicators, categories, writer, where)
        if created is not None:  # its indicators come with it, or stay out with it
            created.field = f"连同指标{len(data.indicators)}条"
            created = None
    report.kept_projects = [p.name or p.code for rows in existing.values() for p in rows]
    categories.finish(whole)
    return whole


def _may_change(plan, user, force_reason):
    """Refuse to change a submitted or approved plan unless forced with a reason, recorded."""
    if plan.status in EDITABLE_STATUSES:
        return
    status = STATUSES[plan.status]
    where = f"{plan.department.code} {plan.department.name} {plan.year}年"
    if not force_reason:
        raise ImportRefused(
            f"{where}的绩效目标{status}，导入不会改动它。确需改动时，请审核人先退回该计划"
            "（管理员也可在服务器上用 flask import --force --reason “理由” 强制导入，理由记入修改记录）。"
        )
    record_change("plan", plan, "force", "status", status, f"强制导入：{force_reason}", user)


def _project_key(code, name):
    return code.strip() if code.strip() else "名称:" + squeeze(name)


def _summaries_by_name(document):
    summaries = {}
    for summary in document.summaries:
        summaries.setdefault(squeeze(summary.name), summary)
    return summaries


def _project_values(data, summary, with_summary):
    q1, q2, q3, q4 = data.plan_quarters
    values = {
        "code": data.code,
        "name": data.name,
        "funds_use": data.funds_use,
        "budget": data.budget,
        "fiscal_funds": data.fiscal_funds,
        "other_funds": data.other_funds,
        "plan_q1": q1,
        "plan_q2": q2,
        "plan_q3": q3,
        "plan_q4": q4,
        "goal": data.goal,
    }
    if with_summary:  # a file without a narrative leaves the stored summaries alone
        values["summary"] = summary.markdown if summary else ""
    return values


def _write_indicators(project, project_position, indicators, categories, writer, where):
    existing, by_id = defaultdict(list), {}
    for indicator in project.ordered_indicators():
        indicator.project = project  # its scope in the history, without a query per row
        existing[(indicator.category_id, indicator.name)].append(indicator)
        by_id[str(indicator.id)] = indicator
    # First the rows an exported file says it came from (a renamed or moved indicator is that
    # indicator, not a new one), then the others by their 二级 and name.
    known = {}
    for position, data in enumerate(indicators):
        indicator = by_id.pop(data.identity, None) if data.identity else None
        if indicator is not None:
            existing[(indicator.category_id, indicator.name)].remove(indicator)
            known[position] = indicator
    for position, data in enumerate(indicators):
        category = categories.resolve(data.level1, data.level2, data.line)
        values = {
            "name": data.name,
            "description": data.description,
            "target": data.target,
            "basis": data.basis,
        }
        row = f"{where} · 指标“{data.name or '（未命名）'}”"
        if position in known:
            writer.move(known[position], category, row)
            matches = [known[position]]
        else:
            matches = existing[(category.id, data.name)]
        if writer.reuse("indicator", matches, position, values, row) is not None:
            writer.report.indicators_updated += 1
            continue
        key = f"create:indicator:{project_position}:{position}"
        if writer.plan(key, "create", "indicator", row, category.name, new=data.target):
            indicator = Indicator.create(
                project=project, category=category, position=position, **values
            )
            writer.created("indicator", indicator, category.name)
            writer.report.indicators_created += 1
    for indicator in (row for rows in existing.values() for row in rows):
        label = f"{where} · 指标“{indicator.name or '（未命名）'}”"
        if writer.plan(f"delete:indicator:{indicator.id}", "delete", "indicator", label):
            soft_delete("indicator", indicator, writer.user)
            writer.report.indicators_removed += 1


class _Writer:
    """Writes what the file says into existing rows and files each changed value in the history
    under the import's user, as the page would; lists every change it makes (`plan`), and
    leaves out those whose keys it is told to skip. A plan the import creates is recorded once,
    as created, not value by value or row by row."""

    def __init__(self, user, report, chosen):
        self.user = user
        self.report = report
        self.chosen = chosen

    def plan(self, key, action, entity, where, field="", old="", new="", optional=True):
        """Note a change; whether to make it (the import's `_Choice`). A change that is not
        `optional` (the department or plan the file brings) is made whatever is chosen."""
        change = PlannedChange(
            key, action, entity, where, field, as_text(old), as_text(new), optional
        )
        self.report.planned.append(change)
        return not optional or self.chosen.makes(key)

    def reuse(self, entity, matches, position, values, where):
        """The first of the stored `matches`, updated with `values` and put at `position`; None
        when none is left (the caller creates the record)."""
        if not matches:
            return None
        record = matches.pop(0)
        if position is not None:
            record.position = position
        self.update(entity, record, values, where)
        return record

    def update(self, entity, record, values, where):
        """Set `values` on a stored record and save it, recording the values that changed."""
        edits = []
        for name, new in values.items():
            old = getattr(record, name)
            if version(old) == version(new):
                continue
            label = FIELDS[entity][name].label
            # The plan is one per import, and may be new: an id from a preview's rolled-back
            # transaction is not the confirmation's (PostgreSQL does not reuse it).
            key = f"edit:plan:{name}" if entity == "plan" else f"edit:{entity}:{record.id}:{name}"
            if self.plan(key, "edit", entity, where, label, old, new):
                edits.append((name, old, new))
                setattr(record, name, new)
        record.save()
        if not self.report.plan_created:
            for name, old, new in edits:
                record_change(entity, record, "edit", name, old, new, self.user)
            self.report.values_changed += len(edits)

    def move(self, indicator, category, where):
        """Put a stored indicator under another 二级, as the file has it."""
        if indicator.category_id == category.id:
            return
        old = Category.get_by_id(indicator.category_id).name
        key = f"edit:indicator:{indicator.id}:category"
        if self.plan(key, "edit", "indicator", where, "二级指标", old, category.name):
            indicator.category = category
            if not self.report.plan_created:
                record_change(
                    "indicator", indicator, "move", "category", old, category.name, self.user
                )

    def created(self, entity, record, label):
        """Record a row the import added (a project records itself as it is created)."""
        if not self.report.plan_created:
            record_change(entity, record, "create", new=label, user=self.user)


class _Categories:
    """Maps a document's (一级, 二级) wording to the plan's Category rows.

    Pairs outside the layout get categories of the plan's own, so their indicators are kept;
    wording that differs from the framework's name is remembered as a CategoryLabel.
    """

    def __init__(self, plan, notices):
        self.plan = plan
        self.notices = notices
        self.tree = {
            parent.name: (parent, {c.name: c for c in children})
            for parent, children in plan.categories()
        }
        self.labels = {}
        self.used_own = set()

    def resolve(self, level1_label, level2_label, line):
        name1 = framework.canonical_level1(level1_label)
        name2 = framework.canonical_level2(level2_label)
        parent, children = self._level1(name1)
        child = children.get(name2)
        if child is None:
            child = Category.create(
                layout=self.plan.layout,
                parent=parent,
                name=name2,
                position=parent.position + 50 + len(children),
                plan=self.plan,
            )
            children[name2] = child
            title = framework.LAYOUT_TITLES[self.plan.layout]
            self.notices.append(
                Notice(line, f"“{level1_label}—{level2_label}”不在{title}中，已照原样导入")
            )
        if not child.standard:
            self.used_own.update((parent.id, child.id))
        self._label(parent, level1_label)
        self._label(child, level2_label)
        return child

    def _level1(self, name):
        if name not in self.tree:
            position = 1000 + 100 * len(self.tree)
            parent = Category.create(
                layout=self.plan.layout, parent=None, name=name, position=position, plan=self.plan
            )
            self.tree[name] = (parent, {})
        return self.tree[name]

    def _label(self, category, label):
        wording = squeeze(label)
        if wording != category.name:
            self.labels[category.id] = wording

    def finish(self, whole):
        """Store the wording (a file of some projects adds to it, a whole plan's file replaces
        it); drop own categories nothing uses any more."""
        stored = {
            row.category_id: row
            for row in CategoryLabel.select().where(CategoryLabel.plan == self.plan)
        }
        for category_id, label in self.labels.items():
            row = stored.pop(category_id, None)
            if row is None:
                CategoryLabel.create(plan=self.plan, category=category_id, label=label)
            elif row.label != label:
                row.label = label
                row.save(only=[CategoryLabel.label])
        if whole and stored:
            CategoryLabel.delete().where(
                CategoryLabel.id.in_([r.id for r in stored.values()])
            ).execute()
        in_use = {
            row.category_id
            for row in Indicator.select(Indicator.category)
            .join(Project)
            .where(Project.plan == self.plan)
        }
        keep = self.used_own | in_use
        own = Category.select().where(Category.plan == self.plan)
        # Children first, so that a parent left without children can go too.
        for category in sorted(own, key=lambda row: row.parent_id is None):
            has_children = Category.select().where(Category.parent == category.id).exists()
            if category.id not in keep and not has_children:
                category.delete_instance()
