"""Every review rule of DESIGN.md §7, each a function that yields its findings for a plan.

`check(document, year, layout)` runs them all and returns `Finding`s: the rule's id, its
severity (E blocks submitting, W warns, I informs), where (project code, indicator name,
field) and a Chinese message saying what to change; `check(..., only=i)` those about one
project (what a cell save shows), the others read only where a rule compares projects. A rule
is registered by `@rule(id, sev)` and receives the plan `Reviewed`: its document, budget year
and layout, and `projects()`, the projects to report on.
"""

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from app.domain import framework
from app.domain.targets import Target, parse

SEVERITIES = {"E": "错误", "W": "警告", "I": "提示"}
CODE_PATTERN = re.compile(r"^\d{6}B\d{2}[A-Z]{2}\d{4}$")  # the seed's 405002B21DX0003
CODE_YEAR = re.compile(r"^\d{6}B(\d{2})[A-Z]{2}\d{4}$")  # its year: B21 is 2021
PLACEHOLDER = re.compile(r"^[\s*＊_＿…\-—－.·。、/／]*$")
EXECUTION_RATE = re.compile(r"预算资金完成率|预算执行率|资金执行率|执行率|资金完成率")
YEAR_NAMED = re.compile(r"((?:19|20)\d{2})\s*年")
MAX_NAME = 100
# 万元: one project's 预算数 above this is a slip of the unit (元 typed as 万元), not a budget.
IMPLAUSIBLE_BUDGET = Decimal(100000)


@dataclass(frozen=True)
class Finding:
    """One thing a reviewer would return the plan for, and where it is."""

    rule: str
    severity: str
    message: str
    project: str | None = None  # the project's code (its name when it has none)
    indicator: str | None = None  # the indicator's name
    field: str = ""
    project_index: int | None = None  # positions in the document, for links to the cell
    indicator_index: int | None = None

    def as_json(self):
        keys = ("rule", "severity", "project", "indicator", "field", "message")
        return {key: getattr(self, key) for key in keys}


@dataclass(frozen=True)
class Reviewed:
    """What the rules look at: a plan's document, its budget year, its layout, and what each
    indicator's 指标值 says (read once for all the rules)."""

    document: object
    year: int
    layout: str
    targets: dict  # id(IndicatorData) → Target
    only: int | None = None  # the index of the one project reported on; None: all, and the plan

    def target(self, indicator):
        return self.targets[id(indicator)]

    def projects(self):
        """(index, project) of each project reported on. A rule that compares projects (codes
        unique, names in 分项绩效目标) still reads them all from the document."""
        if self.only is None:
            return enumerate(self.document.projects)
        return [(self.only, self.document.projects[self.only])]


RULES = []


def rule(rule_id, severity):
    """Register a rule: a generator of (message, where) with where a dict of Finding fields."""

    def register(function):
        RULES.append((rule_id, severity, function))
        return function

    return register


def check(document, year, layout=None, only=None):
    """Every finding of every rule for a document of `year`, in rule order; with `only` (a
    project's index), those about that project alone, as the whole plan's check reports them."""
    if layout is None:
        names = {
            framework.canonical_level1(i.level1)
            for project in document.projects
            for i in project.indicators
        }
        layout = framework.detect_layout(names)
    targets = {
        id(i): Target.from_parts(i.target, i.target_parts)
        if i.target_parts
        else parse(i.target, int(year))
        for project in document.projects
        for i in project.indicators
    }
    plan = Reviewed(document, int(year), layout, targets, only)
    return [
        Finding(rule_id, severity, message, **where)
        for rule_id, severity, function in RULES
        for message, where in function(plan)
    ]


# Where a finding is.


def _at_project(index, project, field=""):
    return {"project": project.code or project.name, "project_index": index, "field": field}


def _at_indicator(index, project, number, indicator, field):
    return {
        **_at_project(index, project, field),
        "indicator": indicator.name or None,
        "indicator_index": number,
    }


def _indicators(plan):
    for index, project in plan.projects():
        for number, indicator in enumerate(project.indicators):
            yield index, project, number, indicator


def _levels(indicator):
    return framework.canonical_level1(indicator.level1), framework.canonical_level2(
        indicator.level2
    )


def _is_cost(indicator):
    level1, level2 = _levels(indicator)
    return level1 == "成本指标" or level2 == "成本指标"


