"""Search: project names, codes and indicator names across the city, grouped by plan."""

import html
import re

import pytest

from app.db import database
from app.models import Department, Indicator, Plan, Project
from app.services.plans import create_plan, create_project
from app.services.search import search
from tests.conftest import account


def _page(user, query):
    response = user.get("/search", query_string={"q": query})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _read(page):
    """The page's text as a user reads it: tags (the <mark> of a match) dropped."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _links(page):
    """The hits' links, in order."""
    return re.findall(r'<a href="(/projects/[^"]+)">', page)


def test_a_project_is_found_by_part_of_its_name(app, user):
    with app.app_context():
        project = Project.get(Project.name == "唐山科技馆运营管理服务费")
    page = _page(user, "科技馆")
    assert f"/projects/{project.id}" in _links(page)
    assert "<mark>科技馆</mark>" in page
    assert "405002 唐山市科学技术协会 · 2021年" in _read(page)


def test_a_code_is_found_whatever_its_case(app, user):
    page = _page(user, "b21dx0003")
    with app.app_context():
        project = Project.get(Project.code == "405002B21DX0003")
    assert _links(page) == [f"/projects/{project.id}"]
    assert "<mark>B21DX0003</mark>" in page


def test_an_indicator_links_to_its_cell(app, user):
    with app.app_context():
        indicator = Indicator.get(Indicator.name == "青少年科技活动次数")
    page = _page(user, "青少年科技活动")
    assert f"/projects/{indicator.project_id}#cell-{indicator.id}-name" in _links(page)


def test_results_are_grouped_by_plan(app, user):
    with app.app_context():
        plan = create_plan(Department.get(Department.code == "406001"), 2022, "classic", "root")
        create_project(plan, "root", {"name": "档案馆科技馆合作"})
    page = _read(_page(user, "科技馆"))
    first = page.index("405002 唐山市科学技术协会 · 2021年")
    second = page.index("406001 某市档案馆 · 2022年")
    assert first < second
    assert page.index("档案馆科技馆合作") > second


def test_deleted_projects_and_indicators_are_not_found(app, user):
    with app.app_context():
        Project.update(deleted_at="2021-01-01").where(Project.code == "405002B21DX0003").execute()
        Indicator.update(deleted_at="2021-01-01").where(
            Indicator.name == "青少年科技活动次数"
        ).execute()
    assert _links(_page(user, "405002B21DX0003")) == []
    assert _links(_page(user, "青少年科技活动次数")) == []
    # nor the indicators of a deleted project
    with app.app_context():
        project = Project.get(Project.code == "405002B21DX0003")
        names = [i.name for i in project.indicators if i.name]
    assert all(
        f"/projects/{project.id}" not in " ".join(_links(_page(user, name))) for name in names
    )


def test_an_empty_query_finds_nothing_and_says_what_to_type(user):
    for query in ("", "   "):
        page = html.unescape(_page(user, query))
        assert _links(page) == [] and "在全市各部门、各年度中查找" in page


@pytest.mark.parametrize("query", ["%", "_", "\\", "%%", "_%", "科技%", "\\%"])
def test_like_wildcards_match_only_themselves(user, query):
    page = html.unescape(_page(user, query))
    assert _links(page) == [] and f"没有找到包含“{query}”的项目或指标" in page


def test_a_name_with_wildcards_is_found_by_them(app, user):
    with app.app_context():
        indicator = Indicator.get(Indicator.name == "青少年科技活动次数")
        indicator.name = "达标率_100%\\以上"
        indicator.save()
    for query in ("_100%", "%\\", "率_"):
        assert _links(_page(user, query)) == [
            f"/projects/{indicator.project_id}#cell-{indicator.id}-name"
        ]


def test_a_hostile_query_is_shown_as_text(user):
    page = _page(user, "<script>alert(1)</script>")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_very_long_query_is_refused_with_a_message(user):
    page = html.unescape(_page(user, "科" * 10_000))
    assert "搜索词太长，最多200个字" in page and _links(page) == []


def test_at_most_200_results_with_a_note(app, user):
    with app.app_context(), database.atomic():
        plan = Plan.get()
        for number in range(201):
            create_project(plan, "root", {"name": f"批量项目{number:03}"}, record=False)
    page = _page(user, "批量项目")
    assert len(_links(page)) == 200
    assert "找到 200 项（只显示前 200 项" in _read(page)
    assert "批量项目199" in _read(page) and "批量项目200" not in _read(page)
    page = _page(user, "批量项目19")
    assert len(_links(page)) == 10 and "只显示前" not in page


def test_the_search_box_is_in_the_header_of_every_page(app, user):
    with app.app_context():
        project_id = Project.get(Project.code == "405002B21DX0003").id
    for url in ("/", "/plans/405002/2021", f"/projects/{project_id}", "/search?q=x"):
        page = user.get(url).get_data(as_text=True)
        assert 'role="search" method="get" action="/search"' in page
    assert 'value="科技馆"' in user.get("/search?q=科技馆").get_data(as_text=True)


def test_the_service_stops_at_its_limit(app, seeded):
    with app.app_context():
        results = search(account(), "科技", limit=2)
        assert results.count == 2 and results.more
        assert search(account(), "").groups == [] and not search(account(), None).more
