"""A removed file is kept (issue 29): its address answers 404, and the office — only the
office — puts it back from the record's files page, within the record's limits."""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.extensions import db
from tests.factories import PDF, files_of, own_milestone, send


def _removed_one(app, login):
    mid = own_milestone(app)
    head = login("ban01")
    assert send(head, f"/milestones/{mid}/files", PDF + b"%%EOF", "Biên bản họp.pdf").status_code == 303
    [f] = files_of(app, mid)
    assert head.post(f"/evidence/milestone/{f.id}/remove").status_code == 303
    assert head.get(f"/evidence/milestone/{f.id}").status_code == 404
    return mid, f


def test_the_office_sees_a_removed_file_and_puts_it_back(app, login):
    mid, f = _removed_one(app, login)
    office = login("vhxh")
    page = office.get(f"/milestones/{mid}/files").get_data(as_text=True)
    assert "Tệp đã gỡ (1)" in page and "Biên bản họp.pdf" in page and "Khôi phục" in page
    r = office.post(f"/evidence/milestone/{f.id}/restore")
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/milestones/{mid}/files")
    back = office.get(r.headers["Location"]).get_data(as_text=True)
    assert "Đã khôi phục “Biên bản họp.pdf” vào hồ sơ." in back and "Tệp đã gỡ" not in back
    assert [g.id for g in files_of(app, mid)] == [f.id]
    assert login("ban01").get(f"/evidence/milestone/{f.id}").status_code == 200
    # a second tap (or a lost answer sent again) changes nothing and says the same
    assert office.post(f"/evidence/milestone/{f.id}/restore").status_code == 303
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.entity == "evidence_file", AuditEvent.entity_id == f.id)
            .order_by(AuditEvent.id)))
    assert actions == ["evidence.attach", "evidence.remove", "evidence.restore"]


def test_only_the_office_restores_and_the_unit_sees_no_such_offer(app, login):
    mid, f = _removed_one(app, login)
    head = login("ban01")
    assert "Khôi phục" not in head.get(f"/milestones/{mid}/files").get_data(as_text=True)
    for who in ("ban01", "chutich", "mttq"):
        assert login(who).post(f"/evidence/milestone/{f.id}/restore").status_code == 403
    assert files_of(app, mid) == []


def test_a_restore_over_the_records_limit_is_refused_in_vietnamese(app, login):
    app.config["EVIDENCE_MAX_RECORD_FILES"] = 1
    mid, f = _removed_one(app, login)
    assert send(login("ban01"), f"/milestones/{mid}/files", PDF + b"%%EOF2", "Khác.pdf").status_code == 303
    r = login("vhxh").post(f"/evidence/milestone/{f.id}/restore")
    assert r.status_code == 409
    assert "Không thể khôi phục" in r.get_data(as_text=True)
    assert [g.name for g in files_of(app, mid)] == ["Khác.pdf"]
