"""What templates call from the province: the commune a province account is reading."""
from app.province.viewing import is_province_account, viewed_commune


def register_template_globals(app):
    app.jinja_env.globals["viewed_commune"] = viewed_commune
    app.jinja_env.globals["is_province_account"] = is_province_account
