"""Fifty-odd hostile strings stored everywhere a user can type, rendered in Chromium: none runs."""

import re

from app.models import Change, Department, Indicator, Plan, Project
from tests.xss_payloads import PAYLOADS


def _store_everywhere(app):
    """Put the payloads in the narrative, every kind of table cell, names and the history."""
    with app.app_context():
        plan = Plan.get()
        joined = "\n\n".join(PAYLOADS)
        plan.overall_goal = joined
        plan.safeguards = "\n".join(f"{n}. {p}" for n, p in enumerate(PAYLOADS, 1))
        plan.unmatched_summaries = joined
        plan.save()
        department = plan.department
        department.name = PAYLOADS[0] + department.name
        department.save()
        projects = list(plan.ordered_projects())
        for number, project in enumerate(projects):
            project.name = PAYLOADS[number]
            project.code = PAYLOADS[number + 3]
            project.funds_use = PAYLOADS[number + 6]
            project.goal = PAYLOADS[number + 9]
            project.summary = joined
            project.save()
        cells = [
            (i, field)
            for i in Indicator.select().order_by(Indicator.id)
            for field in ("name", "description", "target", "basis")
        ]
        for index, (indicator, field) in enumerate(cells):
            setattr(indicator, field, PAYLOADS[index % len(PAYLOADS)])
            indicator.save()
            Change.create(
                plan=plan, project=indicator.project_id, entity="indicator", record_id=indicator.id,
                field=field, action="edit", old=PAYLOADS[(index + 1) % len(PAYLOADS)], new=PAYLOADS[index % len(PAYLOADS)],
            )  # fmt: skip
        return plan, projects, list(projects[0].ordered_indicators())


def _assert_nothing_ran(page):
    assert page.evaluate("() => window.__xss") is None


def test_no_payload_runs_on_any_page(app, seeded, live_server, page):
    plan, projects, indicators = _store_everywhere(app)
    urls = ["/", "/plans/405002/2021", "/history/plans/405002/2021"]
    for project in projects:
        urls += [f"/projects/{project.id}", f"/history/projects/{project.id}"]
    for url in urls:
        page.goto(live_server + url)
        page.wait_for_load_state("networkidle")
        _assert_nothing_ran(page)
    # The raw text is shown as text, not markup.
    page.goto(f"{live_server}/projects/{projects[0].id}")
    assert page.locator(f"#cell-project-{projects[0].id}-name").inner_text() == PAYLOADS[0]
    # Editors hold the payloads in inputs and textareas, and the preview sanitises them.
    page.locator(f"#cell-{indicators[0].id}-name").click()
    page.locator(f"#cell-{indicators[0].id}-name input[type=text]").wait_for()
    assert (
        page.locator(f"#cell-{indicators[0].id}-name input[type=text]").input_value() == PAYLOADS[0]
    )
    page.goto(f"{live_server}/plans/405002/2021")
    page.locator(f"#cell-plan-{plan.id}-overall_goal button.edit-button").click()
    page.locator(f"#preview-cell-plan-{plan.id}-overall_goal").wait_for()
    with page.expect_response(re.compile(r"/overall_goal/preview$")) as answer:
        page.locator(f"#cell-plan-{plan.id}-overall_goal textarea").fill(
            "\n\n".join(reversed(PAYLOADS))
        )
    assert answer.value.status == 200  # the payloads went through the preview
    page.wait_for_load_state("networkidle")
    _assert_nothing_ran(page)
    with app.app_context():
        assert Department.select().count() == 2 and Project.select().count() == 3
