"""Journeys in real Chromium on a phone (issue 3): a village head keeps the unit's milestones
up to date; another unit's editor cannot; two people edit one milestone at once; and
everything also works with JavaScript off."""
import json
import re

from playwright.sync_api import expect
from sqlalchemy import select

from app.core.extensions import db
from app.milestones.models import Milestone
from app.units.models import Unit
from tests.browser.conftest import signed_in


def milestone_row(page, title):
    return page.locator("#ms-list > li.ms", has_text=title)


def saved(app, title):
    with app.app_context():
        m = db.session.scalar(select(Milestone).where(Milestone.title == title))
        if m is not None:
            db.session.expunge(m)
        return m


def test_a_village_head_adds_a_milestone_and_marks_it_done(page, live_server):
    signed_in(page, live_server.url, "ban01")
    expect(page).to_have_url(re.compile(r"/units/ban-mau-01$"))
    page.get_by_role("link", name="+ Thêm mốc").click()
    form = page.locator("#ms-add form")
    form.get_by_label("Tên mốc, nhiệm vụ").fill("Ra quân vệ sinh đường bản")
    form.get_by_label("Ngày bắt đầu").fill("01/12/2026")
    form.get_by_label("Hạn hoàn thành").fill("20/12/2026")
    form.get_by_label("Người phụ trách").fill("Bí thư chi đoàn")
    form.get_by_label("Chỉ tiêu").select_option(label="III.3-08 Tỷ lệ hộ gia đình đạt chuẩn văn hóa")
    form.get_by_role("button", name="Thêm mốc").click()
    row = milestone_row(page, "Ra quân vệ sinh đường bản")
    expect(row).to_be_visible()
    expect(row).to_contain_text("01/12/2026 – 20/12/2026 · Bí thư chi đoàn · 0% · III.3 · III.3-08")
    expect(page.get_by_role("link", name="+ Thêm mốc")).to_be_visible()  # the form closed
    expect(page).to_have_url(re.compile(r"/units/ban-mau-01$"))  # in place, no navigation

    # one tap: one request, answered with the row alone, no redirect
    requests = []
    page.on("request", lambda r: requests.append(r))
    with page.expect_response(re.compile(r"/milestones/\d+/status$")) as answer:
        row.get_by_role("button", name="Hoàn thành").click()
    assert answer.value.status == 200 and answer.value.request.redirected_from is None
    row = milestone_row(page, "Ra quân vệ sinh đường bản")
    expect(row.get_by_role("button", name="Hoàn thành")).to_have_attribute("aria-pressed", "true")
    expect(row).to_contain_text("100%")
    page.wait_for_load_state("networkidle")
    assert [r.url for r in requests if r.resource_type in ("fetch", "xhr", "document")] == \
        [answer.value.url]
    m = saved(live_server.app, "Ra quân vệ sinh đường bản")
    assert (m.status, m.progress) == ("done", 100)


def test_another_units_editor_sees_no_controls_and_a_forged_post_is_refused(page, live_server):
    with live_server.app.app_context():
        m = db.session.scalars(select(Milestone).join(Unit, Unit.id == Milestone.unit_id)
                               .where(Unit.slug == "ban-mau-01", Milestone.status == "in_progress")).first()
        mid, version, title = m.id, m.version, m.title
    signed_in(page, live_server.url, "kinhte")
    page.goto(f"{live_server.url}/units/ban-mau-01")
    row = page.locator(f"#m-{mid}")
    expect(row).to_contain_text(title)
    expect(row.get_by_role("button")).to_have_count(0)
    expect(row.get_by_role("link", name="Sửa")).to_have_count(0)
    expect(page.get_by_role("link", name="+ Thêm mốc")).to_have_count(0)
    expect(page.locator("#plan").get_by_role("link", name=re.compile("^Sửa"))).to_have_count(0)

    # a hand-made POST with a valid session and CSRF token is still refused
    token = json.loads(page.locator("body").get_attribute("hx-headers"))["X-CSRFToken"]
    for url, form in ((f"/milestones/{mid}/status", {"status": "done", "version": version}),
                      (f"/milestones/{mid}/edit", {"title": "Đã xong", "status": "done",
                                                   "progress": "100", "version": version}),
                      (f"/milestones/{mid}/delete", {"version": version})):
        answer = page.request.post(f"{live_server.url}{url}", form=form,
                                   headers={"X-CSRFToken": token, "HX-Request": "true"})
        assert answer.status == 403, url
    page.reload()
    expect(page.locator(f"#m-{mid}")).to_contain_text("Đang thực hiện")
    m = saved(live_server.app, title)
    assert (m.status, m.version) == ("in_progress", version)


