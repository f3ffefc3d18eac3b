"""Journey in real Chromium on a phone: Bản mẫu 01 reports its year, the Culture–Society
office accepts it and scores the units for the year — the village comes out "hoàn thành tốt
nhiệm vụ" from its figures and milestones — then proposes it for a Giấy khen; the council
votes, the chair decides, and the decision .docx names the village.

Set up through models (the report form and the review exist in the UI, but the year's
reporting period would otherwise need the calendar of the day the test runs): the 2026
year period, its deadline 30 days ahead. Everything else goes through the pages."""
import re
from datetime import date

from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import sign_in as _sign_in
from tests.factories import VILLAGE_RATES, indicator_ids, year_period
from tests.factories import ask_contributors


def sign_in(page, base, username):
    _sign_in(page, base, username)
    # the boosted form may still be on its way when the network first goes quiet
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def _sign_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    # wait for the signed-out page itself: on a busy machine the boosted logout can still be
    # on its way at the first quiet moment, and a sign-in form read before it carries the
    # old session's token
    expect(page.get_by_text("Bạn đã đăng xuất.")).to_be_visible()
    page.wait_for_load_state("networkidle")


def _vote(page, base, proposal_url, who):
    sign_in(page, base, who)
    page.goto(proposal_url)
    votes = page.locator("#votes")
    votes.get_by_role("button", name="Tán thành", exact=True).click()
    # swapped in place by htmx: the block says so, the page did not reload
    expect(votes.get_by_text("Đã ghi nhận phiếu của bạn.")).to_be_visible()
    expect(votes.get_by_role("button", name="Tán thành", exact=True)).to_have_attribute(
        "aria-pressed", "true")
    _sign_out(page)


