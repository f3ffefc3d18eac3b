"""A village head attaches photos to a milestone from a phone (issue 21): with JavaScript the
photo is scaled on the phone before it leaves (≤ 1 600 px, about ≤ 300 KB); without it the
plain form works and the server does the same. The page is screenshot at 360 × 780."""
import os
from pathlib import Path

from sqlalchemy import select

from app.evidence.models import EvidenceFile
from app.core.extensions import db
from tests.browser.conftest import sign_in
from tests.factories import PDF, docx_bytes, own_milestone
from tests.browser.conftest import phone_photo, scaled_on_the_phone

SHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/thidua-shots"))


def _stored(app, mid):
    with app.app_context():
        found = list(db.session.scalars(select(EvidenceFile).where(
            EvidenceFile.owner_kind == "milestone", EvidenceFile.owner_id == mid)
            .order_by(EvidenceFile.id)))
        db.session.expunge_all()
        return found


def test_a_village_head_attaches_three_files_to_a_milestone(app, live_server, page):
    mid = own_milestone(app)
    big = phone_photo()
    assert len(big) > 1_000_000
    sign_in(page, live_server.url, "ban01")
    page.goto(f"{live_server.url}/units/ban-mau-01")
    page.locator(f"#m-{mid}").get_by_role("link", name="Tệp minh chứng").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Thêm ảnh hoặc tệp").set_input_files(
        {"name": "Đường bê tông thôn.jpg", "mimeType": "image/jpeg", "buffer": big})
    scaled_on_the_phone(page)  # far less than 2 MB goes out
    page.get_by_role("button", name="Đính kèm").click()
    page.locator(".ev-list li").first.wait_for()
    [photo] = _stored(app, mid)
    assert photo.kind == "jpeg" and max(photo.width, photo.height) <= 1600 and photo.size <= 300_000
    for name, data, mime in (("Biên bản họp dân.pdf", PDF, "application/pdf"),
                             ("Danh sách hộ tham gia.docx", docx_bytes(), "application/msword")):
        page.get_by_label("Thêm ảnh hoặc tệp").set_input_files(
            {"name": name, "mimeType": mime, "buffer": data})
        page.get_by_role("button", name="Đính kèm").click()
        page.get_by_text(name).wait_for()
    assert page.locator(".ev-list li").count() == 3
    assert page.locator(".ev-list img").evaluate("i => i.complete && i.naturalWidth > 0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 360, "height": 780})
    page.screenshot(path=str(SHOTS / "evidence-milestone-360.png"), full_page=False)


def test_without_javascript_the_server_scales_the_photo(app, live_server, browser):
    mid = own_milestone(app)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 780})
    page = context.new_page()
    sign_in(page, live_server.url, "ban01")
    page.goto(f"{live_server.url}/milestones/{mid}/files")
    page.get_by_label("Thêm ảnh hoặc tệp").set_input_files(
        {"name": "anh.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()})
    page.get_by_role("button", name="Đính kèm").click()
    page.wait_for_load_state()
    assert "Đã đính kèm “anh.jpg” (JPEG)." in page.content()
    [photo] = _stored(app, mid)
    assert max(photo.width, photo.height) == 1600 and photo.size <= 300_000
    context.close()
