"""Offline first (issue 20) in real Chromium with a persistent profile, so closing the browser
and opening it again is real: the person's own pages open with no network, marked with the
time of their figures; changes made offline wait in the outbox and reach the server once;
a conflicting change is shown, nothing lost; logout and a second person see nothing kept."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.evidence.models import EvidenceFile
from app.core.extensions import db
from app.milestones.models import Milestone
from app.reports import figures as fig
from app.reports.models import Report
from app.units.models import Unit
from tests import factories
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.browser.conftest import phone_photo, scaled_on_the_phone
from tests.factories import fill, generate, report_url
from tests.browser.conftest import READ

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TITLES = ("Dọn vệ sinh nhà văn hóa", "Sửa đường vào bản", "Họp dân về rừng")
BAR = re.compile(r"Đang ngoại tuyến — số liệu lúc \d\d:\d\d \d\d/\d\d")


class Phone:
    """One Chromium profile on disk, opened and closed like a phone's browser."""

    def __init__(self, browser_type, folder):
        self.browser_type, self.folder, self.context = browser_type, folder, None

    def open(self):
        self.context = self.browser_type.launch_persistent_context(
            str(self.folder), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", is_mobile=True,
            has_touch=True)
        page = self.context.pages[0] if self.context.pages else self.context.new_page()
        return page

    def close(self):
        self.context.close()


@pytest.fixture
def phone(tmp_path, browser_type):
    # pytest-playwright's own Playwright: a second sync_playwright() in the same worker fails
    p = Phone(browser_type, tmp_path / "profile")
    yield p
    if p.context:
        try:
            p.close()
        except Exception:  # noqa: BLE001 - already closed by the test
            pass


@pytest.fixture
def village(app):
    """Three milestones of ban01's village, and the year's reporting periods."""
    generate(app)
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.slug == "ban-mau-01"))
        for title in TITLES:
            factories.milestone(unit, title=title)
        db.session.commit()
    return app


def sign_in(page, base, username):
    page.goto(f"{base}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("binhlu2026")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.wait_for_load_state("load")


def ready(page):
    """The worker controls the page and has kept the person's pages (the warm-up)."""
    # polled from here: wait_for_function evaluates a string, which the page's CSP refuses
    for _ in range(80):
        if (page.evaluate("!!(navigator.serviceWorker && navigator.serviceWorker.controller)")
                and page.evaluate(f"({READ})('meta', 'warm')")):
            return
        page.wait_for_timeout(250)
    raise AssertionError("the person's pages were never kept")


def kept(page):
    return page.evaluate("""async () => { const ks = await caches.keys();
        const c = await caches.open(ks.find(k => k.startsWith('p-')));
        return (await c.keys()).map(r => new URL(r.url).pathname); }""")


def kept_report(page):
    return next(u for u in kept(page) if "/reports/" in u)


def audit_count(app, action):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == action))


def offline_on_own_page(phone, base):
    """ban01 signed in, the pages kept, then the signal gone and the unit page reloaded."""
    page = phone.open()
    sign_in(page, base, "ban01")
    ready(page)
    phone.context.set_offline(True)
    page.reload()
    return page


def outbox(page):
    return page.evaluate(f"({READ})('box')") or []


def test_own_pages_open_offline_marked_with_their_time(phone, village, live_server):
    base = live_server.url
    page = offline_on_own_page(phone, base)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bản mẫu 01")
    expect(page.locator("#offline")).to_be_visible()
    expect(page.locator("#offline")).to_have_text(BAR)
    # pages kept without having been opened: the plan, the to-do list, an open report
    for url, heading in (("/plan", None), ("/notifications", None)):
        page.goto(base + url)
        expect(page.locator("#offline")).to_have_text(BAR)
    page.goto(base + kept_report(page))
    expect(page.locator("#report-form")).to_be_visible()
    expect(page.locator("#offline")).to_have_text(BAR)
    # another unit's page was never kept: the page of kept pages instead
    page.goto(f"{base}/units/ban-mau-02")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trang đã lưu trên máy")


