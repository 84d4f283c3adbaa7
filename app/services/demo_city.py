"""A city of demo data: many departments' plans, users and history, for demos and benchmarks.

`build_city` fills an empty database (`flask --app wsgi demo-city`): each department gets one
plan, made from the demo document (app/services/demo/) with variations — its own code and
name, a classic or a 2021 layout, 6–20 indicators a project with targets of every kind, money
that adds up, a spending plan, the narrative — and written by `import_document`, so it is
stored exactly as an uploaded file would be. Then each department gets an editor and a viewer,
the city a few reviewers, and the history a few edits per project by them, spread over the
past weeks, and some plans are submitted, returned or approved through the workflow service.

Everything is drawn from one `random.Random(seed)`: the same seed gives the same city (only the
history's times follow the clock), so benchmarks are repeatable.
"""

import datetime
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from app.db import database
from app.domain import framework
from app.domain.document import Document, IndicatorData, ProjectData, SlotData, SummaryData
from app.domain.usernames import username_key
from app.formats.text import read
from app.models import Change, Department, Indicator, Plan, Project, User
from app.services.accounts import hash_password
from app.services.importing import import_document
from app.services.setup import DEMO_FILE
from app.services.workflow import change_status

IMPORTER = "导入 演示城市"  # who the history names for the plans as first written
PASSWORD = "jixiao-demo-password"  # every demo user's; the command prints it
HISTORY_DAYS = 30  # the edits are spread over this many days before now

BUREAUS = (
    "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局",
    "司法局", "财政局", "人力资源和社会保障局", "自然资源和规划局", "生态环境局",
    "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化广电和旅游局",
    "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "体育局",
    "统计局", "医疗保障局", "城市管理综合行政执法局", "行政审批局", "信访局",
    "机关事务管理局", "人民防空办公室", "粮食和物资储备局", "数据和政务服务局", "档案馆",
    "图书馆", "博物馆", "科学技术协会", "妇女联合会", "总工会", "残疾人联合会", "气象局",
    "地震局", "住房公积金管理中心", "林业局", "供销合作社", "社会科学界联合会",
)  # fmt: skip
DISTRICTS = ("路南区", "路北区", "古冶区", "开平区", "丰南区", "丰润区", "曹妃甸区", "滦州市")
TOPICS = (
    "城乡公共服务", "基层治理", "数字政务", "安全生产", "民生保障", "科普宣传", "人才培养",
    "环境整治", "应急能力", "公共文化", "产业发展", "乡村振兴", "执法监督", "社区服务",
    "档案管理", "统计调查", "质量提升", "志愿服务",
)  # fmt: skip
KINDS = (
    "专项经费", "运行维护费", "能力建设项目", "信息化建设", "宣传培训经费", "设备购置",
    "房屋租金", "维修改造工程", "课题研究与规划编制", "购买第三方服务", "补助资金",
    "示范点建设",
)  # fmt: skip
GOALS = (
    "围绕全市工作大局，聚焦主责主业，完成年度重点工作任务。",
    "提升公共服务水平，让群众办事更便捷、更满意。",
    "加强制度建设和队伍建设，提高依法履职能力。",
    "推进信息化建设，实现业务数据互联互通、共享共用。",
    "强化预算绩效管理，提高财政资金使用效益。",
    "做好安全稳定工作，守住不发生重大风险的底线。",
    "深化改革创新，形成可复制、可推广的工作经验。",
)  # fmt: skip
SAFEGUARDS = (
    "加强组织领导，成立由主要负责同志任组长的工作领导小组，明确责任分工。",
    "完善内部控制制度，严格按照预算批复的用途和标准使用资金。",
    "建立绩效运行监控机制，按季度跟踪目标完成情况和资金支出进度，及时纠偏。",
    "加强政府采购管理，严格执行采购程序，提高采购效率。",
    "主动接受人大、审计和社会监督，按规定公开预算和绩效信息。",
    "加强业务培训，提高干部职工的预算绩效管理能力。",
)  # fmt: skip
STATUS_SHARES = (("draft", 40), ("submitted", 25), ("returned", 15), ("approved", 20))
RETURN_REASONS = ("请细化产出指标的数量目标", "成本指标请写明单位成本", "满意度指标请说明调查方式")
BASES = ("年初工作计划", "计划标准", "历史标准", "行业标准")


