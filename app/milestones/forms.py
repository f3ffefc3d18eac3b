from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from app.core.editing import VersionField
from app.core.idempotency import SubmissionField
from app.core.fields import NFCStringField, NFCTextAreaField, VNDateField, VNDecimalField
from app.milestones.models import MILESTONE_STATUSES


def form_id(value):
    """An id picked in a select: None when blank, -1 (matches nothing) when not a number,
    so a forged value becomes a form error rather than a crash."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1


def unique_ids(form, prefix: str):
    """Several forms of one kind can sit on a page; their fields need distinct ids."""
    for f in form:
        f.id = f.label.field_id = f"{prefix}{f.name}"
    return form


STATUS_CHOICES = [SelectChoice(key, _l(label)) for key, label in MILESTONE_STATUSES.items()]
BAD_STATUS = _l("Trạng thái không hợp lệ.")


class MilestoneForm(FlaskForm):
    title = NFCStringField(_l("Tên mốc, nhiệm vụ"), validators=[
        DataRequired(_l("Vui lòng nhập tên mốc, nhiệm vụ.")),
        Length(max=300, message=_l("Tên dài tối đa %(max)d ký tự."))])
    start_on = VNDateField(_l("Ngày bắt đầu"))
    due_on = VNDateField(_l("Hạn hoàn thành"))
    status = SelectField(_l("Trạng thái"), choices=STATUS_CHOICES, default="not_started",
                         validate_choice=False,
                         validators=[AnyOf(tuple(MILESTONE_STATUSES), message=BAD_STATUS)])
    progress = VNDecimalField(_l("Tiến độ (%)"), default=0, render_kw={"inputmode": "numeric"})
    owner = NFCStringField(_l("Người phụ trách"), validators=[
        Length(max=120, message=_l("Tên người phụ trách dài tối đa %(max)d ký tự."))])
    area_id = SelectField(_l("Nội dung thi đua"), coerce=form_id, validate_choice=False)
    indicator_id = SelectField(_l("Chỉ tiêu"), coerce=form_id, validate_choice=False)
    evidence = NFCTextAreaField(_l("Minh chứng, ghi chú"), validators=[
        Length(max=4000, message=_l("Ghi chú dài tối đa %(max)d ký tự."))])
    version = VersionField()

    def validate_progress(self, field):
        if field.errors or field.data is None:  # unreadable (already said why), or blank: 0
            return
        if field.data != field.data.to_integral_value() or not 0 <= field.data <= 100:
            raise ValidationError(_l("Tiến độ là số nguyên từ 0 đến 100."))

    def validate_due_on(self, field):
        if field.data and self.start_on.data and field.data < self.start_on.data:
            raise ValidationError(_l("Hạn hoàn thành không được trước ngày bắt đầu."))


class NewMilestoneForm(MilestoneForm):
    token = SubmissionField()  # a double tap adds one milestone


class StatusForm(FlaskForm):
    status = SelectField(choices=STATUS_CHOICES, validate_choice=False,
                         validators=[AnyOf(tuple(MILESTONE_STATUSES), message=BAD_STATUS)])
    version = VersionField()


class DeleteForm(FlaskForm):
    version = VersionField()
