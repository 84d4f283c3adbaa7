"""What each 指标值 says is stored beside it, read again with the plan's year on every save —
a cell, an import, a new row — and the rules read it from there."""

from app.domain.fields import Edit, version
from app.domain.targets import parse
from app.models import Indicator
from app.services import rows
from app.services.checking import check_plan
from app.services.saving import save_cell
from tests.conftest import account


def test_an_imported_plan_stores_what_each_target_says(app, seeded):
    with app.app_context():
        indicators = list(Indicator.select())
        assert indicators and all(
            i.target_parts == parse(i.target, 2021).parts() for i in indicators
        )
        deadline = Indicator.get(Indicator.target == "2021年9月30日之前")
        assert deadline.target_parts == '[["≤",null,"","2021-09-30"]]'


def test_a_saved_target_is_read_again_with_the_plans_year(app, seeded):
    with app.app_context():
        indicator = Indicator.get(Indicator.target == "2021年9月30日之前")
        edit = Edit(
            "indicator", "target", {"target": "12月底前"}, {"target": version(indicator.target)}
        )
        assert save_cell(account("editor"), indicator.id, edit).status == 200
        assert Indicator.get_by_id(indicator.id).target_parts == '[["≤",null,"","2021-12-31"]]'
        edit = Edit("indicator", "target", {"target": "按时完成"}, {"target": version("12月底前")})
        assert save_cell(account("editor"), indicator.id, edit).status == 200
        assert Indicator.get_by_id(indicator.id).target_parts == "[]"


def test_a_new_row_stores_an_empty_target_as_saying_nothing(app, seeded):
    with app.app_context():
        first = Indicator.select().first()
        new = rows.insert(account("editor"), first.id, "below")
        assert Indicator.get_by_id(new.id).target_parts == "[]"


def test_the_rules_read_the_stored_parts(app, seeded):
    """A stored plan is checked from what its targets were read as when saved: parts that say a
    rate of 120 % are found out of range though the text says nothing of the kind."""
    with app.app_context():
        indicator = Indicator.get(Indicator.target == "100%")
        plan = indicator.project.plan
        assert "V02" not in {f.rule for f in check_plan(plan)}
        Indicator.update(target_parts='[["=","120","%",null]]').where(
            Indicator.id == indicator.id
        ).execute()
        assert "V02" in {f.rule for f in check_plan(plan)}