def test_two_people_edit_one_milestone_and_the_second_keeps_their_text(
        browser, browser_context_args, live_server):
    with live_server.app.app_context():
        m = db.session.scalars(select(Milestone).join(Unit, Unit.id == Milestone.unit_id)
                               .where(Unit.slug == "ban-mau-01").order_by(Milestone.id)).first()
        mid, title = m.id, m.title
    first_ctx = browser.new_context(**browser_context_args)
    second_ctx = browser.new_context(**browser_context_args)
    try:
        first, second = first_ctx.new_page(), second_ctx.new_page()
        signed_in(first, live_server.url, "ban01")
        signed_in(second, live_server.url, "vhxh")
        second.goto(f"{live_server.url}/units/ban-mau-01")
        for page in (first, second):  # both open the editor on the same version
            page.locator(f"#m-{mid}").get_by_role("link", name="Sửa").click()
            expect(page.locator(f"#m-{mid} form")).to_be_visible()
        first.locator(f"#m-{mid}").get_by_label("Tên mốc, nhiệm vụ").fill("Bản của trưởng bản")
        first.locator(f"#m-{mid}").get_by_role("button", name="Lưu").click()
        expect(first.locator(f"#m-{mid}")).to_contain_text("Bản của trưởng bản")

        row = second.locator(f"#m-{mid}")
        row.get_by_label("Tên mốc, nhiệm vụ").fill("Bản của phòng Văn hóa")
        row.get_by_label("Minh chứng, ghi chú").fill("Biên bản họp ngày 05/12")
        row.get_by_role("button", name="Lưu").click()
        conflict = second.locator(f"#m-{mid} .conflict")
        expect(conflict).to_contain_text("Mốc này vừa được người khác lưu")
        expect(conflict).to_contain_text("Bản của trưởng bản")
        expect(row.get_by_label("Tên mốc, nhiệm vụ")).to_have_value("Bản của phòng Văn hóa")
        expect(row.get_by_label("Minh chứng, ghi chú")).to_have_value("Biên bản họp ngày 05/12")
        expect(second).to_have_url(re.compile(r"/units/ban-mau-01$"))  # still in place
        assert saved(live_server.app, "Bản của trưởng bản") is not None

        # having looked, the second person saves deliberately over the new version
        row.get_by_label("Tên mốc, nhiệm vụ").fill("Bản đã gộp của hai người")
        row.get_by_role("button", name="Lưu").click()
        expect(second.locator(f"#m-{mid}")).to_contain_text("Bản đã gộp của hai người")
        expect(second.locator(f"#m-{mid} .conflict")).to_have_count(0)
        m = saved(live_server.app, "Bản đã gộp của hai người")
        assert m.evidence == "Biên bản họp ngày 05/12" and title != m.title
    finally:
        first_ctx.close()
        second_ctx.close()


def test_without_javascript_a_village_head_adds_and_edits_a_milestone(
        browser, browser_context_args, live_server):
    ctx = browser.new_context(**browser_context_args, java_script_enabled=False)
    try:
        page = ctx.new_page()
        signed_in(page, live_server.url, "ban02")
        expect(page).to_have_url(re.compile(r"/units/ban-mau-02$"))
        page.get_by_role("link", name="+ Thêm mốc").click()
        expect(page).to_have_url(re.compile(r"/units/ban-mau-02/milestones/new$"))
        page.get_by_label("Tên mốc, nhiệm vụ").fill("Họp dân bàn kế hoạch thi đua")
        page.get_by_label("Hạn hoàn thành").fill("31/02/2026")
        page.get_by_role("button", name="Thêm mốc").click()
        # a wrong date comes back with the reason and what was typed
        expect(page.locator(".err", has_text="tháng 2 năm 2026 chỉ có 28 ngày")).to_be_visible()
        expect(page.get_by_label("Tên mốc, nhiệm vụ")).to_have_value("Họp dân bàn kế hoạch thi đua")
        page.get_by_label("Hạn hoàn thành").fill("28/02/2026")
        page.get_by_role("button", name="Thêm mốc").click()
        expect(page).to_have_url(re.compile(r"/units/ban-mau-02#m-\d+$"))
        expect(page.get_by_text("Đã thêm mốc “Họp dân bàn kế hoạch thi đua”.")).to_be_visible()
        row = milestone_row(page, "Họp dân bàn kế hoạch thi đua")
        expect(row).to_contain_text("Quá hạn")  # due 28/02/2026, long past, not done

        row.get_by_role("link", name="Sửa").click()
        expect(page).to_have_url(re.compile(r"/milestones/\d+/edit$"))
        page.get_by_label("Trạng thái").select_option(label="Đang thực hiện")
        page.get_by_label("Tiến độ (%)").fill("60")
        page.get_by_label("Hạn hoàn thành").fill("31/12/2026")
        page.get_by_role("button", name="Lưu").click()
        expect(page).to_have_url(re.compile(r"/units/ban-mau-02#m-\d+$"))
        row = milestone_row(page, "Họp dân bàn kế hoạch thi đua")
        expect(row).to_contain_text("Đang thực hiện")
        expect(row).to_contain_text("60%")
        expect(row).not_to_contain_text("Quá hạn")

        # one tap still works: a plain form post, redirect, get
        row.get_by_role("button", name="Hoàn thành").click()
        expect(page.get_by_text("Đã chuyển “Họp dân bàn kế hoạch thi đua” sang “Hoàn thành”.")).to_be_visible()
        m = saved(live_server.app, "Họp dân bàn kế hoạch thi đua")
        assert (m.status, m.progress, str(m.due_on)) == ("done", 100, "2026-12-31")
    finally:
        ctx.close()