def _is_timeliness(indicator):
    return _levels(indicator)[1] == "时效指标"


# S: the shape of the table.


@rule("S01", "E")
def indicator_in_layout(plan):
    pairs = set(framework.pairs(plan.layout))
    title = framework.LAYOUT_TITLES[plan.layout]
    for index, project, number, indicator in _indicators(plan):
        if _levels(indicator) not in pairs:
            yield (
                f"“{indicator.level1}—{indicator.level2}”不在{title}中，请移到规定的一级、二级指标下",
                _at_indicator(index, project, number, indicator, "category"),
            )


@rule("S02", "E")
def output_and_benefit(plan):
    for index, project in plan.projects():
        level1s = {_levels(i)[0] for i in project.indicators}
        for needed in ("产出指标", "效益指标"):
            if needed not in level1s:
                yield f"缺少{needed}：每个项目至少要有一条{needed}", _at_project(index, project)


@rule("S03", "W")
def satisfaction(plan):
    for index, project in plan.projects():
        if not any(_levels(i)[1] == "服务对象满意度指标" for i in project.indicators):
            yield "缺少服务对象满意度指标", _at_project(index, project)


@rule("S04", "W")
def output_kinds(plan):
    for index, project in plan.projects():
        level2s = {_levels(i)[1] for i in project.indicators if _levels(i)[0] == "产出指标"}
        missing = [name for name in ("数量指标", "质量指标", "时效指标") if name not in level2s]
        if missing:
            yield f"产出指标缺少{'、'.join(missing)}", _at_project(index, project)


@rule("S05", "W")
def cost(plan):
    for index, project in plan.projects():
        if not any(_is_cost(i) for i in project.indicators):
            yield "缺少成本指标", _at_project(index, project)


@rule("S07", "E")
def name_present(plan):
    for index, project, number, indicator in _indicators(plan):
        where = _at_indicator(index, project, number, indicator, "name")
        if not indicator.name.strip():
            yield "三级指标名称为空，请填写", where
        elif len(indicator.name) > MAX_NAME:
            yield f"三级指标名称过长（{len(indicator.name)}字），最多{MAX_NAME}字", where


@rule("S08", "E")
def target_present(plan):
    for index, project, number, indicator in _indicators(plan):
        if PLACEHOLDER.match(indicator.target):
            yield (
                "指标值为空或只是占位符，请填写具体的目标值",
                _at_indicator(index, project, number, indicator, "target"),
            )


@rule("S09", "E")
def unit_present(plan):
    for index, project, number, indicator in _indicators(plan):
        target = plan.target(indicator)
        if not target.qualitative and target.date is None and not target.unit:
            yield (
                f"指标值“{indicator.target}”缺少计量单位（如 %、次、万元）",
                _at_indicator(index, project, number, indicator, "target"),
            )


@rule("S11", "W")
def basis_present(plan):
    for index, project, number, indicator in _indicators(plan):
        if not indicator.basis.strip():
            yield (
                "指标值确定依据为空（如 计划标准、历史标准、行业标准）",
                _at_indicator(index, project, number, indicator, "basis"),
            )


@rule("S12", "W")
def unique_names(plan):
    for index, project in plan.projects():
        counts = Counter(i.name.strip() for i in project.indicators if i.name.strip())
        seen = set()
        for number, indicator in enumerate(project.indicators):
            name = indicator.name.strip()
            if counts[name] > 1 and name not in seen:
                seen.add(name)
                yield (
                    f"三级指标“{name}”在本项目中出现了{counts[name]}次",
                    _at_indicator(index, project, number, indicator, "name"),
                )


# V: what the targets say.


@rule("V01", "W")
def target_readable(plan):
    for index, project, number, indicator in _indicators(plan):
        text = indicator.target
        looks_numeric = re.search(r"[0-9０-９≥≤><＞＜≧≦]", text)
        if looks_numeric and plan.target(indicator).qualitative and not PLACEHOLDER.match(text):
            yield (
                f"指标值“{text}”无法识别为数值或日期，请写成如 ≥90%、不少于10次、2022年12月底前",
                _at_indicator(index, project, number, indicator, "target"),
            )


@rule("V02", "E")
def rates_in_range(plan):
    for index, project, number, indicator in _indicators(plan):
        for condition in plan.target(indicator).conditions:
            if condition.unit in ("%", "百分比") and not 0 <= condition.number <= 100:
                yield (
                    f"比率“{indicator.target}”应在 0% 到 100% 之间",
                    _at_indicator(index, project, number, indicator, "target"),
                )
                break


