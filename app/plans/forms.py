"""Forms for the commune plan itself (issue 9), and the small fields they share with
app/admin: Vietnamese messages for choices, text of bounded length."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.editing import VersionField
from app.core.idempotency import SubmissionField
from app.core.fields import NFCStringField, NFCTextAreaField, VNDecimalField
from app.plans.models import COMBINE, SEMANTICS, combine_choices

_CHOICE_MESSAGE = _l("Lựa chọn không hợp lệ; hãy chọn trong danh sách.")


def optional_int(value):
    """Coerce for selects whose blank option means "none"."""
    if value in ("", None):
        return None
    return int(value)


class ChoiceField(SelectField):
    """A select whose refusals are in Vietnamese (WTForms has no Vietnamese catalogue)."""

    def __init__(self, label=None, validators=None, coerce=optional_int, **kwargs):
        kwargs.setdefault("invalid_value_message", _CHOICE_MESSAGE)
        kwargs.setdefault("invalid_choice_message", _CHOICE_MESSAGE)
        super().__init__(label, validators, coerce=coerce, **kwargs)


class ChoicesField(SelectMultipleField):
    """Several choices, shown as checkboxes (a multiple select is hard to use on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, coerce=int, **kwargs):
        kwargs.setdefault("invalid_value_message", _CHOICE_MESSAGE)
        kwargs.setdefault("invalid_choice_message", _CHOICE_MESSAGE)
        super().__init__(label, validators, coerce=coerce, **kwargs)


def required(message):
    return DataRequired(message=message)


def text(label, max_len, message=None, **kw):
    validators = [required(message)] if message else [Optional()]
    return NFCStringField(label, validators=[*validators, Length(
        max=max_len, message=_l("Tối đa %(max)d ký tự.", max=max_len))], **kw)


def long_text(label, max_len=20000, message=None, **kw):
    validators = [required(message)] if message else []
    return NFCTextAreaField(label, validators=[*validators, Length(
        max=max_len, message=_l("Tối đa %(max)d ký tự.", max=max_len))], **kw)


class PlanTextForm(FlaskForm):
    """The commune plan's own text; section bodies are added per plan by plan_text_form()."""

    number = text(_l("Số văn bản"), 60)
    date_text = text(_l("Ngày tháng ghi trên văn bản"), 100)
    title = long_text(_l("Trích yếu"), 2000, _l("Vui lòng nhập trích yếu của kế hoạch."))
    basis = long_text(_l("Căn cứ"))
    theme = long_text(_l("Chủ đề thi đua"), 2000, _l("Vui lòng nhập chủ đề thi đua."))
    signer_title = text(_l("Chức vụ người ký"), 100)
    signer_name = text(_l("Họ tên người ký"), 100)
    recipients = long_text(_l("Nơi nhận (mỗi nơi một dòng)"), 5000)
    version = VersionField()


def plan_text_form(sections, **kwargs) -> PlanTextForm:
    """A PlanTextForm with one body field and one version per section of this plan."""

    class Form(PlanTextForm):
        pass

    for s in sections:
        setattr(Form, f"s{s.id}", long_text(s.heading))
        setattr(Form, f"s{s.id}_version", VersionField())
    return Form(**kwargs)


class AreaForm(FlaskForm):
    token = SubmissionField()  # a double tap on “add” makes one record
    code = text(_l("Mã (số mục)"), 20, _l("Vui lòng nhập mã, ví dụ III.7."))
    title = text(_l("Tên nội dung thi đua"), 300, _l("Vui lòng nhập tên nội dung."))
    body = long_text(_l("Nội dung chi tiết"))
    lead_unit_id = ChoiceField(_l("Đơn vị chủ trì"))
    version = VersionField()


