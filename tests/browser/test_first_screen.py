"""Each home leads with what the person came for (issue 18): the chair's first screen on a
390 × 844 phone holds the status counts, the targets off track and who is late; forms put
what is wrong first and move the focus there, with JavaScript on and off; headings in order."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import Client
from tests.factories import accept, generate, indicator_id, period_id, submit

CHAIR_PHONE = {"width": 390, "height": 844}


def off_track_grain(app):
    """Grain at 100 t of 9.950,3 by November: far behind the year's pace."""
    generate(app)
    nov, grain = period_id(app, "month", 11), indicator_id(app, "III.2-03")
    kinhte, vhxh = Client(app), Client(app)
    kinhte.login("kinhte"), vhxh.login("vhxh")
    assert submit(kinhte, "phong-kinh-te", nov, {grain: "100"},
                  **{f"e_{grain}": "Mưa đá cuối vụ, mất mùa."}).status_code == 302
    assert accept(vhxh, "phong-kinh-te", nov).status_code == 302


def within_first_screen(page, selector):
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["y"] + box["height"] <= CHAIR_PHONE["height"]


def test_the_chairs_first_screen_shows_counts_what_is_off_track_and_who_is_late(browser, live_server):
    off_track_grain(live_server.app)
    context = browser.new_context(viewport=CHAIR_PHONE, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    sign_in(page, live_server.url, "chutich")
    expect(page).to_have_url(re.compile(r"/dashboard"))
    for selector in ("#glance .tally", "#h-late", ".late a", "#h-attention", ".attention li"):
        assert within_first_screen(page, selector), f"{selector} is below the first screen"
    expect(page.locator(".attention li").first).to_contain_text("III.2-03")
    # the status is part of each target link's name, for a screen reader too
    links = page.get_by_role("link", name=re.compile(r"Chậm tiến độ.*III\.2-03|III\.2-03.*Chậm tiến độ"))
    expect(links).to_have_count(2)                      # the attention list and the full list
    theme = page.locator("details.theme")
    expect(theme).not_to_have_attribute("open", "")
    assert not within_first_screen(page, "details.theme")
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_failed_form_moves_the_focus_to_its_error_summary(browser, live_server, javascript):
    context = browser.new_context(viewport={"width": 360, "height": 740},
                                  java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, live_server.url, "ban01")
    page.goto(f"{live_server.url}/units/ban-mau-01/milestones/new")
    page.get_by_label("Tên mốc, nhiệm vụ").fill("   ")    # the browser's own check passes it
    page.get_by_label("Hạn hoàn thành").fill("31/02/2026")
    page.locator("main form button[type=submit]").first.click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Có 2 ô cần sửa")
    expect(page.get_by_label("Hạn hoàn thành")).to_have_value("31/02/2026")
    summary.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"#new-title$"))
    context.close()


@pytest.mark.parametrize("username", ["chutich", "vhxh", "mttq", "admin", "kinhte", "ban01"])
def test_headings_go_down_one_level_at_a_time_on_each_home(page, live_server, username):
    off_track_grain(live_server.app)
    sign_in(page, live_server.url, username)
    levels = page.evaluate(
        "[...document.querySelectorAll('main h1,main h2,main h3,main h4,main h5,main h6')]"
        ".map(h => +h.tagName[1])")
    assert levels and levels[0] == 1, levels
    jumps = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert not jumps, (page.url, levels)
