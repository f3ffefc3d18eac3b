"""Demo content of thi đua – khen thưởng (demo mode only): the mid-year review, scored once
its period's reports are in (after the six months' deadline), a good model of Bản mẫu 01 and
a proposal for Bản mẫu 02 before the council. Idempotent."""
from datetime import date

from sqlalchemy import func, select

from app.auth.models import User
from app.emulation import queries
from app.emulation.services import good_models, proposals, reviews
from app.emulation.models import AwardTitle, Proposal, Review
from app.core.extensions import db
from app.reports.models import ReportingPeriod
from app.units.models import Unit


def load_demo(year: int, day: date) -> bool:
    if db.session.scalar(select(func.count(Proposal.id))):
        return False
    if queries.commune_plan(year) is None:
        return False
    vhxh = db.session.scalar(select(User).where(User.username == "vhxh"))
    half = db.session.scalar(select(ReportingPeriod).where(
        ReportingPeriod.year == year, ReportingPeriod.kind == "half"))
    if half is not None and half.deadline < day and not db.session.scalar(select(Review.id)):
        review = reviews.create_review(year, "half")
        reviews.compute(review, today=day, user=vhxh)
    units = {u.slug: u for u in db.session.scalars(
        select(Unit).where(Unit.slug.in_(("ban-mau-01", "ban-mau-02"))))}
    if "ban-mau-01" in units:
        good_models.save_model(None, {
            "unit_id": units["ban-mau-01"].id, "area_id": None,
            "title": "Tổ tự quản bảo vệ rừng cộng đồng",
            "description": "Mỗi nhóm hộ nhận khoán một khoảnh rừng, tuần tra theo lịch và "
                           "báo cháy rừng qua nhóm Zalo của bản."}, year=year, user=vhxh)
    title = db.session.scalar(select(AwardTitle).where(AwardTitle.name == "Bản văn hóa"))
    if "ban-mau-02" in units and title is not None:
        p = proposals.create_proposal(year, {
            "nominee_kind": "collective", "unit_id": units["ban-mau-02"].id, "person_name": "",
            "person_position": "", "title_id": title.id,
            "achievements": "Giữ vững danh hiệu bản văn hóa; 100% hộ tham gia bảo hiểm y tế."},
            user=vhxh)
        proposals.send_to_council(p, p.version, user=vhxh)
    return True
