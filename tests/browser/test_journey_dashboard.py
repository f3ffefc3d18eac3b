"""Journey in real Chromium on a phone: a village head reports figures, the Culture–Society
office accepts the report, and the chair sees them on the dashboard in Vietnamese format,
with the right status, colour and shape — and the status still reads without colour."""
import re
from datetime import date

from playwright.sync_api import expect
from sqlalchemy import insert, select

from app.core.extensions import db
from app.plans.models import Indicator
from app.reports.models import ReportingPeriod, period_unit
from app.units.models import Unit
from tests.browser.conftest import sign_in
from tests.factories import ask_contributors

GREEN, RED = "rgb(26, 127, 55)", "rgb(198, 40, 40)"   # --ok and --bad of static/app.css


def _setup(app):
    """Month 01 of 2026 (15/12/2025–14/01/2026), Bản mẫu 01 listed to report for it, and
    asked for its tourist visits (issue 16: the villages' visits add up)."""
    ask_contributors(app, {"III.2-05": "sum"})
    with app.app_context():
        period = ReportingPeriod(year=2026, kind="month", number=1, starts_on=date(2025, 12, 15),
                                 ends_on=date(2026, 1, 14), deadline=date(2026, 1, 20))
        db.session.add(period)
        db.session.flush()
        ban01 = db.session.scalar(select(Unit.id).where(Unit.slug == "ban-mau-01"))
        db.session.execute(insert(period_unit).values(period_id=period.id, unit_id=ban01))
        ids = {code: db.session.scalar(select(Indicator.id).where(Indicator.code == code))
               for code in ("III.2-05", "III.2-08")}
        db.session.commit()
        return period.id, ids


def _sign_in(page, base, username):
    sign_in(page, base, username)
    # the boosted form may still be on its way when the network first goes quiet
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def _sign_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.wait_for_load_state("networkidle")


def _status_of(item):
    """Colour, shape and words of an indicator's status on the dashboard."""
    # the shape carries an empty alternative text: decorative, the words say the status
    badge = item.locator(".st").first
    return badge.evaluate("""el => ({color: getComputedStyle(el).color,
        shape: getComputedStyle(el, '::before').content, text: el.textContent.trim()})""")


def test_a_figure_reported_by_a_village_and_accepted_shows_on_the_chairs_dashboard(
        page, live_server):
    period_id, ids = _setup(live_server.app)
    base = live_server.url
    report_url = f"{base}/units/ban-mau-01/reports/{period_id}"

    # the village head reports: 37.250 tourist visits (pace to 14/01: 36.651 of 431.531)
    # and 12 jobs (pace: 27,4 of 323)
    _sign_in(page, base, "ban01")
    page.goto(report_url)
    page.get_by_label("Kết quả đạt được").fill("Đón khách dịp Tết, giới thiệu việc làm.")
    page.locator(f"#v_{ids['III.2-05']}").fill("37.250")
    page.locator(f"#v_{ids['III.2-08']}").fill("12")
    page.locator(f"#e_{ids['III.2-08']}").fill("Lao động đi làm ăn xa chưa về.")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo.")).to_be_visible()
    _sign_out(page)

    # the Culture–Society office accepts it
    _sign_in(page, base, "vhxh")
    page.goto(report_url)
    page.get_by_role("button", name="Duyệt báo cáo").click()
    expect(page.get_by_text("Đã duyệt báo cáo")).to_be_visible()
    _sign_out(page)

    # the chair lands on the dashboard and sees both, in Vietnamese format
    _sign_in(page, base, "chutich")
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    tourists = page.locator("ul.inds > li", has_text="III.2-05")
    jobs = page.locator("ul.inds > li", has_text="III.2-08")
    expect(tourists).to_contain_text("Lũy kế 37.250 / 431.531 lượt khách · 8,6%")
    expect(tourists).to_contain_text("đến 14/01/2026")
    expect(jobs).to_contain_text("Lũy kế 12 / 323 lao động · 3,7%")

    on, off = _status_of(tourists), _status_of(jobs)
    assert on == {"color": GREEN, "shape": '"✔" / ""', "text": "Đúng tiến độ"}
    assert off == {"color": RED, "shape": '"✖" / ""', "text": "Chậm tiến độ"}
    # the trend's <title> says it in words for a screen reader
    expect(tourists.locator("svg title")).to_have_text(re.compile(r"14/01: 37\.250"))

    # without colour (print, a phone in the sun, a colour-blind reader): the same words and
    # shapes, and the colour gone
    page.emulate_media(media="print")
    on_print, off_print = _status_of(tourists), _status_of(jobs)
    assert on_print["color"] == off_print["color"] == "rgb(0, 0, 0)"
    assert (on_print["shape"], on_print["text"]) == ('"✔" / ""', "Đúng tiến độ")
    assert (off_print["shape"], off_print["text"]) == ('"✖" / ""', "Chậm tiến độ")
    page.emulate_media(media="screen")

    # the filter narrows the list in place (htmx), and the figure opens its indicator page
    page.get_by_label("Tình trạng").select_option("off_track")
    expect(page.locator("#indicators")).not_to_contain_text("III.2-05")
    expect(page).to_have_url(re.compile(r"status=off_track"))
    jobs.get_by_role("link").first.click()
    expect(page.locator("#figures")).to_contain_text("Bản mẫu 01")
    expect(page.locator("#figures")).to_contain_text("Tháng 01/2026")
