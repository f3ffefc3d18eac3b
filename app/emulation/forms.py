"""Forms of thi đua – khen thưởng. Numbers and dates are Vietnamese (app/fields), text is
NFC with control characters refused, choices answer in Vietnamese (app/plans/forms)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional

from app.emulation.models import (AWARD_LEVELS, METHODS, NOMINEE_KINDS, REVIEW_KINDS,
                                  TITLE_KINDS, TITLE_NOMINEES, VOTES)
from app.emulation.settings import LABELS
from app.core.fields import VNDateField, VNDecimalField
from app.core.idempotency import SubmissionField
from app.core.editing import VersionField
from app.plans.forms import ChoiceField, ChoicesField, long_text, text
from app.units.models import UNIT_KINDS


def _choices(mapping):
    return [SelectChoice(k, _l(v)) for k, v in mapping.items()]


def points(label, required=True):
    # InputRequired, not DataRequired: a number that cannot be read keeps its own message
    validators = [InputRequired(_l("Vui lòng nhập số điểm."))] if required else [Optional()]
    return VNDecimalField(label, validators)


class SettingsForm(FlaskForm):
    level_excellent = VNDecimalField(LABELS["level_excellent"])
    level_good = VNDecimalField(LABELS["level_good"])
    level_done = VNDecimalField(LABELS["level_done"])
    council_pass_percent = VNDecimalField(LABELS["council_pass_percent"])
    decision_bases = long_text(LABELS["decision_bases"], 5000)
    versions = HiddenField()


class CriterionForm(FlaskForm):
    unit_kind = ChoiceField(_l("Loại đơn vị"), coerce=str, choices=_choices(UNIT_KINDS))
    title = text(_l("Tiêu chí"), 300, _l("Vui lòng nhập tên tiêu chí."))
    description = long_text(_l("Cách chấm, ghi chú"), 5000)
    max_points = points(_l("Điểm tối đa"))
    method = ChoiceField(_l("Cách tính điểm"), coerce=str, choices=_choices(METHODS))
    active = BooleanField(_l("Đang áp dụng"), default=True)
    version = VersionField()


class TitleForm(FlaskForm):
    name = text(_l("Tên danh hiệu, hình thức"), 200, _l("Vui lòng nhập tên."))
    kind = ChoiceField(_l("Loại"), coerce=str, choices=_choices(TITLE_KINDS))
    nominee_kind = ChoiceField(_l("Dành cho"), coerce=str, choices=_choices(TITLE_NOMINEES))
    level = ChoiceField(_l("Thẩm quyền"), coerce=str, choices=_choices(AWARD_LEVELS))
    authority = text(_l("Người, cơ quan quyết định"), 200)
    active = BooleanField(_l("Đang dùng"), default=True)
    version = VersionField()


class NewReviewForm(FlaskForm):
    kind = ChoiceField(_l("Đợt"), coerce=str, choices=_choices(REVIEW_KINDS))


class ReviewForm(FlaskForm):
    title = text(_l("Trích yếu"), 300, _l("Vui lòng nhập trích yếu."))
    number = text(_l("Số báo cáo"), 40)
    issued_on = VNDateField(_l("Ngày ban hành"))
    assessment = long_text(_l("Đánh giá chung kết quả"))
    shortcomings = long_text(_l("Tồn tại, hạn chế"))
    directions = long_text(_l("Phương hướng, nhiệm vụ thời gian tới"))
    signer_name = text(_l("Người ký"), 100)
    recipients = long_text(_l("Nơi nhận (mỗi nơi một dòng)"), 5000)
    version = VersionField()


class SheetForm(FlaskForm):
    bonus = points(_l("Điểm thưởng"), required=False)
    bonus_reason = long_text(_l("Lý do cộng điểm"), 2000)
    penalty = points(_l("Điểm trừ"), required=False)
    penalty_reason = long_text(_l("Lý do trừ điểm"), 2000)
    version = VersionField()


def sheet_form_class(manual_lines):
    """The sheet form with a points box and a note for each criterion scored by hand."""
    attrs = {}
    for line in manual_lines:
        attrs[f"m_{line.criterion_id}"] = points(_l("Điểm chấm"), required=False)
        attrs[f"n_{line.criterion_id}"] = long_text(_l("Nhận xét"), 2000)
    return type("UnitSheetForm", (SheetForm,), attrs)


class NewCriterionForm(CriterionForm):
    token = SubmissionField()  # a double tap adds one criterion


class NewTitleForm(TitleForm):
    token = SubmissionField()  # a double tap adds one title


class ModelForm(FlaskForm):
    unit_id = ChoiceField(_l("Đơn vị"), [DataRequired(_l("Vui lòng chọn đơn vị."))])
    area_id = ChoiceField(_l("Nội dung thi đua"))
    title = text(_l("Tên mô hình, cách làm, điển hình"), 300, _l("Vui lòng nhập tên."))
    description = long_text(_l("Mô tả"), 10000)
    version = VersionField()
    token = SubmissionField()


class ProposalForm(FlaskForm):
    nominee_kind = ChoiceField(_l("Đề nghị khen thưởng cho"), coerce=str,
                               choices=_choices(NOMINEE_KINDS))
    unit_id = ChoiceField(_l("Tập thể (đơn vị) hoặc đơn vị của cá nhân"),
                          [DataRequired(_l("Vui lòng chọn đơn vị."))])
    person_name = text(_l("Họ và tên cá nhân"), 120)
    person_position = text(_l("Chức vụ"), 120)
    title_id = ChoiceField(_l("Danh hiệu, hình thức khen thưởng"),
                           [DataRequired(_l("Vui lòng chọn danh hiệu, hình thức."))])
    achievements = long_text(_l("Tóm tắt thành tích"), 10000)
    version = VersionField()
    token = SubmissionField()


class EvidenceForm(FlaskForm):
    evidence = ChoicesField(_l("Minh chứng"), coerce=str)


class StepForm(FlaskForm):
    """A one-button step (send to the council, close the vote): CSRF and the version read."""
    version = VersionField()


class VoteForm(FlaskForm):
    vote = ChoiceField(_l("Biểu quyết"), coerce=str, choices=_choices(VOTES))


class DecideForm(FlaskForm):
    decision_number = text(_l("Số quyết định / tờ trình"), 40)
    decision_date = VNDateField(_l("Ngày ký"))
    version = VersionField()


class DeclineForm(FlaskForm):
    reason = long_text(_l("Lý do không khen thưởng"), 2000, _l("Vui lòng ghi lý do không khen thưởng."))
    version = VersionField()


class CommentForm(FlaskForm):
    body = long_text(_l("Ý kiến"), 4000, _l("Vui lòng nhập ý kiến."))