def test_offline_changes_reach_the_server_once_after_a_restart(phone, village, live_server):
    base = live_server.url
    page = phone.open()
    sign_in(page, base, "ban01")
    ready(page)
    taps_before = audit_count(village, "milestone.status")
    drafts_before = audit_count(village, "report.draft")
    phone.context.set_offline(True)
    page.reload()
    for title in TITLES:
        row = page.locator("#ms-list > li.ms", has_text=title)
        row.get_by_role("button", name="Đang thực hiện").click()
        expect(row).to_have_class(re.compile("queued"))
    expect(page.locator("#outbox summary")).to_have_text("3 thay đổi chờ gửi")
    report_url = kept_report(page)
    pid = int(report_url.rsplit("/", 1)[1])
    page.goto(base + report_url)
    page.get_by_label("Kết quả đạt được").fill("Bản làm được 2 km đường bê tông.")
    expect(page.locator("#save-status")).to_contain_text("Mất kết nối")
    expect(page.locator("#outbox summary")).to_have_text("4 thay đổi chờ gửi")
    assert len(outbox(page)) == 4
    phone.close()

    # the next morning, with signal: the browser opens again and sends what waited
    page = phone.open()
    page.goto(f"{base}/units/ban-mau-01")
    expect(page.locator("#outbox")).to_be_hidden(timeout=20_000)
    with village.app_context():
        statuses = set(db.session.scalars(select(Milestone.status)
                                          .where(Milestone.title.in_(TITLES))))
        report = db.session.scalar(select(Report).where(Report.period_id == pid))
        assert statuses == {"in_progress"}
        assert report.results == "Bản làm được 2 km đường bê tông."
    assert audit_count(village, "milestone.status") == taps_before + 3
    assert audit_count(village, "report.draft") == drafts_before + 1
    # a second tab and a reload send nothing again
    other = phone.context.new_page()
    other.goto(f"{base}/units/ban-mau-01")
    page.reload()
    other.wait_for_load_state("networkidle")
    assert audit_count(village, "milestone.status") == taps_before + 3
    assert outbox(page) == []


def test_a_conflicting_change_is_shown_and_kept(phone, village, live_server, login):
    base = live_server.url
    page = offline_on_own_page(phone, base)
    row = page.locator("#ms-list > li.ms", has_text=TITLES[0])
    row.get_by_role("button", name="Hoàn thành").click()
    expect(page.locator("#outbox summary")).to_have_text("1 thay đổi chờ gửi")
    # meanwhile someone at the commune office marks it otherwise
    office = login("vhxh")
    with village.app_context():
        m = db.session.scalar(select(Milestone).where(Milestone.title == TITLES[0]))
        mid, version = m.id, m.version
    answer = office.post(f"/milestones/{mid}/status",
                         data={"version": version, "status": "paused"})
    assert answer.status_code in (302, 303), answer.status_code
    phone.context.set_offline(False)
    page.evaluate("dispatchEvent(new Event('online'))")
    # the row says what happened and what this person chose; the outbox keeps it to settle
    expect(row.locator(".alert.error")).to_contain_text("Bạn đã chọn “Hoàn thành”")
    expect(page.locator("#outbox li.bad")).to_contain_text("Cần xem lại")
    with village.app_context():
        assert db.session.get(Milestone, mid).status == "paused"  # never overwritten
    # tapping again on purpose settles it
    row.get_by_role("button", name="Hoàn thành").click()
    expect(page.locator("#outbox")).to_be_hidden()
    with village.app_context():
        assert db.session.get(Milestone, mid).status == "done"


def test_logout_keeps_nothing_and_a_second_person_sees_nothing(phone, village, live_server):
    base = live_server.url
    page = phone.open()
    sign_in(page, base, "ban01")
    ready(page)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.wait_for_load_state("networkidle")
    assert page.evaluate("caches.keys()") == []
    assert "thidua" not in [d["name"] for d in page.evaluate("indexedDB.databases()")]

    # ban02 signs in on the same phone and goes offline: ban01's page is not there
    sign_in(page, base, "ban02")
    ready(page)
    names = page.evaluate("caches.keys()")
    assert [n for n in names if n.startswith("p-")] and len([n for n in names if n.startswith("p-")]) == 1
    pages = kept(page)
    assert "/units/ban-mau-02" in pages and not any("ban-mau-01" in u for u in pages)
    phone.context.set_offline(True)
    page.goto(f"{base}/units/ban-mau-01")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trang đã lưu trên máy")
    expect(page.get_by_text("Bản mẫu 01")).to_have_count(0)


