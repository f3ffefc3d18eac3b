from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length

from app.core.editing import VersionField
from app.core.fields import NFCTextAreaField
from app.core.idempotency import SubmissionField
from app.milestones.forms import form_id


class SectionForm(FlaskForm):
    body = NFCTextAreaField(_l("Nội dung"), validators=[
        Length(max=20000, message=_l("Nội dung dài tối đa %(max)d ký tự."))])
    version = VersionField()


class CommentForm(FlaskForm):
    body = NFCTextAreaField(_l("Ý kiến"), validators=[
        DataRequired(_l("Vui lòng nhập nội dung ý kiến.")),
        Length(max=4000, message=_l("Ý kiến dài tối đa %(max)d ký tự."))])
    reply_to_id = HiddenField(filters=[form_id])
    milestone_id = HiddenField(filters=[form_id])
    token = SubmissionField()  # a double tap adds one comment
