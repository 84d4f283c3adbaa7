"""What a cell shows besides its value (its findings, last year's 指标值) is computed once per
state of the plan and reused by the reads that follow (app/services/plan_versions.py); a save
made elsewhere (another user on another server process, whose memory is not this one's) shows
at the next read."""

import re

from app.domain.fields import Edit, as_text, version
from app.models import Indicator, Plan
from app.services.saving import save_cell
from tests.conftest import account
from tests.web.test_cell_findings import RATE_FINDING, _notes
from tests.web.test_next_year import _copy, _last_years


def _saved_elsewhere(app, username, indicator_id, target):
    """A 指标值 saved as another server process saves it: the service alone, nothing of this
    process's pages involved."""
    with app.app_context():
        indicator = Indicator.get_by_id(indicator_id)
        form = {"target": target, "version-target": version(indicator.target)}
        edit = Edit.from_form("indicator", "target", form)
        assert save_cell(account(username), indicator_id, edit).status == 200


def _rate(app):
    with app.app_context():
        project = Plan.get().ordered_projects()[0]
        return Indicator.get(Indicator.name == "项目完成率", Indicator.project == project)


def test_a_finding_made_elsewhere_shows_at_the_next_read(app, user):
    rate = _rate(app)
    url, dom_id = f"/cells/indicator/{rate.id}/target", f"cell-{rate.id}-target"
    assert RATE_FINDING not in str(_notes(user.get(url).get_data(as_text=True), dom_id))
    user.get(url)  # read twice: what the first read computed is what the second one shows

    _saved_elsewhere(app, "editor", rate.id, "120%")
    shown = _notes(user.get(url).get_data(as_text=True), dom_id)
    assert ("E", RATE_FINDING) in shown
    page = user.get(f"/projects/{rate.project_id}").get_data(as_text=True)
    assert ("E", RATE_FINDING) in _notes(page, dom_id)

    _saved_elsewhere(app, "editor", rate.id, as_text(rate.target))  # and gone once put back
    assert RATE_FINDING not in str(_notes(user.get(url).get_data(as_text=True), dom_id))
    page = user.get(f"/projects/{rate.project_id}").get_data(as_text=True)
    assert RATE_FINDING not in page


def test_last_years_target_changed_elsewhere_shows_at_the_next_read(app, user):
    _copy(user)
    with app.app_context():
        project = Plan.find("405002", 2022).ordered_projects()[1]
        indicator = project.ordered_indicators()[0]
        old = Plan.find("405002", 2021).ordered_projects()[1].ordered_indicators()[0]
    url = f"/cells/indicator/{indicator.id}/target"
    assert _last_years(user.get(url).get_data(as_text=True)) == {
        indicator.id: f"上年：{old.target}"
    }

    _saved_elsewhere(app, "editor", old.id, "≥9次")
    assert _last_years(user.get(url).get_data(as_text=True)) == {indicator.id: "上年：≥9次"}
    page = user.get(f"/projects/{project.id}").get_data(as_text=True)
    assert re.search(rf'id="cell-{indicator.id}-target"[^>]*data-last-year="上年：≥9次"', page)
