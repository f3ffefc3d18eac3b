"""The forms of notifications: marking read (a button), and a person's e-mail choice."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from app.notifications.models import EMAIL_MODES
from app.core.fields import NFCStringField
from app.core.editing import VersionField
from app.plans.forms import ChoiceField

# one address and nothing else: a mailbox's own characters, one @, a domain of labels
# (no comma, angle brackets, quotes or spaces: "a,b@c.d" or "<a@b.c>" would be a list or a
# display form that a mail header reads differently from this page)
EMAIL_RE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                      r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def check_email(form, field):
    if field.data and not EMAIL_RE.fullmatch(field.data):
        raise ValidationError(_l("Địa chỉ thư điện tử không hợp lệ, ví dụ ten@binhlu.gov.vn."))


def email_field():
    """The optional address, on the person's own page and the administrator's form."""
    return NFCStringField(_l("Thư điện tử (không bắt buộc)"), validators=[
        Optional(), Length(max=254, message=_l("Tối đa %(max)d ký tự.", max=254)), check_email])


class ReadForm(FlaskForm):
    """A one-button form: CSRF only."""


class SettingsForm(FlaskForm):
    email = email_field()
    email_mode = ChoiceField(_l("Nhận thư"), coerce=str,
                             choices=[SelectChoice(k, _l(v)) for k, v in EMAIL_MODES.items()])
    version = VersionField()


class RemindForm(FlaskForm):
    """The office's "remind the units that have not submitted" button."""
