from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from app.plans.forms import text


class AdminFields(FlaskForm):
    """A commune administrator: the username and the password the province hands over (the
    rules of app/auth/passwords.py, checked by the service)."""

    username = text(_l("Tên đăng nhập của quản trị viên xã"), 60,
                    _l("Vui lòng nhập tên đăng nhập."))
    full_name = text(_l("Họ và tên"), 120, _l("Vui lòng nhập họ và tên."),
                     default=_l("Quản trị viên xã"))
    password = PasswordField(_l("Mật khẩu"), [DataRequired(_l("Vui lòng nhập mật khẩu.")),
                                              Length(max=200)])
    confirm = PasswordField(_l("Nhập lại mật khẩu"),
                            [EqualTo("password", _l("Hai lần nhập mật khẩu không khớp."))])


class NewCommuneForm(AdminFields):
    plan_file = FileField(_l("Tệp kế hoạch của xã (.toml)"))


class ViewForm(FlaskForm):
    """The button that opens a commune's pages: its CSRF token."""
