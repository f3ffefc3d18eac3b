"""The demo's reviews tell a commune's story (issue 28): the villages differ — some lag on
their milestones, send reports late, get fewer of the office's points — so their scores
spread, and a village's page shows where each point comes from."""
from sqlalchemy import select

from app import create_app
from app.core.extensions import db
from app.emulation.models import Review
from tests.conftest import build_database, make_config


# ---------------------------------------------------------------- the villages' scores

def _village_levels(kind):
    from app.emulation import scoring, settings
    from app.emulation.models import ScoreSheet
    from app.units.models import Unit

    review = db.session.scalar(select(Review).where(Review.kind == kind))
    assert review is not None
    thresholds = settings.current().thresholds
    sheets = db.session.scalars(select(ScoreSheet).join(Unit, Unit.id == ScoreSheet.unit_id)
                                .where(ScoreSheet.review_id == review.id,
                                       Unit.kind == "village")).all()
    assert len(sheets) == 6
    for sheet in sheets:  # the office has scored each village's own work, and said why
        manual = [ln for ln in sheet.lines if ln.method == "manual"]
        assert manual and all(ln.points is not None and ln.basis for ln in manual)
        assert sheet.unscored == 0
    return review, {s.unit.slug: scoring.level_of(s.total, thresholds) for s in sheets}, \
        {s.unit.slug: s.total for s in sheets}


def _spread(levels, totals):
    from app.emulation.scoring import EXCELLENT, GOOD

    good = [slug for slug, level in levels.items() if level in (EXCELLENT, GOOD)]
    assert len(good) >= len(levels) / 2, levels
    assert len(good) < len(levels), levels  # a few villages below "Hoàn thành tốt"
    assert len(set(totals.values())) >= 5, totals  # not one pace for every village


def test_the_villages_half_year_scores_spread(december_app):
    """On 8 December the half-year review ranks the villages as a commune would: most
    "Hoàn thành tốt" or better, a few only "Hoàn thành", each for a reason on its page."""
    with december_app.app_context():
        _review, levels, totals = _village_levels("half")
        _spread(levels, totals)
        assert levels["ban-mau-01"] == "excellent"  # its good model, the council's proposal
        assert levels["ban-mau-02"] in ("excellent", "good")  # proposed "Bản văn hóa"


def test_a_villages_score_page_shows_where_each_point_comes_from(december_app, login):
    with december_app.app_context():
        review, levels, _totals = _village_levels("half")
    assert levels["ban-mau-04"] == "done"
    page = login("vhxh", on=december_app).get(f"/emulation/reviews/{review.id}/units/ban-mau-04")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for source in ("Số của xã (đơn vị góp phần)",             # the indicators it shares
                   "Kiên cố hóa kênh mương nội đồng",          # a milestone left behind
                   "7 đúng hạn, 2 nộp muộn",                   # reports sent late
                   "Họp dân phát động muộn"):                  # the office's reason
        assert source in html, source


def test_the_year_review_spreads_too(tmp_path_factory):
    path = tmp_path_factory.mktemp("year") / "year.sqlite"
    build_database(f"sqlite:///{path}", demo_today="2026-12-28")
    app = create_app(make_config(f"sqlite:///{path}"))
    with app.app_context():
        _spread(*_village_levels("year")[1:])
        db.session.remove()
        db.engine.dispose()
