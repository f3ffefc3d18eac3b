from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.core.fields import no_control_chars, strip_nfc


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), filters=[strip_nfc],
                           validators=[DataRequired(_l("Vui lòng nhập tên đăng nhập.")),
                                       Length(max=60), no_control_chars])
    password = PasswordField(_l("Mật khẩu"),
                             validators=[DataRequired(_l("Vui lòng nhập mật khẩu.")),
                                         Length(max=200)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Mật khẩu hiện tại"),
                            validators=[DataRequired(_l("Vui lòng nhập mật khẩu hiện tại.")),
                                        Length(max=200)])
    new = PasswordField(_l("Mật khẩu mới"),
                        validators=[DataRequired(_l("Vui lòng nhập mật khẩu mới.")),
                                    Length(max=200)])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"),
                            validators=[EqualTo("new", _l("Hai lần nhập mật khẩu mới không khớp."))])