@dataclass
class CityReport:
    """What `build_city` made and how long it took."""

    departments: int
    plans: int
    projects: int
    indicators: int
    users: int
    changes: int
    layouts: dict  # layout → plans
    statuses: dict  # status → plans
    seconds: float

    def summary(self):
        layouts = "、".join(f"{_LAYOUT_NAMES[k]}{v}个" for k, v in self.layouts.items())
        statuses = "、".join(f"{_STATUS_NAMES[k]}{v}个" for k, v in self.statuses.items() if v)
        return (
            f"已生成{self.departments}个部门的{self.plans}个计划（{layouts}；{statuses}）、"
            f"{self.projects}个项目、{self.indicators}条指标、{self.users}个用户、"
            f"{self.changes}条修改记录，用时{self.seconds:.1f}秒。"
        )


_LAYOUT_NAMES = {framework.CLASSIC: "通用格式", framework.Y2021: "2021年格式"}
_STATUS_NAMES = {"draft": "草稿", "submitted": "已提交", "returned": "已退回", "approved": "已批复"}


class CityRefused(ValueError):
    """The database already holds plans; the message says so, in Chinese."""


def build_city(departments=100, projects=30, seed=0, year=None, force=False):
    """Fill the database with `departments` plans of `projects` projects each; CityRefused when
    it already holds plans, unless `force`. Returns a CityReport."""
    if not force and Plan.select().exists():
        raise CityRefused("数据库中已有计划，未生成演示城市。确需在其中添加时，请加 --force。")
    started = time.perf_counter()
    year = year or datetime.date.today().year
    rng = random.Random(seed)
    taken = {code for (code,) in Department.select(Department.code).tuples()}
    made = list(documents(departments, projects, rng, year, taken))
    for document, _layout in made:
        import_document(document, year, IMPORTER)
    codes = [document.department_code for document, _ in made]
    plans = list(
        Plan.select(Plan, Department)
        .join(Department)
        .where((Department.code.in_(codes)) & (Plan.year == year))
        .order_by(Department.code)
    )
    users = _users(plans, rng)
    _history(plans, users, rng)
    statuses = _statuses(plans, users, rng)
    ids = [plan.id for plan in plans]
    return CityReport(
        departments=len(plans),
        plans=len(plans),
        projects=Project.select().where(Project.plan.in_(ids)).count(),
        indicators=Indicator.select().join(Project).where(Project.plan.in_(ids)).count(),
        users=users["made"],
        changes=Change.select().where(Change.plan.in_(ids)).count(),
        layouts={k: sum(p.layout == k for p in plans) for k in framework.LAYOUTS},
        statuses={k: sum(s == k for s in statuses) for k, _ in STATUS_SHARES},
        seconds=time.perf_counter() - started,
    )


# The documents.


def documents(departments, projects, rng, year, taken=frozenset()):
    """(Document, layout) for each of `departments` departments, whose codes are not `taken`."""
    seed = read(DEMO_FILE.read_bytes())
    templates = _templates(seed, year)
    number = 0
    for index in range(departments):
        number += 1
        while f"{401000 + number}" in taken:
            number += 1
        code = f"{401000 + number}"
        layout = framework.Y2021 if rng.random() < 0.5 else framework.CLASSIC
        yield (
            _document(code, _department_name(index), projects, rng, year, layout, templates),
            layout,
        )


def _department_name(index):
    rounds, place = divmod(index, len(BUREAUS))
    if rounds == 0:
        return f"唐山市{BUREAUS[place]}"
    if rounds <= len(DISTRICTS):
        return f"唐山市{DISTRICTS[rounds - 1]}{BUREAUS[place]}"
    return f"唐山市第{index + 1}局"


