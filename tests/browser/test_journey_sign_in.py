import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_village_head_signs_in_sees_own_page_and_signs_out(page, live_server):
    sign_in(page, live_server.url, "ban01")
    expect(page).to_have_url(re.compile(r"/units/ban-mau-01$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bản mẫu 01")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_text("Bạn đã đăng xuất.")).to_be_visible()
    # the old session is gone: the unit page asks to sign in again
    page.goto(f"{live_server.url}/units/ban-mau-01")
    expect(page).to_have_url(re.compile(r"/login"))


def test_wrong_password_shows_a_vietnamese_message(page, live_server):
    sign_in(page, live_server.url, "ban01", password="sai-mat-khau")
    expect(page.locator(".err", has_text="Tên đăng nhập hoặc mật khẩu không đúng.")).to_be_visible()
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("ban01")


def test_on_a_phone_the_header_leaves_the_screen_to_the_content(page, live_server):
    """The office has the most links: on a 360 px phone they fit in two short lines under
    the brand and the account links, every one of them on screen, the header at most
    an eighth of the height (it took a quarter: five lines)."""
    sign_in(page, live_server.url, "vhxh")
    header = page.locator("header.top").bounding_box()
    assert header["height"] <= 740 / 8, header
    for link in page.locator("header.top nav a").all():
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (link.inner_text(), box)
        assert box["y"] + box["height"] <= header["y"] + header["height"] + 1
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_in_viewport()
    expect(page.get_by_role("link", name="Đổi mật khẩu")).to_be_in_viewport()
