"""English, the second language: a reader who picks it (the `lang` cookie that /lang/en
sets, app/core/i18n.py) sees the main pages in English, and messages.po translates every
message with the same %(name)s placeholders.

The data stays Vietnamese (unit names, the plan's text, indicators): before looking for
Vietnamese interface words, a page's text is stripped of every string stored in the database.
"""
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from sqlalchemy import String, Text, inspect, select

from app.core.extensions import db
from app.reports import services
from app.reports.models import ReportingPeriod

PO = Path(__file__).resolve().parent.parent / "translations/en/LC_MESSAGES/messages.po"
YEAR = 2026

# Words of the Vietnamese interface; none may be left on a page shown in English.
VIETNAMESE_UI = (
    "Đăng xuất", "Đăng nhập", "Đổi mật khẩu", "Mật khẩu", "Tên đăng nhập", "Kế hoạch",
    "Lưu", "Lưu nháp", "Bảng điều hành", "Các đơn vị", "Đơn vị của tôi", "Đơn vị", "Chỉ tiêu",
    "Mục tiêu", "Báo cáo", "Mốc", "Nhiệm vụ", "Trạng thái", "Tình trạng", "Hạn", "Quá hạn",
    "Sửa", "Xem", "Thêm", "Xóa", "Gửi", "Tải", "Lọc", "Tất cả", "Tiến độ", "Số liệu",
    "Giải trình", "Ý kiến", "Trả lời", "Trả lại", "Duyệt", "Đã duyệt", "Chưa có",
    "Hoàn thành", "Đang thực hiện", "Chưa bắt đầu", "Đúng tiến độ", "Chậm tiến độ",
    "Có nguy cơ chậm", "Tháng", "Quý", "Năm", "Đột xuất", "Lịch sử", "Thi đua", "Khen thưởng",
    "Bỏ qua", "Điều hướng", "Quản trị", "Chưa nộp", "Đúng hạn", "Nộp muộn",
)
WORD = r"(?<![\wÀ-ỹ]){}(?![\wÀ-ỹ])"


class _Text(HTMLParser):
    """The text a reader sees or hears: text nodes and the titles, labels and placeholders."""

    ATTRS = ("title", "aria-label", "placeholder", "alt")

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in self.ATTRS and v]
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def stored_text(app) -> list[str]:
    """Every string the database holds (and each of its lines), longest first; the
    shortest are left out so that removing them cannot cut a word of the interface."""
    out = set()
    with app.app_context():
        present = set(inspect(db.engine).get_table_names())
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
            if columns and table.name in present:
                for row in db.session.execute(select(*columns)):
                    for value in row:
                        if isinstance(value, str):  # a page shows a long text a paragraph at a time
                            out.update(part.strip() for part in [value, *value.splitlines()])
        db.session.remove()
    return sorted((s for s in out if len(s) > 3), key=len, reverse=True)


def interface_text(html: str, data: list[str]) -> str:
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.parts)
    for value in data:
        text = text.replace(value, " ")
    return text.replace("Tiếng Việt", " ")  # the language switch names Vietnamese in Vietnamese


def assert_english(response, data, *expected):
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    for words in expected:
        assert words in html, words
    text = interface_text(html, data)
    left = sorted({w for w in VIETNAMESE_UI if re.search(WORD.format(re.escape(w)), text)})
    assert not left, (left, [line for line in text.splitlines()
                             if any(re.search(WORD.format(re.escape(w)), line) for w in left)])


@pytest.fixture
def month1(app):
    with app.app_context():
        services.generate_year(YEAR)
        db.session.commit()
        pid = db.session.scalar(select(ReportingPeriod.id).where(
            ReportingPeriod.year == YEAR, ReportingPeriod.kind == "month",
            ReportingPeriod.number == 1))
        db.session.remove()
    return pid


def in_english(client):
    client.http.set_cookie("lang", "en")
    return client


def test_the_sign_in_page_is_in_english(app, client):
    page = in_english(client).get("/login")
    assert_english(page, stored_text(app), "Sign in", "Username", "Password")


def test_the_plan_a_unit_and_the_dashboard_are_in_english(app, login):
    vhxh = in_english(login("vhxh"))
    data = stored_text(app)
    assert_english(vhxh.get("/plan"), data, f"Emulation plan {YEAR}", "Indicator table",
                   "Sign out", "Dashboard", "Units")
    assert_english(vhxh.get("/units/ban-mau-01"), data, "Unit implementation plan",
                   "Milestones and tasks", "Direction and supervision comments", "Edit")
    assert_english(vhxh.get("/dashboard"), data, f"Emulation dashboard {YEAR}",
                   "Indicators: overview", "Units and deadlines")


def test_a_report_is_in_english_for_the_unit_and_for_the_secretariat(app, login, month1):
    ban = in_english(login("ban01"))
    url = f"/units/ban-mau-01/reports/{month1}"
    data = stored_text(app)
    assert_english(ban.get(url), data, f"Report Month 01/{YEAR}", "Save draft",
                   "Indicator figures", "Results achieved")
    vhxh = in_english(login("vhxh"))
    assert_english(vhxh.get(url), data, f"Report Month 01/{YEAR}")
    assert_english(vhxh.get(f"/reports?year={YEAR}"), data, f"Emulation reports {YEAR}")
    # the completeness table's cells are built in Python (reports.routes.completeness_cells)
    assert_english(vhxh.get(f"/reports/completeness?year={YEAR}"), data, "Not submitted",
                   "Submission rate")


def test_vietnamese_stays_the_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in html and "Đăng nhập" in html


PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-z]")


def test_every_message_has_an_english_translation_with_the_same_placeholders():
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 500
    untranslated = [m.id for m in messages if not m.string or not str(m.string).strip()]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy
    assert not [m.id for m in messages if isinstance(m.id, tuple)], "plural forms need a check"
    mismatched = [(m.id, m.string) for m in messages
                  if sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
                  or ("python-format" in m.flags and m.id.count("%%") != m.string.count("%%"))]
    assert not mismatched, mismatched
    obsolete = list(catalog.obsolete)
    assert not obsolete, obsolete


def test_every_message_the_code_marks_is_in_the_english_catalogue():
    """What babel.cfg extracts (as the README's update command does) is all in the catalogue:
    a new message without its English entry shows Vietnamese on an English page."""
    root = PO.parent.parent.parent.parent
    with PO.open("rb") as fh:
        have = {m.id for m in read_po(fh) if m.id}
    with (root / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    missing = sorted({msg for path in ("app", "templates")
                      for filename, _line, msg, *_rest in extract_from_dir(
                          root, method_map, options_map, keywords=keywords)
                      if filename.startswith(path) and msg not in have})
    assert not missing, missing