def _document(code, name, projects, rng, year, layout, templates):
    document = Document(code, name, title=f"{year}年部门总体绩效目标及保障措施")
    short = name.removeprefix("唐山市")
    goals = rng.sample(GOALS, 3)
    document.overall_goal = f"{year}年，{short}" + "".join(goals)
    steps = rng.sample(SAFEGUARDS, rng.randint(3, 5))
    document.safeguards = "\n".join(f"{n}. {text}" for n, text in enumerate(steps, 1))
    names = [f"{t}{k}" for t in TOPICS for k in KINDS]
    rng.shuffle(names)
    for position in range(projects):
        project_name = names[position % len(names)]
        if position >= len(names):
            project_name += f"（{position // len(names) + 1}）"
        kind = rng.choice(("DX", "DX", "ZX", "XM"))
        project = _project(f"{code}B{year % 100:02d}{kind}{position + 1:04d}", project_name)
        _money(project, rng)
        deadline = _deadline(project, rng, year)
        project.goal = f"{rng.choice(GOALS)}确保{project_name}在{year}年内按计划完成。"
        project.indicators = _indicators(project, rng, year, layout, templates, deadline)
        project.slots = [SlotData(l1, l2, 0) for l1, l2 in framework.pairs(layout)]
        listed = "\n".join(f"- {i.name}{i.target}" for i in project.indicators[:3])
        document.summaries.append(
            SummaryData(project_name, f"绩效目标：{project.goal}\n\n绩效指标：\n\n{listed}", 0)
        )
        document.projects.append(project)
    return document


def _project(code, name):
    return ProjectData(code=code, name=name, line=0)


def _money(project, rng):
    """Budget = fiscal + other funds, in 万元 to the cent; most projects all fiscal."""
    budget = Decimal(rng.randint(500, 300_000)) / 100  # 5 to 3,000 万元
    other = Decimal(0) if rng.random() < 0.7 else (budget * Decimal(rng.randint(5, 40)) / 100)
    other = other.quantize(Decimal("0.01"))
    project.budget, project.other_funds, project.fiscal_funds = budget, other, budget - other
    project.funds_use = (
        f"预算数{budget}万元。其中：财政资金{budget - other}万元，其他资金{other}万元。"
        f"主要用于{project.name}的实施和日常保障。"
    )


def _deadline(project, rng, year):
    """The spending plan (cumulative %, ending at 100) and a deadline month it agrees with."""
    month = rng.choice((6, 9, 11, 12, 12, 12))
    last_quarter = (month - 1) // 3 + 1
    cuts = sorted(rng.randint(0, 100) for _ in range(3))
    quarters = [Decimal(c) for c in cuts] + [Decimal(100)]
    for q in range(last_quarter - 1, 4):
        quarters[q] = Decimal(100)
    project.plan_quarters = quarters
    return month


# What some indicators' targets are counted in, or say: the rest follow their 二级.
UNITS = {
    "房屋租赁平米数": "平方米", "青少年科技活动次数": "次", "年参观人数": "万人次",
    "培训人次": "人次", "覆盖单位数": "个", "举办活动场次": "场", "新增服务点个数": "个",
    "检查企业户数": "户", "印发宣传资料份数": "份",
}  # fmt: skip
SAYS = {"运营周期时长": "12个月", "持续发挥作用年限": "≥3年", "长效机制建立情况": "建立并持续运行"}


