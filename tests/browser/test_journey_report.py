"""A month's report from a village to the commune's document, in real Chromium on a phone:
typing survives going offline, the office returns and then accepts, the chair sees the
figures, and the .docx holds them as 9.950,3."""
import re
from urllib.parse import unquote_plus

from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.conftest import READ
from tests.factories import (VILLAGE_COMBINE, ask_contributors, generate, indicator_id,
                                period_id)

SAVED = re.compile(r"Đã lưu lúc \d\d:\d\d")


def person(browser, browser_context_args, base, username):
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    sign_in(page, base, username)
    # the sign-in form is boosted: wait until it has really landed before going anywhere
    expect(page).not_to_have_url(re.compile(r"/login"))
    return context, page


def test_village_report_from_draft_to_commune_document(browser, browser_context_args,
                                                       live_server, app):
    generate(app)
    ask_contributors(app, VILLAGE_COMBINE)
    pid = period_id(app)
    grain, forest = indicator_id(app, "III.2-03"), indicator_id(app, "III.2-04")
    base = live_server.url

    # ban01 opens the month's report from the reports list and types
    ctx, ban = person(browser, browser_context_args, base, "ban01")
    ban.get_by_role("navigation").get_by_role("link", name="Báo cáo").click()
    # exact: the unit's "Việc cần làm" also links "Báo cáo Tháng 01/2026 quá hạn …" (issue 19)
    ban.get_by_role("link", name="Tháng 01/2026", exact=True).click()
    expect(ban.get_by_role("heading", level=1)).to_have_text("Báo cáo Tháng 01/2026")
    status = ban.locator("#save-status")
    ban.get_by_label("Kết quả đạt được").fill("Bản trồng mới 5 ha rừng.")
    ban.locator(f"#v_{grain}").fill("9.950,3")
    ban.locator(f"#v_{forest}").fill("58,39")
    expect(status).to_have_text(SAVED)

    # the link drops mid-typing: nothing is lost
    ctx.set_offline(True)
    ban.get_by_label("Khó khăn, vướng mắc").fill("Đường vào bản sạt lở sau mưa lớn.")
    expect(status).to_contain_text("Mất kết nối")
    ban.get_by_label("Đề xuất, kiến nghị").fill("Đề nghị hỗ trợ máy xúc.")
    # kept in the outbox on the phone (issue 20), the newest draft replacing the older one
    expect(ban.locator("#outbox summary")).to_have_text("1 thay đổi chờ gửi")
    for _ in range(40):  # the autosave waits 1 s after typing stops
        stored = ban.evaluate(f"({READ})('box')")
        if "Đề nghị hỗ trợ máy xúc." in unquote_plus(stored[0]["body"]):
            break
        ban.wait_for_timeout(250)
    assert len(stored) == 1 and "Đề nghị hỗ trợ máy xúc." in unquote_plus(stored[0]["body"])
    ctx.set_offline(False)
    expect(status).to_have_text(SAVED, timeout=20_000)
    ban.reload()
    expect(ban.get_by_label("Khó khăn, vướng mắc")).to_have_value("Đường vào bản sạt lở sau mưa lớn.")
    expect(ban.get_by_label("Đề xuất, kiến nghị")).to_have_value("Đề nghị hỗ trợ máy xúc.")
    expect(ban.locator(f"#v_{grain}")).to_have_value("9.950,3")
    expect(ban.locator(f"#v_{forest}")).to_have_value("58,39")
    ban.get_by_role("button", name="Gửi báo cáo").click()
    expect(ban.get_by_text("Đã gửi báo cáo.")).to_be_visible()
    expect(ban.locator("#report-form")).to_have_count(0)

    # the Culture–Society office returns it with a comment
    vctx, vhxh = person(browser, browser_context_args, base, "vhxh")
    vhxh.goto(f"{base}/reports")
    vhxh.get_by_role("link", name="Bản mẫu 01 — Tháng 01/2026").click()
    vhxh.get_by_label("Lý do trả lại").fill("Bổ sung diện tích rừng bị sạt lở.")
    vhxh.get_by_role("button", name="Trả lại cho đơn vị").click()
    expect(vhxh.get_by_text("Đã trả lại báo cáo")).to_be_visible()

    # ban01 corrects and sends it again
    ban.goto(f"{base}/units/ban-mau-01/reports/{pid}")
    # the reason is at the top of the page (issue 19) and in the history below
    expect(ban.locator(".return-reason")).to_contain_text("Bổ sung diện tích rừng bị sạt lở.")
    expect(ban.get_by_text("Bổ sung diện tích rừng bị sạt lở.").last).to_be_visible()
    ban.get_by_label("Khó khăn, vướng mắc").fill(
        "Đường vào bản sạt lở sau mưa lớn; 0,5 ha rừng bị sạt lở.")
    expect(status).to_have_text(SAVED)
    ban.get_by_role("button", name="Gửi báo cáo").click()
    expect(ban.get_by_text("Đã gửi báo cáo.")).to_be_visible()

    # the office accepts, and compiles the commune's report
    vhxh.goto(f"{base}/units/ban-mau-01/reports/{pid}")
    vhxh.get_by_role("button", name="Duyệt báo cáo").click()
    expect(vhxh.get_by_text("Đã duyệt báo cáo")).to_be_visible()
    vhxh.goto(f"{base}/reports/commune/{pid}")
    vhxh.get_by_role("button", name=re.compile("Tổng hợp dự thảo")).click()
    expect(vhxh.get_by_text("Đã tổng hợp báo cáo của xã")).to_be_visible()

    # the chair: the matrix, the figures, the plan overview, the document
    cctx, chair = person(browser, browser_context_args, base, "chutich")
    chair.goto(f"{base}/reports/completeness?year=2026&kind=month")
    row = chair.locator("tr", has=chair.get_by_role("rowheader", name="Bản mẫu 01"))
    # a phone shows each unit's counts; its periods are one tap away
    expect(row.locator("td.cnt")).to_contain_text(re.compile(r"Đúng hạn \d+ · muộn \d+"))
    expect(row.locator("td.c").first).to_be_hidden()
    row.get_by_role("link", name="Từng kỳ").click()
    row = chair.locator("tr", has=chair.get_by_role("rowheader", name="Bản mẫu 01"))
    first = row.locator("td").first
    expect(first).to_contain_text(re.compile("Nộp muộn|Đúng hạn"))
    expect(first.locator(".ok")).to_have_count(1)   # accepted
    first.get_by_role("link").click()
    expect(chair.get_by_role("cell", name="9.950,3 tấn")).to_be_visible()
    expect(chair.get_by_role("cell", name="58,39 %")).to_be_visible()
    chair.goto(f"{base}/plan?year=2026")
    grain_row = chair.locator("tr", has=chair.get_by_role("cell", name="III.2-03"))
    expect(grain_row).to_contain_text("9.950,3")
    chair.goto(f"{base}/reports/commune/{pid}")
    with chair.expect_download() as download:
        chair.get_by_role("link", name="Tải báo cáo (.docx)").click()
    doc = Document(download.value.path())
    cells = [c.text for table in doc.tables for row in table.rows for c in row.cells]
    assert "9.950,3" in cells
    assert any("Bản mẫu 01: Bản trồng mới 5 ha rừng." == p.text for p in doc.paragraphs)
    for c in (ctx, vctx, cctx):
        c.close()


