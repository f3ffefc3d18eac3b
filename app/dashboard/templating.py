"""What templates call from the dashboard: an indicator's trend as a small SVG."""
from app.core.i18n import gettext as _
from app.dashboard.trend import sparkline


def register_template_globals(app):
    app.jinja_env.globals.update(trend_svg=trend_svg, indicator_trend=indicator_trend)


def trend_svg(line, year):
    ind, p = line.indicator, line.progress
    return sparkline(line.points, year=year, semantics=ind.semantics, target=ind.target,
                     status=p.status, label=_("Xu hướng %(code)s", code=ind.code))


def indicator_trend(ind, figs, year):
    """The indicator page's larger trend."""
    return sparkline(figs.points, year=year, semantics=ind.semantics, target=ind.target,
                     status=figs.progress.status, label=_("Xu hướng %(code)s", code=ind.code),
                     w=320, h=72)
