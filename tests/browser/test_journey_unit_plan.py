"""Journeys in real Chromium on a phone (issue 3): a village head writes the unit's plan in
place; the Front comments and the village answers; the office filters the overview."""
import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import serious
from tests.browser.conftest import signed_in


def test_a_village_head_writes_the_plan_and_answers_the_front(browser, browser_context_args,
                                                               live_server):
    base = live_server.url
    village_ctx = browser.new_context(**browser_context_args)
    front_ctx = browser.new_context(**browser_context_args)
    try:
        village, front = village_ctx.new_page(), front_ctx.new_page()
        signed_in(village, base, "ban01")
        goals = village.locator(".sec", has_text="Mục tiêu").first
        goals.get_by_role("link", name=re.compile("^Sửa")).click()
        editor = village.get_by_label("Nội dung")
        expect(editor).to_be_visible()
        editor.fill("100% hộ gia đình đăng ký thi đua.\n\nKhông còn hộ tái nghèo.")
        village.get_by_role("button", name="Lưu").click()
        goals = village.locator(".sec", has_text="Mục tiêu").first
        expect(goals.locator("p.pre")).to_have_count(2)
        expect(goals).to_contain_text("Không còn hộ tái nghèo.")
        expect(village).to_have_url(re.compile(r"/units/ban-mau-01$"))
        expect(village.locator("#comment-form")).to_have_count(0)  # editors answer only

        signed_in(front, base, "mttq")
        front.goto(f"{base}/units/ban-mau-01")
        front.get_by_label("Ý kiến").fill("Đề nghị bản công khai danh sách hộ đăng ký.")
        front.get_by_role("button", name="Gửi ý kiến").click()
        thread = front.locator("#comment-list > li.cm").first
        expect(thread).to_contain_text("Đề nghị bản công khai danh sách hộ đăng ký.")
        expect(front.get_by_label("Ý kiến")).to_have_value("")  # ready for the next one
        expect(front.get_by_text("Chưa có ý kiến.")).to_be_hidden()

        village.reload()
        thread = village.locator("#comment-list > li.cm").first
        thread.locator("summary", has_text="Trả lời").click()
        thread.get_by_label("Nội dung trả lời").fill("Bản đã niêm yết tại nhà văn hóa.")
        thread.get_by_role("button", name="Gửi trả lời").click()
        expect(thread.locator(".replies")).to_contain_text("Bản đã niêm yết tại nhà văn hóa.")
        expect(thread.get_by_label("Nội dung trả lời")).to_have_value("")

        # the history shows both, in words
        village.get_by_role("link", name="Lịch sử thay đổi").click()
        expect(village.locator("ol.history > li").first).to_contain_text("Ý kiến")
        expect(village.locator("ol.history")).to_contain_text("Sửa kế hoạch triển khai: Mục tiêu")
    finally:
        village_ctx.close()
        front_ctx.close()


def test_the_office_filters_the_overview_in_place(page, live_server):
    signed_in(page, live_server.url, "vhxh")
    page.get_by_role("link", name="Các đơn vị").click()
    expect(page).to_have_url(re.compile(r"/units/$"))
    rows = page.locator("#overview-results tbody tr")
    expect(rows.first).to_have_class("late")
    everyone = rows.count()
    with page.expect_response(re.compile(r"/units/\?")) as answer:
        page.get_by_label("Loại đơn vị").select_option(label="Bản")
    assert answer.value.request.headers.get("hx-target") == "overview-results"
    expect(rows).not_to_have_count(everyone)
    expect(page.locator("#overview-results")).to_contain_text("Bản mẫu 01")
    expect(page.locator("#overview-results")).not_to_contain_text("Phòng Kinh tế")
    expect(page).to_have_url(re.compile(r"kind=village"))


def test_editing_pages_and_inline_editors_pass_axe(page, live_server):
    axe = Axe()
    signed_in(page, live_server.url, "ban01")
    mid = page.locator("#ms-list > li.ms").first.get_attribute("id").split("-")[1]
    sid = page.locator(".sec").first.get_attribute("id").split("-")[1]
    found = {}
    for url in (f"/milestones/{mid}/edit", f"/milestones/{mid}/delete",
                f"/units/ban-mau-01/sections/{sid}/edit", "/units/ban-mau-01/milestones/new"):
        page.goto(live_server.url + url)
        found[url] = serious(axe.run(page))
    # the page with every inline editor open at once
    page.goto(f"{live_server.url}/units/ban-mau-01")
    page.locator(f"#m-{mid}").get_by_role("link", name="Sửa").click()
    page.locator(f"#sec-{sid}").get_by_role("link", name=re.compile("^Sửa")).click()
    page.get_by_role("link", name="+ Thêm mốc").click()
    expect(page.locator("#ms-add form")).to_be_visible()
    expect(page.locator(f"#sec-{sid} form")).to_be_visible()
    found["inline"] = serious(axe.run(page))
    assert {url: problems for url, problems in found.items() if problems} == {}