@rule("V04", "W")
def deadline_in_year(plan):
    for index, project, number, indicator in _indicators(plan):
        date = plan.target(indicator).date
        if _is_timeliness(indicator) and date and date.year != plan.year:
            yield (
                f"时效指标的期限 {date.isoformat()} 不在预算年度 {plan.year} 年内",
                _at_indicator(index, project, number, indicator, "target"),
            )


@rule("V05", "W")
def cost_within_budget(plan):
    for index, project, number, indicator in _indicators(plan):
        if not _is_cost(indicator) or project.budget is None:
            continue
        for condition in plan.target(indicator).conditions:
            amount = _in_wan(condition)
            if amount is not None and amount > project.budget:
                yield (
                    f"成本指标“{indicator.target}”超过了项目预算数 {project.budget} 万元",
                    _at_indicator(index, project, number, indicator, "target"),
                )
                break


def _in_wan(condition):
    if condition.number is None:
        return None
    if condition.unit == "万元":
        return condition.number
    if condition.unit == "元":
        return condition.number / Decimal(10000)
    return None


@rule("V06", "W")
def cost_not_at_least(plan):
    for index, project, number, indicator in _indicators(plan):
        target = plan.target(indicator)
        if _is_cost(indicator) and target.comparator in ("≥", ">") and _in_wan(target.first):
            yield (
                f"成本指标“{indicator.target}”是下限（≥），成本应控制在上限之内（≤）",
                _at_indicator(index, project, number, indicator, "target"),
            )


@rule("V07", "W")
def execution_rate_as_cost(plan):
    for index, project, number, indicator in _indicators(plan):
        if _is_cost(indicator) and EXECUTION_RATE.search(indicator.name):
            yield (
                f"“{indicator.name}”是预算执行率，不是成本：成本指标应写成本金额或单位成本",
                _at_indicator(index, project, number, indicator, "name"),
            )


# The texts a plan copied from last year's carries over, where a year other than the budget year
# is most likely left from last year: (field, label), of the plan, a project, an indicator.
PLAN_TEXTS = (("overall_goal", "部门总体绩效目标"), ("safeguards", "保障措施"))
PROJECT_TEXTS = (("funds_use", "项目资金主要用途"), ("goal", "绩效目标"))
INDICATOR_TEXTS = (("name", "三级指标名称"), ("description", "绩效指标描述"), ("target", "指标值"))


@rule("V11", "W")
def years_named(plan):
    document = plan.document
    if plan.only is None:  # the plan's own texts belong to no project
        for name, label in PLAN_TEXTS:
            yield from _years_in(getattr(document, name), label, plan.year, {"field": name})
    reported = {index for index, _ in plan.projects()}
    by_name = {framework.squeeze(p.name): index for index, p in enumerate(document.projects)}
    for summary in document.summaries:
        index = by_name.get(framework.squeeze(summary.name))
        if index is None and plan.only is None:
            where = {"field": "summary"}
        elif index in reported:
            where = _at_project(index, document.projects[index], "summary")
        else:
            continue
        label = f"分项绩效目标“{summary.name}”"
        yield from _years_in(summary.markdown, label, plan.year, where)
    for index, project in plan.projects():
        for name, label in PROJECT_TEXTS:
            where = _at_project(index, project, name)
            yield from _years_in(getattr(project, name), label, plan.year, where)
        for number, indicator in enumerate(project.indicators):
            for name, label in INDICATOR_TEXTS:
                where = _at_indicator(index, project, number, indicator, name)
                yield from _years_in(getattr(indicator, name), label, plan.year, where)


def _years_in(text, label, year, where):
    other = sorted({found for found in YEAR_NAMED.findall(text) if int(found) != year})
    if other:
        yield f"{label}中写的是{'、'.join(other)}年，预算年度是 {year} 年，请核对", where


# F: money and the spending plan.


@rule("F01", "E")
def money_adds_up(plan):
    for index, project in plan.projects():
        parts = (project.budget, project.fiscal_funds, project.other_funds)
        if None not in parts and project.budget != project.fiscal_funds + project.other_funds:
            yield (
                f"预算数 {project.budget} 应等于财政资金 {project.fiscal_funds} 与其他资金 "
                f"{project.other_funds} 之和",
                _at_project(index, project, "budget"),
            )


