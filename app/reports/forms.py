from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.editing import VersionField
from app.core.fields import NFCStringField, NFCTextAreaField, VNDateField, VNDecimalField
from app.core.idempotency import SubmissionField
from app.reports import figures as fig
from app.reports.models import REPORT_SECTIONS

MAX_SECTION = 20000


class FigureField(VNDecimalField):
    """One indicator's figure, read by the indicator's own rules (a yes/no, a rate ≤ 100…)."""

    def __init__(self, label=None, validators=None, indicator=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.indicator = indicator

    def _parse(self, text):
        return fig.parse_figure(self.indicator, text)

    def _format(self, value):
        return fig.draft_text(self.indicator, value)

    @property
    def raw(self) -> str:
        """What was typed, as typed (stripped), for the draft."""
        return (self.raw_data[0] if self.raw_data else self._value()).strip()


class ReportForm(FlaskForm):
    version = VersionField()
    draft_token = HiddenField()


for _key, _label in REPORT_SECTIONS:
    setattr(ReportForm, _key, NFCTextAreaField(_l(_label), [Length(max=MAX_SECTION)]))


def report_form_class(indicators):
    """The report form with a figure and an explanation box per indicator of the unit."""
    attrs = {}
    for ind in indicators:
        label = (_l("Số liệu (%(unit)s)", unit=ind.unit_of_measure) if ind.unit_of_measure
                 else _l("Số liệu"))
        attrs[f"v_{ind.id}"] = FigureField(label, indicator=ind)
        attrs[f"e_{ind.id}"] = NFCTextAreaField(_l("Giải trình"),
                                                [Length(max=fig.MAX_EXPLANATION)])
    return type("UnitReportForm", (ReportForm,), attrs)


class ReviewForm(FlaskForm):
    version = VersionField()
    comment = NFCTextAreaField(_l("Lý do trả lại"), [Length(max=5000)])


class CommentForm(FlaskForm):
    token = SubmissionField()  # a double tap adds one comment
    comment = NFCTextAreaField(_l("Ý kiến"), [DataRequired(_l("Vui lòng nhập ý kiến.")),
                                              Length(max=5000)])


class EmptyForm(FlaskForm):
    """A button and its CSRF token."""


class CompileForm(EmptyForm):
    """Compiling the commune's report: the version of the one it replaces, if any."""
    version = VersionField()


class UploadForm(FlaskForm):
    file = FileField(_l("Tệp Excel (.xlsx) đã điền"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PeriodForm(FlaskForm):
    version = VersionField()
    token = SubmissionField()  # a double tap creates one ad-hoc request
    subject = NFCStringField(_l("Nội dung yêu cầu báo cáo"), [Length(max=300)])
    starts_on = VNDateField(_l("Số liệu từ ngày"), [DataRequired(_l("Vui lòng nhập ngày."))])
    ends_on = VNDateField(_l("Đến ngày (chốt số liệu)"), [DataRequired(_l("Vui lòng nhập ngày."))])
    deadline = VNDateField(_l("Hạn báo cáo của xã"), [DataRequired(_l("Vui lòng nhập ngày."))])
    units = MultiCheckboxField(_l("Đơn vị phải báo cáo"), coerce=int, validate_choice=False)


def period_form_class(kinds):
    """The period form with one deadline box per unit kind (the staggering)."""
    attrs = {f"deadline_{kind}": VNDateField(_l(label), [Optional()]) for kind, label in kinds}
    return type("PeriodKindsForm", (PeriodForm,), attrs)


class CalendarForm(FlaskForm):
    version = VersionField()


def calendar_form_class(unit_kinds, period_kinds):
    """The office's calendar: per kind of unit, the kinds of period it reports."""
    kinds = [SelectChoice(k, _l(label)) for k, label in period_kinds]
    attrs = {f"k_{kind}": MultiCheckboxField(_l(label), choices=kinds, validate_choice=False)
             for kind, label in unit_kinds}
    return type("CalendarKindsForm", (CalendarForm,), attrs)


class CommuneReportForm(FlaskForm):
    version = VersionField()
    number = NFCStringField(_l("Số văn bản"), [Length(max=40)])
    subject = NFCStringField(_l("Trích yếu"), [DataRequired(_l("Vui lòng nhập trích yếu.")),
                                               Length(max=300)])
    issued_on = VNDateField(_l("Ngày ban hành"), [Optional()])
    intro = NFCTextAreaField(_l("Mở đầu"), [Length(max=MAX_SECTION)])
    signer_name = NFCStringField(_l("Người ký"), [Length(max=100)])
    recipients = NFCTextAreaField(_l("Nơi nhận (mỗi dòng một nơi)"), [Length(max=2000)])


for _key, _label in REPORT_SECTIONS:
    setattr(CommuneReportForm, _key, NFCTextAreaField(_l(_label), [Length(max=MAX_SECTION)]))
