"""The starting lists a commune edits: a scoring table per kind of unit (100 points each)
and the titles and forms of commendation with who awards them (Law 06/2022/QH15). Loaded
by `flask seed`, or by the secretariat with one button when a list is empty. Idempotent:
a list that has rows is left as the commune made it."""
from decimal import Decimal

from sqlalchemy import func, select

from app.audit.service import record
from app.emulation.models import AwardTitle, Criterion
from app.core.extensions import db

_STAFF = (
    ("Thực hiện các chỉ tiêu thi đua được giao", "indicators", 40,
     "Các chỉ tiêu của kế hoạch thi đua mà đơn vị chủ trì hoặc tham gia."),
    ("Hoàn thành nhiệm vụ, mốc trong kế hoạch triển khai của đơn vị", "milestones", 25, ""),
    ("Chấp hành chế độ báo cáo đúng hạn", "timeliness", 15, ""),
    ("Công tác tham mưu, phối hợp; đổi mới, sáng tạo; mô hình hay, cách làm hiệu quả",
     "manual", 20, "Hội đồng chấm theo kết quả kiểm tra và báo cáo của đơn vị."),
)
_MASS = (
    ("Thực hiện các chỉ tiêu thi đua được giao", "indicators", 30, ""),
    ("Hoàn thành nhiệm vụ, mốc trong kế hoạch triển khai của đơn vị", "milestones", 30, ""),
    ("Chấp hành chế độ báo cáo đúng hạn", "timeliness", 15, ""),
    ("Tuyên truyền, vận động hội viên, đoàn viên và Nhân dân tham gia phong trào", "manual", 25,
     ""),
)
_VILLAGE = (
    ("Thực hiện các chỉ tiêu thi đua của bản", "indicators", 40,
     "Các chỉ tiêu bản được giao báo cáo phần của bản (diện tích gieo trồng, lao động có "
     "việc làm, lao động học nghề…), chấm theo số của xã mà bản góp phần."),
    ("Hoàn thành nhiệm vụ, mốc trong kế hoạch thi đua của bản", "milestones", 30, ""),
    ("Chấp hành chế độ báo cáo đúng hạn", "timeliness", 10, ""),
    ("Tổ chức phát động, tuyên truyền; xây dựng mô hình hay, cách làm hiệu quả", "manual", 20,
     "Hội đồng chấm theo kết quả kiểm tra thực tế tại bản."),
)
CRITERIA = {
    "office": _STAFF, "department": _STAFF, "service": _STAFF, "health": _STAFF,
    "school": _STAFF, "front": _MASS, "organisation": _MASS, "village": _VILLAGE,
}

# name, kind, nominee, level, authority
TITLES = (
    ("Lao động tiên tiến", "title", "individual", "commune", "Chủ tịch UBND xã"),
    ("Chiến sĩ thi đua cơ sở", "title", "individual", "commune", "Chủ tịch UBND xã"),
    ("Gia đình văn hóa", "title", "individual", "commune", "Chủ tịch UBND xã"),
    ("Bản văn hóa", "title", "collective", "commune", "Chủ tịch UBND xã"),
    ("Giấy khen của Chủ tịch UBND xã", "form", "both", "commune", "Chủ tịch UBND xã"),
    ("Bằng khen của Chủ tịch UBND tỉnh", "form", "both", "higher", "Chủ tịch UBND tỉnh"),
    ("Cờ thi đua của UBND tỉnh", "form", "collective", "higher", "Chủ tịch UBND tỉnh"),
)


def ensure_criteria(kinds=None) -> int:
    """Add the starting table of each kind (of `kinds`, default all) that has none."""
    have = set(db.session.scalars(select(Criterion.unit_kind).distinct()))
    added = 0
    for kind, rows in CRITERIA.items():
        if kind in have or (kinds is not None and kind not in kinds):
            continue
        for n, (title, method, points, description) in enumerate(rows, 1):
            db.session.add(Criterion(unit_kind=kind, title=title, method=method,
                                     max_points=Decimal(points), description=description,
                                     sort_order=n))
            added += 1
    if added:
        db.session.flush()
        record("criterion.seed", "criterion", None, after={"criteria": added})
    return added


def ensure_titles() -> int:
    if db.session.scalar(select(func.count(AwardTitle.id))):
        return 0
    for n, (name, kind, nominee, level, authority) in enumerate(TITLES, 1):
        db.session.add(AwardTitle(name=name, kind=kind, nominee_kind=nominee, level=level,
                                  authority=authority, sort_order=n))
    db.session.flush()
    record("award_title.seed", "award_title", None, after={"titles": [t[0] for t in TITLES]})
    return len(TITLES)


def ensure_defaults() -> None:
    ensure_criteria()
    ensure_titles()
