from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Regexp

from app.core.idempotency import SubmissionField
from app.notifications.forms import email_field
from app.admin.rules import COMMUNE_ROLES
from app.auth.models import ROLES
from app.core.editing import VersionField
from app.plans.forms import ChoiceField, ChoicesField, text
from app.units.models import UNIT_KINDS


class AccountForm(FlaskForm):
    token = SubmissionField()  # a double tap on “add” makes one record
    username = text(_l("Tên đăng nhập"), 60, _l("Vui lòng nhập tên đăng nhập."))
    full_name = text(_l("Họ và tên"), 120, _l("Vui lòng nhập họ và tên."))
    position = text(_l("Chức vụ"), 120)
    unit_id = ChoiceField(_l("Đơn vị"))
    roles = ChoicesField(_l("Vai trò"), coerce=str,
                         choices=[SelectChoice(k, _l(ROLES[k])) for k in COMMUNE_ROLES])
    # issue 19: where notifications are mailed (the person picks how often on their page)
    email = email_field()
    version = VersionField()


class AccountActionForm(FlaskForm):
    """A one-button form (lock, unlock, reset password): CSRF and the version read."""

    active = HiddenField()
    version = VersionField()


class UnitForm(FlaskForm):
    token = SubmissionField()  # a double tap on “add” makes one record
    slug = text(_l("Mã đơn vị (dùng trong địa chỉ trang)"), 60, _l("Vui lòng nhập mã đơn vị."),
                filters=[lambda v: v.lower() if isinstance(v, str) else v])
    name = text(_l("Tên đầy đủ"), 200, _l("Vui lòng nhập tên đơn vị."))
    short_name = text(_l("Tên viết tắt"), 80)
    kind = ChoiceField(_l("Loại đơn vị"), coerce=str,
                       choices=[SelectChoice(k, _l(v)) for k, v in UNIT_KINDS.items()])
    parent_id = ChoiceField(_l("Đơn vị cấp trên"))
    version = VersionField()

    def __init__(self, *args, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.slug.validators = [*self.slug.validators, Regexp(
                r"^[a-z0-9]+(-[a-z0-9]+)*$",
                message=_l("Mã chỉ gồm chữ thường không dấu, số và dấu gạch nối, "
                           "ví dụ ban-na-hi."))]
        else:
            del self.slug  # a unit's address never changes: links and bookmarks keep working


class ArchiveForm(FlaskForm):
    move_accounts_to = ChoiceField(_l("Chuyển các tài khoản của đơn vị sang"))
    version = VersionField()
