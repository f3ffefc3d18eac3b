"""Issue 16 with JavaScript on: December's grain, typed as the year-to-date by mistake,
shows the year-to-date it would make and the flag's reason at the box as it is typed."""
import re
from decimal import Decimal

from playwright.sync_api import expect

from app.core.extensions import db
from app.plans.models import Indicator
from tests.browser.conftest import sign_in
from tests.conftest import Client
from tests.factories import generate, indicator_id, period_id, review_version, submit


def test_the_year_to_date_and_the_flag_show_live_at_the_box(page, live_server):
    app, base = live_server.app, live_server.url
    generate(app)
    nov, dec = period_id(app, "month", 11), period_id(app, "month", 12)
    grain = indicator_id(app, "III.2-03")
    kinhte, vhxh = Client(app), Client(app)
    kinhte.login("kinhte"), vhxh.login("vhxh")
    assert submit(kinhte, "phong-kinh-te", nov, {grain: "8.950,3"}).status_code == 302
    rid, version = review_version(vhxh, "phong-kinh-te", nov)
    assert vhxh.post(f"/reports/{rid}/accept", {"version": version}).status_code == 302

    sign_in(page, base, "kinhte")
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto(f"{base}/units/phong-kinh-te/reports/{dec}")
    box = page.locator(f"#v_{grain}")
    field = page.locator("fieldset.figure", has=box)
    expect(field.locator(".ytd")).to_contain_text("Lũy kế trước kỳ (các kỳ đã được duyệt): 8.950,3")
    box.fill("1.000")                                   # a month's harvest: nothing to say
    expect(field.locator(".ytd output")).to_have_text("9.950,3")
    expect(field.locator(".checks li")).to_have_count(0)
    box.fill("9.950,3")                                 # the year-to-date, by mistake
    expect(field.locator(".ytd output")).to_have_text("18.900,6")
    expect(field.locator(".ytd span")).to_have_text("190")
    expect(field.locator(".checks")).to_contain_text("có phải là lũy kế từ đầu năm?")
    expect(field.locator(".checks")).to_contain_text("vượt kế hoạch năm 9.950,3 quá 30%")


def test_the_offices_bounds_are_checked_live_too(page, live_server):
    app, base = live_server.app, live_server.url
    generate(app)
    dec, grain = period_id(app, "month", 12), indicator_id(app, "III.2-03")
    with app.app_context():
        db.session.get(Indicator, grain).high = Decimal(5000)   # the office's bound
        db.session.commit()
    sign_in(page, base, "kinhte")
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto(f"{base}/units/phong-kinh-te/reports/{dec}")
    box = page.locator(f"#v_{grain}")
    checks = page.locator("fieldset.figure", has=box).locator(".checks")
    box.fill("4.000")
    expect(checks.locator("li")).to_have_count(0)
    box.fill("6.000")
    expect(checks).to_contain_text("Ngoài khoảng hợp lý 0 – 5.000.")
    box.fill("-1")                                      # a flow is never negative
    expect(checks).to_contain_text("Ngoài khoảng hợp lý 0 – 5.000.")
