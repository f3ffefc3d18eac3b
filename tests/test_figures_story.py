"""Issue 16's double entry, end to end with JavaScript off (unit → office → dashboard), on
SQLite and PostgreSQL: grain III.2-03 8.950,3 t for November, then the year-to-date 9.950,3
typed into December's report is flagged "looks like a year-to-date"; the office must confirm
it, and until then the dashboard, the indicator page and the commune plan say "Cần kiểm tra
số liệu"."""
import re

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.reports.models import ReportValue
from tests.conftest import Client
from tests.factories import (fill, generate, indicator_id, period_id, report_url,
                                review_version, submit, text_of)

NEEDS_CHECK = "Cần kiểm tra số liệu"
YTD_LIKE = "có phải là lũy kế từ đầu năm?"


def _line(html, code):
    """The dashboard's row of one indicator in its full list, as text."""
    start = html.find('id="indicators"')
    m = re.search(rf'{re.escape(code)}</span>.*?</(tr|li)>', html[max(start, 0):], re.S)
    assert m, code
    return m.group(0)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_year_to_date_typed_as_a_period_amount_is_flagged_until_the_office_checks_it(
        request, backend):
    app = request.getfixturevalue("app" if backend == "sqlite" else "pg_app")
    generate(app)
    nov, dec = period_id(app, "month", 11), period_id(app, "month", 12)
    grain = indicator_id(app, "III.2-03")
    kinhte, vhxh, chair = Client(app), Client(app), Client(app)
    kinhte.login("kinhte"), vhxh.login("vhxh"), chair.login("chutich")

    # November: the period's amount, nothing to flag; the office accepts it
    assert submit(kinhte, "phong-kinh-te", nov, {grain: "8.950,3"}).status_code == 302
    rid, version = review_version(vhxh, "phong-kinh-te", nov)
    assert vhxh.post(f"/reports/{rid}/accept", {"version": version}).status_code == 302

    # December's form asks for this period's amount and shows the year-to-date before it
    page = text_of(kinhte.get(report_url("phong-kinh-te", dec)))
    assert "Thực hiện trong kỳ (từ 15/11/2026 đến 14/12/2026), không phải lũy kế." in page
    assert "Lũy kế trước kỳ (các kỳ đã được duyệt): 8.950,3" in page

    # "Lưu nháp" without JavaScript: the answer shows the year-to-date it makes and the flag
    data = fill(kinhte, "phong-kinh-te", dec, {grain: "9.950,3"}, results="Thu hoạch lúa mùa.")
    assert kinhte.post(report_url("phong-kinh-te", dec), data).status_code == 302
    page = text_of(kinhte.get(report_url("phong-kinh-te", dec)))
    assert "<output>18.900,6</output> (<span>190</span>% kế hoạch năm)" in page
    assert YTD_LIKE in page and "vượt kế hoạch năm 9.950,3 quá 30%" in page

    # sending it unexplained is refused, the reason at the box; explained, it goes
    refused = submit(kinhte, "phong-kinh-te", dec, {grain: "9.950,3"})
    assert refused.status_code == 422 and YTD_LIKE in text_of(refused)
    ok = submit(kinhte, "phong-kinh-te", dec, {grain: "9.950,3"},
                **{f"e_{grain}": "Lũy kế từ đầu năm theo báo cáo của các bản."})
    assert ok.status_code == 302

    # the office sees the flag at the top; the dashboard is in doubt, never "on track"
    review = text_of(vhxh.get(report_url("phong-kinh-te", dec)))
    assert "Số liệu cần kiểm tra" in review and YTD_LIKE in review
    assert "Tôi đã kiểm tra các số liệu được đánh dấu" in review
    assert NEEDS_CHECK in _line(text_of(chair.get("/dashboard")), "III.2-03")
    assert NEEDS_CHECK in text_of(chair.get(f"/indicators/{grain}"))
    checks_page = text_of(chair.get("/reports/checks?year=2026"))
    assert "III.2-03" in checks_page and "Chờ Phòng Văn hóa – Xã hội xác nhận" in checks_page

    # accepting without the confirmation is refused; with it, the figure counts
    rid, version = review_version(vhxh, "phong-kinh-te", dec)
    refused = vhxh.post(f"/reports/{rid}/accept", {"version": version})
    assert refused.status_code == 422
    assert NEEDS_CHECK in _line(text_of(chair.get("/dashboard")), "III.2-03")
    assert vhxh.post(f"/reports/{rid}/accept", {"version": version, "checked": "1"}).status_code == 302
    assert NEEDS_CHECK not in _line(text_of(chair.get("/dashboard")), "III.2-03")
    with app.app_context():
        rv = db.session.scalar(select(ReportValue).where(ReportValue.flags != ""))
        assert rv.confirmed_at is not None and rv.confirmed_by_id is not None
    assert "Đã kiểm tra" in text_of(chair.get("/reports/checks?year=2026"))
