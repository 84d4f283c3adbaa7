"""WTForms classes; field names equal the model fields they fill."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.domain import departments, framework
from app.domain.document import FIRST_YEAR, LAST_YEAR
from app.domain.fields import hidden_character


def _visible(form, field):
    """Refuse control characters and bidirectional overrides in a name."""
    hidden = hidden_character(field.data or "")
    if hidden:
        raise ValidationError(f"{field.label.text}含有不可见的控制字符（{hidden}），请删除")


class PlanForm(FlaskForm):
    """A new plan: a department (new or existing, by code) and a budget year."""

    code = StringField(
        "部门编码",
        validators=[
            DataRequired("请填写部门编码"),
            Regexp(departments.CODE_PATTERN, message=departments.CODE_RULE),
        ],
    )
    name = StringField(
        "部门名称（新部门必填）",
        validators=[Optional(), Length(max=100, message="部门名称最多100个字"), _visible],
    )
    year = IntegerField(
        "预算年度",
        validators=[
            DataRequired("请填写预算年度（四位数字）"),
            NumberRange(FIRST_YEAR, LAST_YEAR, message=f"预算年度应在{FIRST_YEAR}—{LAST_YEAR}之间"),
        ],
    )
    layout = SelectField(
        "指标体系",
        choices=[SelectChoice(value, title) for value, title in framework.LAYOUT_TITLES.items()],
        default=framework.CLASSIC,
    )