@rule("F02", "E")
def spending_plan(plan):
    for index, project in plan.projects():
        quarters = project.plan_quarters
        where = _at_project(index, project, "plan_quarters")
        if None in quarters:
            yield "资金支出计划应填写四个季度的累计进度（%）", where
        elif any(not 0 <= q <= 100 for q in quarters):
            yield "资金支出计划的累计进度应在 0 到 100 之间", where
        elif any(later < earlier for earlier, later in zip(quarters, quarters[1:], strict=False)):
            yield "资金支出计划是累计进度，后一季度不能小于前一季度", where
        elif quarters[3] != 100:
            yield f"资金支出计划第四季度的累计进度应为 100，现为 {quarters[3]}", where


@rule("F03", "W")
def deadline_and_spending(plan):
    for index, project, number, indicator in _indicators(plan):
        date = plan.target(indicator).date
        quarters = project.plan_quarters
        if not (_is_timeliness(indicator) and date and date.year == plan.year):
            continue
        quarter = (date.month - 1) // 3 + 1
        spent = quarters[quarter - 1]
        if spent is not None and spent != 100:
            yield (
                f"时效指标要求在第{quarter}季度内完成，但资金支出计划到该季度只有 {spent}%",
                _at_indicator(index, project, number, indicator, "target"),
            )


@rule("F04", "W")
def money_plausible(plan):
    limit = f"{IMPLAUSIBLE_BUDGET / 10000:g}亿元"
    for index, project in plan.projects():
        figures = (
            ("预算数", project.budget),
            ("财政资金", project.fiscal_funds),
            ("其他资金", project.other_funds),
        )
        over = [f"{label} {value} 万元" for label, value in figures if _implausible(value)]
        if over:
            yield (
                f"{'、'.join(over)}超过{limit}，请核对单位是否为万元",
                _at_project(index, project, "budget"),
            )


def _implausible(amount):
    return amount is not None and amount > IMPLAUSIBLE_BUDGET


# C: project codes. N: the narrative and the tables.


@rule("C01", "W")
def code_pattern(plan):
    for index, project in plan.projects():
        if project.code and not CODE_PATTERN.match(project.code):
            yield (
                f"项目编码“{project.code}”不符合格式（如 405002B21DX0003）",
                _at_project(index, project, "code"),
            )


@rule("C02", "E")
def code_unique(plan):
    department = plan.document.department_code
    counts = Counter(p.code for p in plan.document.projects if p.code)
    for index, project in plan.projects():
        where = _at_project(index, project, "code")
        if not project.code:
            yield "项目编码为空", where
        elif counts[project.code] > 1:
            yield f"项目编码“{project.code}”重复", where
        elif department and not project.code.startswith(department):
            yield f"项目编码“{project.code}”应以部门编码 {department} 开头", where


@rule("C03", "W")
def code_year(plan):
    """A code names the year its project was set up (the seed's 405002B19DX0002 runs in 2021):
    a year after the budget year is a slip; an earlier one is asked about where the project
    was carried over from last year's plan, whose codes came with it."""
    for index, project in plan.projects():
        coded = CODE_YEAR.match(project.code)
        if not coded:
            continue
        named = 2000 + int(coded.group(1))
        where = _at_project(index, project, "code")
        if named > plan.year:
            yield (
                f"项目编码“{project.code}”中的年份是{named}年，晚于预算年度 {plan.year} 年，请核对",
                where,
            )
        elif named < plan.year and project.continuing:
            yield (
                f"项目编码“{project.code}”中的年份是{named}年（随上年度的计划复制而来），"
                f"预算年度是 {plan.year} 年：请核对本年度的项目编码",
                where,
            )


@rule("N01", "W")
def summaries_match(plan):
    document = plan.document
    if not document.summaries:
        return
    names = {framework.squeeze(p.name) for p in document.projects}
    summaries = {framework.squeeze(s.name) for s in document.summaries}
    for summary in document.summaries if plan.only is None else ():
        if framework.squeeze(summary.name) not in names:
            yield f"分项绩效目标“{summary.name}”在绩效表中没有同名项目", {}
    for index, project in plan.projects():
        if framework.squeeze(project.name) not in summaries:
            yield "分项绩效目标中没有这个项目", _at_project(index, project, "summary")
