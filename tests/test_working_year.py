"""The year the reporting pages open on (app/plans/years.working_year): in January, before the
office starts the new year, they still show the old one — December's reports are chased and
the year compiled then — and a year with no plan says so in words, not a bare 404."""
from datetime import date

import pytest

import app.plans.years as years
import app.reports.routes.lists as lists
from tests.factories import start_2027
from tests.factories import generate


@pytest.fixture
def january_2027(monkeypatch):
    """15/01/2027 for every module on the reporting pages' way that reads the day."""
    for module in (years, lists):
        monkeypatch.setattr(module, "vn_today", lambda: date(2027, 1, 15))


def test_before_the_new_year_is_started_the_pages_open_on_the_old_one(app, login, january_2027):
    generate(app)
    office = login("vhxh")
    html = office.get("/reports/completeness").get_data(as_text=True)
    assert "Tình hình nộp báo cáo năm 2026" in html
    assert "Nhắc các đơn vị chưa nộp" in html  # December's reports are still chased
    assert 'href="/reports/figures.xlsx?year=2026"' in office.get("/reports").get_data(as_text=True)
    assert office.get("/reports/figures.xlsx").status_code == 200


def test_once_the_year_has_a_plan_it_is_the_one_shown(app, login, january_2027):
    assert start_2027(login("vhxh")).status_code in (302, 303)
    html = login("vhxh").get("/reports/completeness").get_data(as_text=True)
    assert "Tình hình nộp báo cáo năm 2027" in html


def test_a_year_without_a_plan_is_refused_in_words(app, login):
    answer = login("vhxh").get("/reports/figures.xlsx?year=2031")
    assert answer.status_code == 404
    assert "Chưa có kế hoạch năm 2031" in answer.get_data(as_text=True)