def _templates(seed, year):
    """Indicator templates by 二级 name: (name, description), the seed's first (but its cost
    indicators, one of which is an execution rate the rules warn about), each name once."""
    found = {}
    for project in seed.projects:
        for indicator in project.indicators:
            level2 = framework.canonical_level2(indicator.level2)
            if level2 != "成本指标":
                description = indicator.description.replace("2021", str(year))
                found.setdefault(level2, []).append((indicator.name, description))
    extra = {
        "数量指标": ["培训人次", "覆盖单位数", "举办活动场次", "新增服务点个数", "检查企业户数",
                 "印发宣传资料份数"],
        "质量指标": ["验收合格率", "项目完成率", "数据准确率", "问题整改率", "设备完好率"],
        "时效指标": ["项目完成时限"],
        "成本指标": ["项目总成本", "单位服务成本", "运行维护成本"],
        "经济成本指标": ["项目总成本", "单位服务成本", "运行维护成本"],
        "社会成本指标": ["对社会公众的影响"],
        "生态环境成本指标": ["对生态环境的影响"],
        "经济效益指标": ["带动社会投资", "节约运行费用"],
        "社会效益指标": ["群众办事便利程度", "公共服务覆盖面", "社会知晓率"],
        "生态效益指标": ["环境质量改善", "节能减排成效"],
        "可持续影响指标": ["长效机制建立情况", "持续发挥作用年限"],
        "服务对象满意度指标": ["群众满意度", "服务对象满意度", "受益单位满意度"],
    }  # fmt: skip
    for level2, names in extra.items():
        found.setdefault(level2, []).extend((n, n) for n in names)
    return {level2: list(dict(rows).items()) for level2, rows in found.items()}


def _indicators(project, rng, year, layout, templates, deadline_month):
    """6–20 indicators across the layout's pairs, no name twice: every project has 数量、质量、
    时效、成本、a 效益 and a 满意度 indicator, the rest drawn at random."""
    pairs = framework.pairs(layout)
    order = [level2 for _, level2 in pairs]
    level1_of = {level2: level1 for level1, level2 in pairs}
    cost = "成本指标" if layout == framework.CLASSIC else "经济成本指标"
    needed = ["数量指标", "质量指标", "时效指标", cost, "社会效益指标", "服务对象满意度指标"]
    left = {level2: list(templates[level2]) for level2 in order}
    for rows in left.values():
        rng.shuffle(rows)
    chosen = [(level2, left[level2].pop()) for level2 in needed]
    optional = [l2 for l2 in order if l2 not in ("时效指标", "社会成本指标", "生态环境成本指标")]
    for _ in range(rng.randint(6, 20) - len(needed)):
        open_ = [level2 for level2 in optional if left[level2]]
        if not open_:
            break
        level2 = rng.choice(open_)
        chosen.append((level2, left[level2].pop()))
    chosen.sort(key=lambda pair: order.index(pair[0]))
    return [
        IndicatorData(
            level1_of[level2],
            level2,
            name,
            description,
            _target(level2, name, rng, year, project, deadline_month),
            rng.choice(BASES),
            0,
        )
        for level2, (name, description) in chosen
    ]


def _target(level2, name, rng, year, project, deadline_month):
    """A target of the kind the indicator takes: a count in its unit, a rate, a deadline, an
    amount within the budget, or words."""
    if name in SAYS:
        return SAYS[name]
    if level2 == "数量指标":
        unit = UNITS.get(name, "个")
        return f"{rng.choice(('', '≥', '不少于'))}{rng.randint(2, 500)}{unit}"
    if level2 in ("质量指标", "服务对象满意度指标"):
        return f"{rng.choice(('≥', '', ''))}{rng.choice((85, 90, 95, 98, 100))}%"
    if level2 == "时效指标":
        if deadline_month == 12:
            return rng.choice((f"{year}年12月底前", f"{year}年12月31日之前"))
        return f"{year}年{deadline_month}月底前"
    if level2 in ("成本指标", "经济成本指标"):
        share = Decimal(rng.randint(20, 100)) / 100
        return f"≤{(project.budget * share).quantize(Decimal('0.01'))}万元"
    if level2 in ("社会成本指标", "生态环境成本指标"):
        return "无明显负面影响"
    if level2 == "可持续影响指标":
        return rng.choice(("长期", "持续发挥作用"))
    if rng.random() < 0.5:
        return f"{rng.choice(('≥', '提高'))}{rng.randint(5, 30)}%"
    return rng.choice(("明显提升", "有效改善", "逐步提高", "显著增强"))


# The people, the history and the review.


