"""Inferring the budget year of a document."""

from app.domain.document import Document, IndicatorData, ProjectData


def _document(title="", codes=(), targets=()):
    projects = [ProjectData(code=code, name="", line=1) for code in codes] or [
        ProjectData("", "", 1)
    ]
    projects[0].indicators = [IndicatorData("", "", "", "", target, "", 1) for target in targets]
    return Document("1", "部门", title=title, projects=projects)


def test_title_year_wins():
    assert _document("2023年部门总体绩效目标", codes=["405002B21DX0001"]).inferred_year() == 2023


def test_codes_and_targets_vote():
    document = _document(codes=["405002B19DX0002", "405002B21DX0003"], targets=["2021年12月底之前"])
    assert document.inferred_year() == 2021


def test_a_tie_goes_to_the_later_year():
    assert _document(codes=["405002B20DX0001", "405002B21DX0001"]).inferred_year() == 2021


def test_nothing_to_go_on():
    assert _document(codes=["ABC"]).inferred_year() is None
