"""Dates and cumulative words that cannot contradict (issue 28, item 4): the form's
"Lũy kế trước kỳ" says what it counts, "số liệu đã duyệt đến" never names a day to come,
and documents write "chưa có số liệu" or "chưa duyệt" where nothing is known, never 0."""
from tests.factories import (accept, generate, indicator_id, period_id, report_url, submit,
                             text_of)


def test_the_year_to_date_before_a_period_counts_what_was_sent_and_says_so(app, login):
    generate(app)
    oct_, nov, dec = (period_id(app, "month", n) for n in (10, 11, 12))
    grain = indicator_id(app, "III.2-03")
    kinhte, vhxh = login("kinhte"), login("vhxh")
    assert submit(kinhte, "phong-kinh-te", oct_, {grain: "8.618,9"}).status_code == 302
    assert accept(vhxh, "phong-kinh-te", oct_).status_code == 302
    # November sent, not accepted yet: counted, and said to be
    assert submit(kinhte, "phong-kinh-te", nov, {grain: "878,9"}).status_code == 302
    page = text_of(kinhte.get(report_url("phong-kinh-te", dec)))
    assert "Lũy kế trước kỳ (gồm 1 kỳ đã gửi, chưa duyệt): 9.497,8" in page
    # accepted: the words go back to accepted periods only, the sum stays
    assert accept(vhxh, "phong-kinh-te", nov).status_code == 302
    page = text_of(kinhte.get(report_url("phong-kinh-te", dec)))
    assert "Lũy kế trước kỳ (các kỳ đã được duyệt): 9.497,8" in page


def test_approved_through_never_names_a_day_to_come(app, login, accepted_month, monkeypatch):
    """Month 1 (15/12/2025–14/01/2026) accepted before it ended: read to today."""
    from datetime import date
    from app.dashboard import board
    from app.reports.routes import commune_report
    vhxh = login("vhxh")
    assert vhxh.post(f"/reports/commune/{accepted_month}/compile", {}).status_code == 302
    monkeypatch.setattr(commune_report, "vn_today", lambda: date(2026, 1, 8))
    monkeypatch.setattr(board, "vn_today", lambda: date(2026, 1, 8))
    page = text_of(vhxh.get(f"/reports/commune/{accepted_month}"))
    assert "lấy số liệu đã duyệt đến ngày 08/01/2026" in page and "14/01/2026." not in page
    assert "số liệu đã duyệt đến 08/01/2026" in text_of(login("chutich").get("/dashboard"))
    # once the period has ended, its end
    monkeypatch.setattr(commune_report, "vn_today", lambda: date(2026, 1, 20))
    page = text_of(vhxh.get(f"/reports/commune/{accepted_month}"))
    assert "lấy số liệu đã duyệt đến ngày 14/01/2026" in page


def test_the_commune_document_writes_no_figure_where_none_is_known(app, login, accepted_month):
    import io
    from docx import Document
    vhxh = login("vhxh")
    assert vhxh.post(f"/reports/commune/{accepted_month}/compile", {}).status_code == 302
    doc = Document(io.BytesIO(vhxh.get(f"/reports/commune/{accepted_month}/report.docx")
                              .get_data()))
    rows = [[c.text for c in row.cells] for row in doc.tables[1].rows[1:]]
    unknown = [r for r in rows if r[-1] == "Chưa có số liệu"]
    assert unknown
    for r in unknown:  # in the period, to date: nothing known, said so; never a 0
        assert r[4:6] == ["chưa có số liệu", "chưa có số liệu"], r


def test_the_figures_workbook_leaves_no_blank_for_a_period_without_a_figure(app, login):
    from tests.factories import VILLAGE_COMBINE, ask_contributors, workbook
    from app.reports.xlsx import NO_FIGURE
    generate(app)
    ask_contributors(app, VILLAGE_COMBINE)
    grain, month1, month2 = indicator_id(app, "III.2-03"), period_id(app), period_id(app, number=2)
    vhxh = login("vhxh")
    for client, slug, pid in ((login("ban01"), "ban-mau-01", month1),
                              (login("ban02"), "ban-mau-02", month2)):
        assert submit(client, slug, pid, {grain: "100"}).status_code == 302
        assert accept(vhxh, slug, pid).status_code == 302
    ws = workbook(vhxh.get("/reports/figures.xlsx?year=2026"))["Theo kỳ"]
    rows = {r[3].value: [c.value for c in r[4:6]] for r in ws.iter_rows(min_row=2)
            if r[0].value == "III.2-03"}
    assert rows == {"Bản mẫu 01": [100, NO_FIGURE], "Bản mẫu 02": [NO_FIGURE, 100]}