class IndicatorForm(FlaskForm):
    token = SubmissionField()  # a double tap on “add” makes one record
    area_id = ChoiceField(_l("Thuộc nội dung thi đua"),
                          validators=[DataRequired(_l("Vui lòng chọn nội dung thi đua."))])
    code = text(_l("Mã chỉ tiêu"), 20, _l("Vui lòng nhập mã chỉ tiêu, ví dụ III.2-11."))
    name = text(_l("Tên chỉ tiêu"), 300, _l("Vui lòng nhập tên chỉ tiêu."))
    unit_of_measure = text(_l("Đơn vị tính"), 60)
    semantics = ChoiceField(_l("Cách tính"), coerce=str,
                            choices=[SelectChoice(k, _l(v)) for k, v in SEMANTICS.items()])
    target = VNDecimalField(_l("Mục tiêu"))
    total = VNDecimalField(_l("Tổng số (với chỉ tiêu “số đạt trên tổng số”)"))
    baseline = VNDecimalField(_l("Số liệu gốc"))
    lead_unit_id = ChoiceField(_l("Đơn vị chủ trì"))
    contributors = ChoicesField(_l("Đơn vị phối hợp"))
    # issue 16: who reports a figure, how the commune's is made, and what is plausible
    combine = ChoiceField(_l("Số liệu của xã là"), coerce=str, default="lead",
                          choices=[SelectChoice(k, _l(v)) for k, v in COMBINE.items()])
    reporters = ChoicesField(_l("Đơn vị phối hợp cũng báo cáo số liệu"))
    low = VNDecimalField(_l("Số liệu hợp lý từ"))
    high = VNDecimalField(_l("đến"))
    over_target_pct = VNDecimalField(_l("Cảnh báo khi lũy kế vượt kế hoạch năm quá (%)"))
    reason = long_text(_l("Lý do thay đổi mục tiêu"), 2000)
    version = VersionField()

    def validate_combine(self, field):
        if field.data == "sum" and "sum" not in combine_choices(self.semantics.data or "",
                                                                 self.unit_of_measure.data or ""):
            raise ValidationError(str(_l("Không cộng tỷ lệ (%) hay kết quả đạt / không đạt của "
                                         "các đơn vị: chọn số của đơn vị chủ trì hoặc số mới "
                                         "nhất.")))
        if field.data not in combine_choices(self.semantics.data or ""):
            raise ValidationError(str(_l("Chỉ tiêu cộng dồn cả năm chỉ lấy số của đơn vị chủ trì "
                                         "hoặc tổng số của các đơn vị.")))

    def validate_reporters(self, field):
        chosen = set(field.data or [])
        if chosen and self.combine.data == "lead":
            raise ValidationError(str(_l("Số liệu của xã là số của đơn vị chủ trì: không đơn vị "
                                         "phối hợp nào cần báo cáo. Bỏ chọn, hoặc đổi cách "
                                         "tổng hợp.")))
        if not chosen <= set(self.contributors.data or []):
            raise ValidationError(str(_l("Chỉ chọn trong các đơn vị phối hợp.")))

    def validate_high(self, field):
        if field.data is not None and self.low.data is not None and field.data < self.low.data:
            raise ValidationError(str(_l("Cận trên phải lớn hơn hoặc bằng cận dưới.")))

    def validate_over_target_pct(self, field):
        if field.data is not None and (field.data != field.data.to_integral_value()
                                       or not 0 <= field.data <= 1000):
            raise ValidationError(str(_l("Nhập một số nguyên từ 0 đến 1000.")))

    def validate_total(self, field):
        if self.semantics.data == "count_of_total":
            if field.data is None:
                raise ValidationError(str(_l("Chỉ tiêu “số đạt trên tổng số” cần tổng số.")))
            if field.data <= 0:
                raise ValidationError(str(_l("Tổng số phải lớn hơn 0.")))

    def validate_target(self, field):
        if (field.data is not None and self.semantics.data == "yes_no"
                and field.data not in (0, 1)):
            raise ValidationError(str(_l("Chỉ tiêu đạt / không đạt có mục tiêu là 1 (đạt).")))


class NewYearForm(FlaskForm):
    """One button: CSRF, and the year the person saw, so a double click starts one year."""

    from_year = HiddenField()


class AssignmentsForm(FlaskForm):
    """The office's table of who reports what: its rows are read from request.form (one
    rule and the parts of each indicator), so only the CSRF token is a field here."""


class SettleForm(FlaskForm):
    """The office's choice between a lead's figure and its parts' sum (issue 28): the
    choice and the numbers shown are read by app/plans/settling.read, so only the CSRF
    token is a field here."""
