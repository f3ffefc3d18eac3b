"""What templates call about thi đua – khen thưởng: the labels of a nominee's kind, a
review's kind, a status and a level, and the scoring's level_of and pts."""
from app.core.i18n import gettext as _
from app.core.templating import label_of
from app.emulation import scoring
from app.emulation.models import NOMINEE_KINDS, REVIEW_KINDS


def register_template_globals(app):
    app.jinja_env.filters.update(nominee_kind=nominee_kind, review_kind=review_kind,
                                 status_label=emulation_status_label)
    app.jinja_env.globals.update(level_label=level_label, level_of=scoring.level_of,
                                 pts=scoring.pts)


def nominee_kind(value):
    return label_of(NOMINEE_KINDS, value)


def review_kind(value):
    return label_of(REVIEW_KINDS, value)


def emulation_status_label(value):
    label = scoring.status_label(value)
    return _(label) if label else label


def level_label(level):
    label = scoring.level_label(level)
    return _(label) if label else label