def test_a_photo_taken_with_no_signal_is_sent_later_once(phone, village, live_server):
    """Issue 21: the evidence page of an open milestone is kept; a photo attached there with
    no signal waits in the outbox, scaled as the phone scaled it, and reaches the server once.
    A second photo after the kept page is opened again is not taken for the first."""
    base = live_server.url
    page = phone.open()
    sign_in(page, base, "ban01")
    ready(page)
    files_page = next(u for u in kept(page) if re.fullmatch(r"/milestones/\d+/files", u))
    mid = int(files_page.split("/")[2])
    before = audit_count(village, "evidence.attach")
    phone.context.set_offline(True)
    for name in ("Đường bê tông thôn.jpg", "Họp dân ở nhà văn hóa.jpg"):
        page.goto(base + files_page)  # from the phone's copy: the same page, the same token
        expect(page.locator("#offline")).to_have_text(BAR)
        page.get_by_label("Thêm ảnh hoặc tệp").set_input_files(
            {"name": name, "mimeType": "image/jpeg", "buffer": phone_photo()})
        scaled_on_the_phone(page)
        page.get_by_role("button", name="Đính kèm").click()
        expect(page.locator("#messages")).to_contain_text("Chưa có sóng: tệp đã lưu trên máy")
        expect(page.get_by_label("Thêm ảnh hoặc tệp")).to_have_value("")  # ready for the next
    expect(page.locator("#outbox summary")).to_have_text("2 thay đổi chờ gửi")
    expect(page.locator("#outbox li").first).to_contain_text("Đường bê tông thôn.jpg")
    kept_sizes = page.evaluate(f"""async () => (await ({READ})('box')).map(e =>
        e.parts.filter(p => p[1] instanceof Blob).map(p => p[1].size)[0])""")
    assert len(kept_sizes) == 2 and all(0 < s < 400_000 for s in kept_sizes), kept_sizes
    tokens = page.evaluate(f"""async () => (await ({READ})('box')).map(e =>
        e.parts.find(p => p[0] === 'token')[1])""")
    assert len(set(tokens)) == 2, tokens
    assert audit_count(village, "evidence.attach") == before

    phone.context.set_offline(False)
    page.evaluate("dispatchEvent(new Event('online'))")
    expect(page.locator("#outbox")).to_be_hidden(timeout=20_000)
    page.reload()
    expect(page.locator(".ev-list li")).to_have_count(2)
    with village.app_context():
        stored = list(db.session.scalars(select(EvidenceFile).where(
            EvidenceFile.owner_kind == "milestone", EvidenceFile.owner_id == mid)
            .order_by(EvidenceFile.id)))
        assert [f.name for f in stored] == ["Đường bê tông thôn.jpg", "Họp dân ở nhà văn hóa.jpg"]
        assert all(f.kind == "jpeg" and max(f.width, f.height) <= 1600 for f in stored)
    assert audit_count(village, "evidence.attach") == before + 2
    page.reload()  # nothing is sent again
    page.wait_for_load_state("networkidle")
    assert audit_count(village, "evidence.attach") == before + 2 and outbox(page) == []


# ---- issue 30, items 1 and 2: a change typed on a kept page carries the version its text
# was made on, so it never replaces newer text on the server; a kept page follows what this
# phone saves; a clash with the person's own earlier save is never called someone else's;
# the outbox panel, the status badge and the offline bar tell the truth.

READY = "Sẵn sàng dùng khi mất sóng"
RESULTS, PROPOSAL, NEXT = ("Bản làm được 2 km đường.", "Đề nghị hỗ trợ xi măng.",
                           "Họp dân tháng sau.")


def report_of(app, pid):
    with app.app_context():
        r = db.session.scalar(select(Report).where(Report.period_id == pid))
        return r and (r.results, r.proposals, r.next_tasks, fig.load_draft(r.figures_draft))


def figure_boxes(page, n=2):
    return page.locator("#report-form fieldset.figure input[name^='v_']").all()[:n]


