"""History: every change listed with old → new, narrowed to one cell, and restored."""

from app.domain.fields import version
from app.models import Change, Indicator, Plan
from app.services.history import CannotRestore, restore


def _setup(app):
    with app.app_context():
        project = Plan.get().ordered_projects()[0]
        return project, project.ordered_indicators()[0]


def _save_target(user, indicator_id, old, new):
    form = {"target": new, "version-target": version(old)}
    assert user.put(f"/cells/indicator/{indicator_id}/target", form).status_code == 200


def test_history_lists_changes_old_to_new(app, user):
    project, indicator = _setup(app)
    _save_target(user, indicator.id, "26650.77平方米", "27000平方米")
    page = user.get(f"/history/projects/{project.id}").get_data(as_text=True)
    assert "指标“房屋租赁平米数”" in page and "指标值" in page
    assert "26650.77平方米" in page and "27000平方米" in page and "修改" in page
    assert user.get("/history/plans/405002/2021").get_data(as_text=True).count("27000平方米") == 1


def test_history_of_one_cell(app, user):
    project, indicator = _setup(app)
    _save_target(user, indicator.id, "26650.77平方米", "27000平方米")
    form = {"name": "租赁面积", "version-name": version("房屋租赁平米数")}
    user.put(f"/cells/indicator/{indicator.id}/name", form)
    page = user.get(f"/history/cells/indicator/{indicator.id}?field=target").get_data(as_text=True)
    assert "27000平方米" in page and page.count('<tr id="change-') == 1
    money = user.get(f"/history/cells/project/{project.id}?field=money")
    assert money.status_code == 200


def test_restore_an_earlier_value_is_itself_recorded(app, user):
    _, indicator = _setup(app)
    _save_target(user, indicator.id, "26650.77平方米", "27000平方米")
    _save_target(user, indicator.id, "27000平方米", "28000平方米")
    with app.app_context():
        first = Change.select().where(Change.action == "edit").order_by(Change.id).first()
    response = user.post(f"/history/{first.id}/restore", htmx=False)
    assert response.status_code == 303
    with app.app_context():
        assert Indicator.get_by_id(indicator.id).target == "26650.77平方米"
        last = Change.select().order_by(Change.id.desc()).first()
        assert (last.action, last.old, last.new) == ("restore", "28000平方米", "26650.77平方米")


def test_restore_a_deleted_indicator_from_history(app, user):
    project, indicator = _setup(app)
    user.post(f"/indicators/{indicator.id}/delete")
    with app.app_context():
        deletion = Change.get(Change.action == "delete")
    page = user.get(f"/history/projects/{project.id}").get_data(as_text=True)
    assert "恢复此行" in page
    user.post(f"/history/{deletion.id}/restore", htmx=False)
    assert f'id="row-{indicator.id}"' in user.get(f"/projects/{project.id}").get_data(as_text=True)


def test_restore_a_deleted_project(app, user):
    project, _ = _setup(app)
    assert user.post(f"/projects/{project.id}/delete", htmx=False).status_code == 303
    assert user.get(f"/projects/{project.id}").status_code == 404
    with app.app_context():
        deletion = Change.get(Change.action == "delete")
    user.post(f"/history/{deletion.id}/restore", htmx=False)
    assert user.get(f"/projects/{project.id}").status_code == 200


def test_what_cannot_be_restored_says_why(app, user):
    _, indicator = _setup(app)
    _save_target(user, indicator.id, "26650.77平方米", "27000平方米")
    with app.app_context():
        change = Change.get(Change.action == "edit")
        restore(change)
        try:
            restore(change)
            raise AssertionError("restored twice")
        except CannotRestore as error:
            assert "已经是这个值" in str(error)
