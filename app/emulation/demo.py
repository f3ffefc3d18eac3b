"""Demo content of thi đua – khen thưởng (demo mode only): the mid-year review, scored once
its period's reports are in (after the six months' deadline), and the year's once the year's
are; the office's points for each village's own work, with the reason, so the villages'
scores spread as a commune's do (app/demo.py and app/reports/demo.py say what sets them
apart); a good model of Bản mẫu 01 and a proposal for Bản mẫu 02 before the council.
Idempotent."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.emulation import queries
from app.emulation.services import good_models, proposals, reviews
from app.emulation.models import DERIVED, AwardTitle, Proposal, Review, ScoreSheet
from app.core.extensions import db
from app.demo_cast import BINH_LU, Cast
from app.reports.models import ReportingPeriod
from app.units.models import Unit

# The points the office gives each village on the criterion it scores by hand (the village's
# launch, outreach and good models), after checking on the spot, with its reason.
VILLAGE_POINTS = {
    "ban-mau-01": (18, "Mô hình tổ tự quản bảo vệ rừng cộng đồng hiệu quả, được xã chọn để "
                       "nhân rộng; tuyên truyền thường xuyên qua loa truyền thanh của bản."),
    "ban-mau-02": (15, "Phong trào văn nghệ, thể thao sôi nổi; giữ vững danh hiệu bản văn hóa."),
    "ban-mau-03": (14, "Nhân dân hiến đất, góp công làm đường nội bản; đường chưa làm xong."),
    "ban-mau-04": (7, "Họp dân phát động muộn; chưa có mô hình mới; vệ sinh môi trường chưa ra "
                      "quân theo kế hoạch."),
    "ban-mau-05": (12, "Vận động hộ tham gia bảo hiểm y tế có kết quả; tuyên truyền còn ít."),
    "ban-mau-06": (4, "Chưa họp dân bàn sửa quy ước của bản; ít hộ tham gia các hoạt động "
                      "chung."),
}
# a sample commune's villages beyond the six the story names (app/demo_cast.py)
OTHER_VILLAGE_REASON = ("Phát động, tuyên truyền theo kế hoạch; tham gia đầy đủ các hoạt động "
                        "chung; chưa có mô hình mới nổi bật.")


def _score(kind: str, year: int, day: date, user, cast: Cast = BINH_LU) -> None:
    """The review of `kind`, scored as of `day`, with the office's points for the villages
    (a sample commune's moved a little by its seed, app/demo_cast.py)."""
    review = reviews.create_review(year, kind)
    reviews.compute(review, today=day, user=user)
    given = {cast.slug(part): (cast.points.get(part, points), cast.say(reason))
             for part, (points, reason) in VILLAGE_POINTS.items()}
    given.update({slug: (points, cast.say(OTHER_VILLAGE_REASON))
                  for slug, points in cast.extras.items()})
    sheets = db.session.scalars(
        select(ScoreSheet).join(Unit, Unit.id == ScoreSheet.unit_id)
        .where(ScoreSheet.review_id == review.id, Unit.slug.in_(given))
        .options(selectinload(ScoreSheet.lines), selectinload(ScoreSheet.unit)))
    for sheet in sheets:
        points, reason = given[sheet.unit.slug]
        manual = [ln for ln in sheet.lines if ln.method not in DERIVED]
        reviews.save_sheet(sheet, sheet.version,
                           {ln.criterion_id: min(Decimal(points), ln.max_points) for ln in manual},
                           {ln.criterion_id: reason for ln in manual},
                           None, "", None, "", user=user)


def load_demo(year: int, day: date, cast: Cast = BINH_LU) -> bool:
    if db.session.scalar(select(func.count(Proposal.id))):
        return False
    if queries.commune_plan(year) is None:
        return False
    vhxh = db.session.scalar(select(User).where(User.username == cast.username("vhxh")))
    if not db.session.scalar(select(Review.id)):
        for kind, deadline in db.session.execute(select(
                ReportingPeriod.kind, ReportingPeriod.deadline).where(
                ReportingPeriod.year == year, ReportingPeriod.kind.in_(("half", "year")))
                .order_by(ReportingPeriod.ends_on)):
            if deadline < day:
                _score(kind, year, day, vhxh, cast)
    first, second = cast.slug("ban-mau-01"), cast.slug("ban-mau-02")
    units = {u.slug: u for u in db.session.scalars(
        select(Unit).where(Unit.slug.in_((first, second))))}
    if first in units:
        good_models.save_model(None, {
            "unit_id": units[first].id, "area_id": None,
            "title": "Tổ tự quản bảo vệ rừng cộng đồng",
            "description": cast.say("Mỗi nhóm hộ nhận khoán một khoảnh rừng, tuần tra theo lịch "
                                    "và báo cháy rừng qua nhóm Zalo của bản.")},
            year=year, user=vhxh)
    title = db.session.scalar(select(AwardTitle).where(AwardTitle.name == cast.say("Bản văn hóa")))
    if second in units and title is not None:
        p = proposals.create_proposal(year, {
            "nominee_kind": "collective", "unit_id": units[second].id, "person_name": "",
            "person_position": "", "title_id": title.id,
            "achievements": cast.say("Giữ vững danh hiệu bản văn hóa; 100% hộ tham gia bảo "
                                     "hiểm y tế.")},
            user=vhxh)
        proposals.send_to_council(p, p.version, user=vhxh)
    return True