def _users(plans, rng):
    """An editor and a viewer per department, one reviewer per 20 (at least two); existing
    names are left alone. One password hash for all: each hash takes a while."""
    password_hash = hash_password(PASSWORD)
    wanted = []
    for plan in plans:
        code = plan.department.code
        wanted += [
            (f"editor{code}", "editor", plan.department),
            (f"viewer{code}", "viewer", plan.department),
        ]
    reviewers = [f"reviewer{n}" for n in range(1, max(2, len(plans) // 20) + 1)]
    wanted += [(name, "reviewer", None) for name in reviewers]
    existing = {key for (key,) in User.select(User.name_key).tuples()}
    rows = [
        {"username": u, "name_key": username_key(u), "role": r, "department": d,
         "password_hash": password_hash}
        for u, r, d in wanted
        if username_key(u) not in existing
    ]  # fmt: skip
    with database.atomic():
        for start in range(0, len(rows), 200):
            User.insert_many(rows[start : start + 200]).execute()
    names = [u for u, _, _ in wanted]
    found = {user.username: user for user in User.select().where(User.username.in_(names))}
    by_plan = {
        plan.id: [found[f"editor{plan.department.code}"], found[f"viewer{plan.department.code}"]]
        for plan in plans
    }
    by_plan["reviewers"] = [found[name] for name in reviewers]
    by_plan["made"] = len(rows)
    return by_plan


def _history(plans, users, rng):
    """A few edits per project by its department's editor, spread over the past days: the
    import's rows are dated first, and each edit leads to the value stored now."""
    now = datetime.datetime.now().replace(microsecond=0)
    start = now - datetime.timedelta(days=HISTORY_DAYS)
    ids = [plan.id for plan in plans]
    Change.update(at=start).where((Change.plan.in_(ids)) & (Change.user == IMPORTER)).execute()
    indicators = {}
    query = (
        Indicator.select(Indicator.id, Indicator.project, Indicator.target, Project.plan)
        .join(Project)
        .where(Project.plan.in_(ids) & Indicator.not_deleted())
        .order_by(Indicator.id)
        .tuples()
    )
    for indicator_id, project_id, target, plan_id in query:
        indicators.setdefault((plan_id, project_id), []).append((indicator_id, target))
    rows = []
    for (plan_id, project_id), found in sorted(indicators.items()):
        editor = users[plan_id][0].username
        for indicator_id, target in rng.sample(found, min(len(found), rng.randint(2, 4))):
            seconds = rng.randint(3600, HISTORY_DAYS * 86400 - 3600)
            rows.append(
                {
                    "at": start + datetime.timedelta(seconds=seconds),
                    "user": editor,
                    "plan": plan_id,
                    "project": project_id,
                    "entity": "indicator",
                    "record_id": indicator_id,
                    "field": "target",
                    "action": "edit",
                    "old": _earlier(target, rng),
                    "new": target,
                }
            )
    rows.sort(key=lambda row: row["at"])
    with database.atomic():
        for begin in range(0, len(rows), 500):
            Change.insert_many(rows[begin : begin + 500]).execute()
        # each edit is a step of its own, named by its id
        Change.update(step=Change.id).where(Change.plan.in_(ids) & (Change.step == 0)).execute()
    return len(rows)


def _earlier(target, rng):
    """What a target said before an edit: a number nudged, or a draft's wording."""
    digits = "".join(ch for ch in target if ch.isdigit())
    if digits and "年" not in target:
        return target.replace(digits, str(max(1, int(digits) - rng.randint(1, 9))), 1)
    return "待定"


def _statuses(plans, users, rng):
    """Move some plans on through the workflow service, as their editor and a reviewer would;
    returns each plan's status, in order."""
    reviewers = users["reviewers"]
    statuses = []
    shares = [status for status, share in STATUS_SHARES for _ in range(share)]
    for plan in plans:
        status = rng.choice(shares)
        editor, reviewer = users[plan.id][0], rng.choice(reviewers)
        if status != "draft":
            change_status(editor, plan.id, "submit")
        if status == "returned":
            change_status(reviewer, plan.id, "return", rng.choice(RETURN_REASONS))
        elif status == "approved":
            change_status(reviewer, plan.id, "approve")
        statuses.append(status)
    return statuses
