"""The pages a user reads: 首页, the plan page and the project page, with the seed loaded."""

import html
import re

import pytest

from app.domain.formatting import figure
from app.models import Indicator, Plan, Project
from tests import seed_expected as seed
from tests.html_table import table_rows

PLAN_URL = "/plans/405002/2021"


def _project_urls(app):
    with app.app_context():
        return [f"/projects/{p.id}" for p in Plan.get().ordered_projects()]


def _text(response):
    """The page as a user reads it: entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def test_home_lists_departments_and_years_with_totals(client, seeded):
    response = client.get("/")
    assert response.status_code == 200
    rows = table_rows(response.data, "plans")
    assert rows[1].texts == [
        *("405002", "唐山市科学技术协会", "2021年", "草稿"),
        *("0", "3", "0"),  # errors, warnings, open comments
        rows[1].texts[7],  # the last change: when, and who
        *("3", "1770.82"),
    ]
    assert rows[1].texts[7].endswith("示例数据")
    assert f'href="{PLAN_URL}"' in response.get_data(as_text=True)


def test_home_without_data_says_how_to_import(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "还没有任何部门的绩效目标" in _text(response)


def test_plan_page_shows_the_three_narrative_parts(app, client, seeded):
    page = _text(client.get(PLAN_URL))
    for words in seed.OVERALL_WORDS:
        assert words in page
    for project, url in zip(seed.PROJECTS, _project_urls(app), strict=True):
        for words in project["summary_words"]:
            assert words in page
        assert f'<a href="{url}">{project["name"]}</a>' in page
    for start in seed.SAFEGUARD_STARTS:
        assert f"<li>{start}" in page
    assert (
        page.index("一、部门总体绩效目标")
        < page.index("二、分项绩效目标")
        < page.index("三、保障措施")
    )


def test_plan_page_lists_projects_with_money_quarters_and_total(client, seeded):
    rows = table_rows(client.get(PLAN_URL).data, "projects-table")
    body = [row for row in rows if row.attrs.get("id", "").startswith("project-")]
    for row, expected in zip(body, seed.PROJECTS, strict=True):
        money = [figure(expected[name]) for name in ("budget", "fiscal_funds", "other_funds")]
        quarters = [figure(q) for q in expected["quarters"]]
        assert row.texts[1:] == [expected["code"], expected["name"], *money, *quarters]
    total = next(row for row in rows if row.attrs.get("id") == "projects-total")
    assert total.texts[:4] == ["合计（3个项目）", "1770.82", "1770.82", "0.00"]


@pytest.mark.parametrize("index", range(3))
def test_project_page_shows_every_value_of_the_seed(app, client, seeded, index):
    expected = seed.PROJECTS[index]
    url = _project_urls(app)[index]
    response = client.get(url)
    assert response.status_code == 200
    head = {
        cell.attrs["id"].rsplit("-", 1)[1]: cell.text
        for row in table_rows(response.data, f"project-head-{url.rsplit('/', 1)[1]}")
        for cell in row.cells
        if cell.attrs.get("id")
    }
    assert head["code"] == expected["code"]
    assert head["name"] == expected["name"]
    assert head["funds_use"] == expected["funds_use"]
    assert [head["budget"], head["fiscal_funds"], head["other_funds"]] == [
        figure(expected[name]) for name in ("budget", "fiscal_funds", "other_funds")
    ]
    assert [head[f"plan_q{n}"] for n in range(1, 5)] == [figure(q) for q in expected["quarters"]]
    assert head["goal"] == expected["goal"]

    rows = table_rows(response.data, f"indicators-{url.rsplit('/', 1)[1]}")
    shown = []
    level1 = level2 = None
    for row in rows[1:]:
        cells = list(row.cells)
        if "level1" in cells[0].classes:
            level1 = cells.pop(0).text
        if cells and "level2" in cells[0].classes:
            level2 = cells.pop(0).text
        if "indicator" in row.attrs.get("class", ""):
            shown.append((level1, level2, *(cell.text for cell in cells)))
    assert shown == expected["indicators"]


def test_project_page_merges_cells_and_shows_every_empty_slot(app, client, seeded):
    url = _project_urls(app)[0]
    rows = table_rows(client.get(url).data, f"indicators-{url.rsplit('/', 1)[1]}")
    assert rows[0].texts == [
        "一级指标",
        "二级指标",
        "三级指标",
        "绩效指标描述",
        "指标值",
        "指标值确定依据",
    ]
    body = rows[1:]
    assert len(body) == 9  # 6 indicators + 3 empty 二级 slots
    level1 = [(c.text, c.rowspan) for r in body for c in r.cells if "level1" in c.classes]
    assert level1 == [("产出指标", 4), ("效果指标", 4), ("满意度指标", 1)]
    level2 = [c.text for r in body for c in r.cells if "level2" in c.classes]
    assert level2 == [
        "数量指标", "质量指标", "时效指标", "成本指标",
        "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
        "服务对象满意度指标",
    ]  # fmt: skip
    slots = [r for r in body if "slot-empty" in r.attrs.get("class", "")]
    assert [r.cells[-5].text for r in slots] == seed.EMPTY_SLOTS
    for slot in slots:
        assert [c.text for c in slot.cells[-4:]] == ["", "", "", ""]
    # Every row is six columns wide once the merged cells from rows above are counted.
    carried = []  # rows still to cover, for each merged cell above
    for row in body:
        width = sum(int(c.attrs.get("colspan", 1)) for c in row.cells) + len(carried)
        assert width == 6, row.attrs
        carried = [n - 1 for n in carried if n > 1] + [
            c.rowspan - 1 for c in row.cells if c.rowspan > 1
        ]


def test_several_indicators_under_one_level2_share_its_merged_cell(app, client):
    from app.formats.text import read_text
    from app.services.importing import import_document
    from tests.conftest import fixture_text

    with app.app_context():
        plan = import_document(read_text(fixture_text("jiaoyuju_2022_layout2021.txt"))).plan
        project_id = plan.ordered_projects()[0].id
    rows = table_rows(client.get(f"/projects/{project_id}").data, f"indicators-{project_id}")[1:]
    merged = [
        (c.text, c.rowspan) for r in rows for c in r.cells if {"level1", "level2"} & c.classes
    ]
    assert merged[:4] == [("产出指标", 5), ("数量指标", 3), ("质量指标", 1), ("时效指标", 1)]
    assert ("成本指标", 3) in merged and ("社会成本指标", 1) in merged
    assert ("效益指标", 5) in merged and ("社会效益指标", 2) in merged
    assert len(rows) == 14


def test_cell_text_is_escaped_not_run(app, client, seeded):
    with app.app_context():
        indicator = Indicator.get(Indicator.name == "市民满意度")
        indicator.name = '<script>alert(1)</script><img src=x onerror="alert(2)">'
        indicator.save()
        url = f"/projects/{indicator.project_id}"
    page = client.get(url).get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=" in page


def test_markdown_is_sanitised_on_the_plan_page(app, client, seeded):
    with app.app_context():
        plan = Plan.get()
        plan.overall_goal = "好的目标\n\n<script>alert(1)</script>\n\n[点我](javascript:alert(2))"
        plan.save()
    page = client.get(PLAN_URL).get_data(as_text=True)
    assert "好的目标" in page
    assert "<script>alert(1)" not in page
    assert "javascript:" not in page


@pytest.mark.parametrize("url", ["/plans/405002/2030", "/plans/999999/2021", "/projects/9999"])
def test_missing_things_are_a_chinese_404(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "找不到页面" in _text(response)


def test_everything_is_reachable_by_links_from_home(app, client, seeded):
    seen, queue = set(), ["/"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        if response.mimetype != "text/html":
            continue  # a download: it answered, and has no links
        for href in re.findall(r'href="(/[^"]*)"', response.get_data(as_text=True)):
            if not href.startswith("/static/"):
                queue.append(href)
    with app.app_context():
        projects = {f"/projects/{p.id}" for p in Project.select()}
    assert projects | {"/", PLAN_URL} <= seen