def test_a_village_is_scored_proposed_voted_and_commended(page, live_server, tmp_path):
    app, base = live_server.app, live_server.url
    period_id = year_period(app)
    ids = indicator_ids(app)
    # issue 16: the office asks the villages for these rates (the newest is the commune's)
    ask_contributors(app, {code: "latest" for code in VILLAGE_RATES})

    # the village head reports the year's figures: its own rates
    sign_in(page, base, "ban01")
    page.goto(f"{base}/units/ban-mau-01/reports/{period_id}")
    page.get_by_label("Kết quả đạt được").fill("Hoàn thành các chỉ tiêu của bản năm 2026.")
    for code, value in VILLAGE_RATES.items():
        page.locator(f"#v_{ids[code]}").fill(value)
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo.")).to_be_visible()
    _sign_out(page)

    # the Culture–Society office accepts it, opens the year-end review and scores the units
    sign_in(page, base, "vhxh")
    page.goto(f"{base}/units/ban-mau-01/reports/{period_id}")
    page.get_by_role("button", name="Duyệt báo cáo").click()
    expect(page.get_by_text("Đã duyệt báo cáo")).to_be_visible()
    page.get_by_role("link", name="Thi đua – Khen thưởng").click()
    page.get_by_label("Đợt").select_option(label="Tổng kết năm")
    page.get_by_role("button", name="Tạo đợt").click()
    expect(page.get_by_role("heading", name="Tổng kết phong trào thi đua năm 2026")).to_be_visible()
    page.get_by_role("button", name="Chấm điểm các đơn vị").click()
    expect(page.get_by_text(re.compile(r"Đã tính điểm cho \d+ đơn vị"))).to_be_visible()
    page.locator("#scores").get_by_role("link", name="Bản mẫu 01").click()
    # from its figures (6 of 7 rates met, one at risk) and milestones (2 of 4 done, 40 %, 0 %)
    expect(page.get_by_text("6,5/7 × 40 = 37,14 điểm", exact=False)).to_be_visible()
    expect(page.get_by_text("mức hoàn thành bình quân 60% × 30 = 18 điểm", exact=False)).to_be_visible()
    by_hand = page.get_by_role("group", name=re.compile(r"^Tổ chức phát động, tuyên truyền"))
    by_hand.get_by_label("Điểm chấm").fill("12")
    by_hand.get_by_label("Nhận xét").fill("Phát động sôi nổi, có mô hình tổ tự quản bảo vệ rừng.")
    page.get_by_role("button", name="Lưu bảng điểm").click()
    expect(page.get_by_text("77,14/100 điểm")).to_be_visible()
    level = page.locator(".lead .lv")
    expect(level).to_have_text("Hoàn thành tốt nhiệm vụ")
    assert level.evaluate("el => getComputedStyle(el, '::before').content") == '"✔" / ""'

    # …and proposes it for a Giấy khen, citing its score, then sends it to the council
    page.goto(f"{base}/emulation/proposals?year=2026")
    page.get_by_role("link", name="Lập đề nghị").click()
    page.get_by_label("Đề nghị khen thưởng cho").select_option(label="Tập thể")
    page.get_by_label("Tập thể (đơn vị) hoặc đơn vị của cá nhân").select_option(label="Bản mẫu 01")
    page.get_by_label("Danh hiệu, hình thức khen thưởng").select_option(
        label="Giấy khen của Chủ tịch UBND xã (tập thể, cá nhân; Chủ tịch UBND xã)")
    page.get_by_label("Tóm tắt thành tích").fill(
        "Hoàn thành tốt nhiệm vụ năm 2026 (77,14 điểm); mô hình tổ tự quản bảo vệ rừng.")
    page.get_by_role("button", name="Lưu đề nghị").click()
    expect(page.get_by_role("heading", name="Bản mẫu 01: Giấy khen của Chủ tịch UBND xã")).to_be_visible()
    proposal_url = page.url
    page.get_by_label(re.compile(r"Tổng kết phong trào thi đua năm 2026: 77,14 điểm")).check()
    page.get_by_role("button", name="Lưu minh chứng").click()
    expect(page.get_by_text("Đã lưu minh chứng.")).to_be_visible()
    page.get_by_role("button", name="Trình Hội đồng xét").click()
    expect(page.get_by_text("Hội đồng đang xét")).to_be_visible()
    _sign_out(page)

    # the council votes: the chair, the office and the Front (3 members, more than half needed)
    for who in ("chutich", "vhxh", "mttq"):
        _vote(page, base, proposal_url, who)
    sign_in(page, base, "vhxh")
    page.goto(proposal_url)
    expect(page.locator("#votes")).to_contain_text("Tán thành 3")
    page.get_by_role("button", name="Kết thúc biểu quyết").click()
    expect(page.get_by_text("Hội đồng đã thông qua đề nghị")).to_be_visible()
    _sign_out(page)

    # the chair decides, and the decision names the village
    sign_in(page, base, "chutich")
    page.goto(proposal_url)
    page.get_by_label("Số quyết định / tờ trình").fill("125/QĐ-UBND")
    page.get_by_label("Ngày ký").fill("20/12/2026")
    page.get_by_role("button", name="Quyết định khen thưởng").click()
    expect(page.get_by_text("Đã quyết định khen thưởng").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải văn bản (.docx)").click()
    path = tmp_path / "quyet-dinh.docx"
    download.value.save_as(path)
    doc = Document(str(path))
    assert doc.tables[0].cell(1, 0).text == "Số: 125/QĐ-UBND"
    assert doc.tables[0].cell(1, 1).text == "Bình Lư, ngày 20 tháng 12 năm 2026"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "QUYẾT ĐỊNH" in text and "Về việc tặng Giấy khen của Chủ tịch UBND xã" in text
    named = [c.text for row in doc.tables[1].rows for c in row.cells]
    assert "Bản mẫu 01" in named
    _sign_out(page)

    # the village sees its own score and its commendation
    sign_in(page, base, "ban01")
    page.get_by_role("link", name="Thi đua – Khen thưởng").click()
    expect(page.get_by_text("77,14 điểm")).to_be_visible()
    page.goto(proposal_url)
    expect(page.locator("dl")).to_contain_text("125/QĐ-UBND")
    assert date.today()  # the journey reads the same whatever day it runs (deadline ahead)
