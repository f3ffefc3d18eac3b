"""Issue 16, item 4: a date written in an export is Vietnam's date (Asia/Ho_Chi_Minh), not
UTC's — before 07:00 in Vietnam, UTC is still on the day before."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import update

from app.core.extensions import db
from app.plans.models import IndicatorValue
from tests.factories import (VILLAGE_COMBINE, accept, ask_contributors, generate,
                                indicator_id, period_id, submit)
from tests.factories import workbook


@pytest.mark.parametrize("utc,local", [
    (datetime(2026, 3, 1, 17, 30, tzinfo=timezone.utc), date(2026, 3, 2)),   # 00:30 in Vietnam
    (datetime(2026, 3, 1, 23, 59, tzinfo=timezone.utc), date(2026, 3, 2)),   # 06:59 in Vietnam
    (datetime(2026, 3, 2, 0, 1, tzinfo=timezone.utc), date(2026, 3, 2)),     # 07:01
    (datetime(2026, 3, 1, 16, 59, tzinfo=timezone.utc), date(2026, 3, 1)),   # 23:59 the day before
])
def test_the_excel_export_dates_an_acceptance_in_vietnams_time(app, login, utc, local):
    generate(app)
    ask_contributors(app, VILLAGE_COMBINE)
    pid = period_id(app)
    submit(login("ban01"), "ban-mau-01", pid, {indicator_id(app, "III.2-03"): "12"})
    accept(login("vhxh"), "ban-mau-01", pid)
    with app.app_context():
        db.session.execute(update(IndicatorValue).values(accepted_at=utc))
        db.session.commit()
    ws = workbook(login("vhxh").get("/reports/figures.xlsx?year=2026"))["Chi tiết"]
    assert ws["K1"].value == "Ngày duyệt"
    assert ws["K2"].value.date() == local
    assert ws["K2"].number_format.startswith("dd/mm/yyyy") or "dd" in ws["K2"].number_format
