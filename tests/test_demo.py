"""The demo tells the story on whatever day it is built (issue 18): built through the real
`flask seed` for several days of the year, each has what a newcomer must see."""
from datetime import date

import pytest
from sqlalchemy import func, select

from app.comments.models import Comment
from app.dashboard.queries import current_period_status, unanswered_comments
from app.reports.completeness import MISSING
from app.emulation.models import Proposal, Review
from app.core.extensions import db
from app.milestones.models import Milestone
from app.plans.models import IndicatorValue
from app.plans.queries import commune_plan, indicators_of, progress_of
from app.reports.models import Report, ReportingPeriod, ReportValue
from tests.conftest import build_database, make_config

from app import create_app

DAYS = ("2026-02-20", "2026-07-03", "2026-12-03")


@pytest.fixture(scope="module", params=DAYS)
def story(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    build_database(f"sqlite:///{path}", demo_today=request.param)
    app = create_app(make_config(f"sqlite:///{path}"))
    with app.app_context():
        yield date.fromisoformat(request.param)
        db.session.remove()
        db.engine.dispose()


def test_every_ended_period_has_accepted_figures(story):
    ended = db.session.scalars(select(ReportingPeriod.id).where(
        ReportingPeriod.ends_on < story, ReportingPeriod.deadline < story)).all()
    assert ended
    with_figures = set(db.session.scalars(select(IndicatorValue.period_id).distinct()))
    assert set(ended) <= with_figures


def test_targets_on_track_at_risk_off_track_and_one_to_check(story):
    plan = commune_plan(2026)
    statuses = [p.status for p in progress_of(plan, indicators_of(plan)).values()]
    for status in ("on_track", "at_risk", "off_track"):
        assert statuses.count(status) > 0, (status, statuses)
    assert statuses.count("needs_check") == 1
    assert statuses.count("no_data") <= 1  # the reduction without a baseline


def test_one_flagged_figure_awaits_the_office(story):
    flagged = db.session.execute(select(ReportValue, Report.status).join(Report).where(
        ReportValue.flags != "")).all()
    assert len(flagged) == 1
    value, status = flagged[0]
    assert status == "submitted" and value.confirmed_at is None and value.explanation


def test_one_report_returned_with_its_reason(story):
    returned = db.session.scalars(select(Report).where(Report.status == "returned")).all()
    assert len(returned) == 1
    reason = db.session.scalar(select(Comment).where(Comment.kind == "return",
                                                     Comment.subject_id == returned[0].id))
    assert reason is not None and "gửi lại" in reason.body


def test_a_few_units_are_late(story):
    # what the chair's "who is late" reads: the period being reported now, deadlines passed
    now = current_period_status(story)
    assert now.period is not None and 1 <= now.count(MISSING) <= 4


def test_the_fronts_question_is_unanswered(story):
    total, rows = unanswered_comments()
    assert total >= 1
    assert any(c.author.username == "mttq" for c, _unit, _period in rows)


def test_milestones_in_every_state(story):
    statuses = set(db.session.scalars(select(Milestone.status).distinct()))
    assert {"not_started", "in_progress", "done", "paused", "cancelled"} <= statuses
    overdue = db.session.scalar(select(func.count(Milestone.id)).where(
        Milestone.due_on < story, Milestone.status.not_in(("done", "cancelled"))))
    assert overdue > 0


def test_the_mid_year_review_is_scored_after_its_periods(story):
    review = db.session.scalar(select(Review).where(Review.kind == "half"))
    half = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.kind == "half"))
    if story < date(2026, 6, 23):
        assert review is None  # the six months have not been reported yet
        return
    assert review is not None and half is not None and half.deadline < story
    assert db.session.scalar(select(func.count(IndicatorValue.id)).where(
        IndicatorValue.period_id == half.id)) > 0


def test_a_proposal_is_before_the_council(story):
    assert db.session.scalar(select(func.count(Proposal.id)).where(
        Proposal.status == "council")) == 1
