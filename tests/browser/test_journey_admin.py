"""Issue 9 journeys in real Chromium on a phone: the administrator creates an account for a
new village head, who must change the temporary password and lands on the village page;
the Culture–Society office changes a target with its reason, and both values show."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_admin_creates_a_village_head_who_must_change_the_temporary_password(page,
                                                                               live_server):
    base = live_server.url
    sign_in(page, base, "admin")
    page.get_by_role("link", name="Quản trị", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tài khoản")
    page.get_by_role("link", name="Tạo tài khoản").click()
    page.get_by_label("Tên đăng nhập").fill("Ban03")
    page.get_by_label("Họ và tên").fill("Lò Thị Xuân")
    page.get_by_label("Chức vụ").fill("Trưởng bản")
    page.get_by_label("Đơn vị", exact=True).select_option(label="Bản mẫu 03")
    page.get_by_label("Cán bộ đơn vị").check()
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã tạo tài khoản Ban03")
    temporary = page.locator("#temp-password").inner_text()
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", temporary)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/login"))

    # the village head signs in (case does not matter) and must set a password first
    sign_in(page, base, "ban03", password=temporary)
    expect(page).to_have_url(re.compile(r"/account/password$"))
    expect(page.get_by_text("Bạn đang dùng mật khẩu tạm")).to_be_visible()
    page.goto(f"{base}/units/ban-mau-03")
    expect(page).to_have_url(re.compile(r"/account/password$"))
    page.get_by_label("Mật khẩu hiện tại").fill(temporary)
    page.get_by_label("Mật khẩu mới", exact=True).fill("ngắn")
    page.get_by_label("Nhập lại mật khẩu mới").fill("ngắn")
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    expect(page.locator(".err", has_text="Mật khẩu phải có ít nhất 10 ký tự.")).to_be_visible()
    page.get_by_label("Mật khẩu hiện tại").fill(temporary)
    page.get_by_label("Mật khẩu mới", exact=True).fill("Suối Nậm Na 2026")
    page.get_by_label("Nhập lại mật khẩu mới").fill("Suối Nậm Na 2026")
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    expect(page).to_have_url(re.compile(r"/units/ban-mau-03$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bản mẫu 03")
    expect(page.get_by_text("Đã đổi mật khẩu.")).to_be_visible()
    # no administration for a village head
    expect(page.get_by_role("link", name="Quản trị", exact=True)).to_have_count(0)


def test_the_office_changes_the_forest_cover_target_with_its_reason(page, live_server):
    base = live_server.url
    sign_in(page, base, "vhxh")
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_role("link", name="III.2-04").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tỷ lệ che phủ rừng")
    page.get_by_role("link", name="Sửa chỉ tiêu").click()
    target = page.get_by_label("Mục tiêu", exact=True)
    expect(target).to_have_value("58,39")
    target.fill("60,5")
    page.get_by_role("button", name="Lưu").click()
    # no reason: refused in place, what was typed is still there
    expect(page.locator(".err", has_text="vui lòng ghi lý do")).to_be_visible()
    expect(page.get_by_label("Mục tiêu", exact=True)).to_have_value("60,5")
    reason = "Nghị quyết số 12/NQ-HĐND ngày 20/3/2026 của HĐND xã"
    page.get_by_label("Lý do thay đổi mục tiêu").fill(reason)
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_text("Đã lưu chỉ tiêu III.2-04.")).to_be_visible()
    expect(page.locator(".target-now")).to_have_text("60,5 %")
    history = page.locator("#history tbody tr")
    expect(history).to_have_count(1)
    expect(history.locator(".old")).to_have_text("58,39")
    expect(history.locator(".new")).to_have_text("60,5")
    expect(history).to_contain_text(reason)

    page.get_by_role("link", name="Kế hoạch năm 2026").click()
    row = page.locator("tr", has=page.get_by_role("link", name="III.2-04"))
    expect(row).to_contain_text("60,5 %")
    expect(row).to_contain_text("trước điều chỉnh: 58,39")