def contrast(fg, bg):
    def lum(rgb):
        out = []
        for c in rgb:
            c /= 255
            out.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * out[0] + 0.7152 * out[1] + 0.0722 * out[2]
    a, b = sorted((lum(fg), lum(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


# the colour of an element and of the first ancestor that paints a background
COLOURS = """el => { const rgb = s => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  let b = el, bg; while (b) { bg = getComputedStyle(b).backgroundColor;
    if (!/rgba\\(.*, 0\\)|transparent/.test(bg)) break; b = b.parentElement; }
  return [rgb(getComputedStyle(el).color), rgb(bg)]; }"""


def test_a_stale_kept_copy_never_replaces_newer_text(phone, village, live_server):
    """The issue's sequence: (a) offline draft sent after a restart; (b) figures and a
    proposal saved online; offline again, the kept page shows them, only "Nhiệm vụ kỳ tới"
    typed; after a restart nothing of (b) is lost."""
    base = live_server.url
    page = phone.open()
    sign_in(page, base, "ban01")
    ready(page)
    expect(page.locator("#ready")).to_have_text(READY)
    url = kept_report(page)
    pid = int(url.rsplit("/", 1)[1])

    # (a) no signal: "Kết quả", then the browser closed; it opens again with signal
    phone.context.set_offline(True)
    page.goto(base + url)
    page.get_by_label("Kết quả đạt được").fill(RESULTS)
    expect(page.locator("#save-status")).to_contain_text("Mất kết nối")
    phone.close()
    page = phone.open()
    page.goto(f"{base}/units/ban-mau-01")
    expect(page.locator("#outbox")).to_be_hidden(timeout=20_000)
    assert report_of(village, pid)[0] == RESULTS

    # (b) with signal: two figures and a proposal, autosaved
    page.goto(base + url)
    expect(page.get_by_label("Kết quả đạt được")).to_have_value(RESULTS)
    boxes = figure_boxes(page)
    assert len(boxes) == 2
    boxes[0].fill("5")
    boxes[1].fill("7")
    page.get_by_label("Đề xuất, kiến nghị").fill(PROPOSAL)
    for _ in range(40):  # the autosave, a second after the last key
        stored = report_of(village, pid)
        if stored[1] == PROPOSAL:
            break
        page.wait_for_timeout(250)
    expect(page.locator("#save-status")).to_contain_text("Đã lưu lúc")
    assert stored[1] == PROPOSAL and sorted(e["v"] for e in stored[3].values() if e["v"]) == ["5", "7"]

    # the signal goes: the kept page is the one this phone last saved
    page.wait_for_timeout(1500)  # the kept copy follows the save
    phone.context.set_offline(True)
    page.goto(base + url)
    expect(page.locator("#offline")).to_be_visible()
    expect(page.get_by_label("Đề xuất, kiến nghị")).to_have_value(PROPOSAL)
    expect(figure_boxes(page)[0]).to_have_value("5")
    page.get_by_label("Nhiệm vụ kỳ tới").fill(NEXT)
    expect(page.locator("#save-status")).to_contain_text("Mất kết nối")
    phone.close()

    page = phone.open()
    page.goto(f"{base}/units/ban-mau-01")
    expect(page.locator("#outbox")).to_be_hidden(timeout=20_000)
    results, proposals, next_tasks, figures = report_of(village, pid)
    assert (results, proposals, next_tasks) == (RESULTS, PROPOSAL, NEXT)
    assert sorted(e["v"] for e in figures.values() if e["v"]) == ["5", "7"]


def test_a_change_on_an_older_copy_is_shown_to_settle_and_restored_with_its_version(
        phone, village, live_server, login):
    """The kept copy is older than the server (the same person saved from another device):
    the queued change is refused, not applied; the outbox says it was the person's own
    save; the report page puts back only what was typed, with the version it was typed on,
    and "Lưu nháp" shows the two side by side."""
    base = live_server.url
    page = phone.open()
    sign_in(page, base, "ban01")
    ready(page)
    url = kept_report(page)
    pid = int(url.rsplit("/", 1)[1])
    page.goto(base + url)  # kept as it passes
    page.wait_for_load_state("networkidle")
    # the same person, on the office computer, saves a proposal
    office = login("ban01")
    data = fill(office, "ban-mau-01", pid, proposals=PROPOSAL)
    assert office.post(report_url("ban-mau-01", pid), data).status_code == 302

    phone.context.set_offline(True)
    page.goto(base + url)
    expect(page.locator("#offline")).to_be_visible()
    kept_version = page.locator("#report-version").input_value()
    page.get_by_label("Nhiệm vụ kỳ tới").fill(NEXT)
    expect(page.locator("#save-status")).to_contain_text("Mất kết nối")
    phone.close()

    page = phone.open()
    page.goto(f"{base}/units/ban-mau-01")
    bad = page.locator("#outbox li.bad")
    expect(bad).to_contain_text("Cần xem lại", timeout=20_000)
    expect(bad).to_contain_text("Bạn")
    expect(bad).not_to_contain_text("người khác")
    expect(bad).not_to_contain_text("Có người")
    _results, proposals, next_tasks, _f = report_of(village, pid)
    assert (proposals, next_tasks) == (PROPOSAL, "")  # nothing applied over newer text
    # the outbox's button is readable
    page.locator("#outbox summary").click()
    drop = page.get_by_role("button", name="Bỏ thay đổi này")
    expect(drop).to_be_visible()
    fg, bg = drop.evaluate(COLOURS)
    assert contrast(fg, bg) >= 4.5, (fg, bg)

    # the restore path: the report page puts back what was typed, on its own version
    page.goto(base + url)
    expect(page.get_by_label("Nhiệm vụ kỳ tới")).to_have_value(NEXT)
    expect(page.get_by_label("Đề xuất, kiến nghị")).to_have_value(PROPOSAL)
    expect(page.locator("#report-version")).to_have_value(kept_version)
    expect(page.locator("#save-status")).to_contain_text("Cần xem lại")
    page.get_by_role("button", name="Lưu nháp").click()
    conflict = page.locator(".conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text(PROPOSAL)
    assert report_of(village, pid)[2] == ""
    # saving again, on purpose, keeps both
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("#messages")).to_contain_text("Đã lưu nháp")
    _results, proposals, next_tasks, _f = report_of(village, pid)
    assert (proposals, next_tasks) == (PROPOSAL, NEXT)


def test_badge_and_bar_tell_the_truth_and_an_own_change_is_not_someone_elses(
        phone, village, live_server, login):
    base = live_server.url
    page = phone.open()
    sign_in(page, base, "ban01")
    ready(page)
    phone.context.set_offline(True)
    page.reload()
    row = page.locator("#ms-list > li.ms", has_text=TITLES[0])
    row.get_by_role("button", name="Hoàn thành").click()
    badge = row.locator(".ms-st")
    expect(badge).to_contain_text("Hoàn thành")
    expect(badge).to_contain_text("chờ gửi")
    # meanwhile the same person, from another device, pauses it
    other = login("ban01")
    with village.app_context():
        m = db.session.scalar(select(Milestone).where(Milestone.title == TITLES[0]))
        mid, version = m.id, m.version
    assert other.post(f"/milestones/{mid}/status",
                      data={"version": version, "status": "paused"}).status_code in (302, 303)
    phone.context.set_offline(False)
    page.evaluate("dispatchEvent(new Event('online'))")
    expect(page.locator("#offline")).to_be_hidden()
    expect(row.locator(".alert.error")).to_contain_text("Bạn đã chọn “Hoàn thành”")
    expect(row.locator(".alert.error")).not_to_contain_text("người khác")
    expect(page.locator("#outbox li.bad")).not_to_contain_text("người khác")
    with village.app_context():
        assert db.session.get(Milestone, mid).status == "paused"


def test_a_kept_page_opened_offline_hides_its_bar_when_the_signal_is_back(
        phone, village, live_server):
    base = live_server.url
    page = phone.open()
    sign_in(page, base, "ban01")
    ready(page)
    phone.context.set_offline(True)
    page.reload()
    expect(page.locator("#offline")).to_be_visible()
    phone.context.set_offline(False)
    page.evaluate("dispatchEvent(new Event('online'))")
    expect(page.locator("#offline")).to_be_hidden()