def test_text_typed_while_the_save_never_arrives_comes_back_after_a_reload(
        browser, browser_context_args, live_server, app):
    generate(app)
    pid = period_id(app)
    base = live_server.url
    ctx, ban = person(browser, browser_context_args, base, "ban01")
    ban.goto(f"{base}/units/ban-mau-01/reports/{pid}")
    ban.get_by_label("Kết quả đạt được").fill("Phần đã lưu.")
    expect(ban.locator("#save-status")).to_have_text(SAVED)
    # the autosave leaves but never reaches the server
    # (the context's route: the page's request, and the worker's resending it, issue 20)
    ctx.route("**/draft", lambda route: route.abort())
    ban.get_by_label("Nhiệm vụ kỳ tới").fill("Phần chưa kịp lưu.")
    expect(ban.locator("#save-status")).to_contain_text("Mất kết nối")
    ctx.unroute("**/draft")
    ban.reload()
    # put back from this phone's storage, and saved
    expect(ban.get_by_label("Nhiệm vụ kỳ tới")).to_have_value("Phần chưa kịp lưu.")
    expect(ban.locator("#save-status")).to_have_text(SAVED, timeout=10_000)
    fresh = ctx.new_page()
    fresh.goto(f"{base}/units/ban-mau-01/reports/{pid}")
    expect(fresh.get_by_label("Nhiệm vụ kỳ tới")).to_have_value("Phần chưa kịp lưu.")
    ctx.close()
