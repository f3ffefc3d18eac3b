"""Spreadsheets: every figure with real numeric cells; the template a unit fills offline and
uploads back — validated, a bad cell named, nothing half-imported, size and zip limits
checked before the file is parsed."""
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.core.errors import Refused
from app.core.extensions import db
from app.reports import xlsx
from app.reports.models import Report
from tests.factories import (VILLAGE_COMBINE, accept, ask_contributors, generate,
                                indicator_id, period_id, report_url, submit, text_of)
from tests.factories import row_of, template, to_bytes, upload, workbook


@pytest.fixture
def month1(app):
    generate(app)
    ask_contributors(app, VILLAGE_COMBINE)
    return period_id(app)


# ---- the export ---------------------------------------------------------------------

def test_every_accepted_figure_is_a_real_number_and_formula_text_is_neutralised(app, login, month1):
    grain = indicator_id(app, "III.2-03")
    ban = login("ban01")
    submit(ban, "ban-mau-01", month1, {grain: "9.950,3"},
           results="=HYPERLINK(\"http://x\")", **{f"e_{grain}": "=1+2 ghi chú"})
    accept(login("vhxh"), "ban-mau-01", month1)
    wb = workbook(login("mttq").get("/reports/figures.xlsx?year=2026"))
    ws = wb["Theo kỳ"]
    assert [c.value for c in ws[1]][:5] == ["Mã", "Chỉ tiêu", "Đơn vị tính", "Đơn vị báo cáo",
                                            "Tháng 01/2026"]
    row = [c for c in ws[2]]
    assert row[0].value == "III.2-03" and row[3].value == "Bản mẫu 01"
    assert row[4].data_type == "n" and Decimal(str(row[4].value)) == Decimal("9950.3")
    assert row[4].number_format == xlsx.NUMBER_FORMAT
    detail = wb["Chi tiết"]
    cells = [c for c in detail[2]]
    assert cells[7].data_type == "n" and cells[4].is_date
    assert cells[9].value == "'=1+2 ghi chú"        # never run as a formula
    assert cells[9].data_type == "s"


def test_the_detail_sheet_gives_each_flow_figure_its_year_to_date(app, login, month1):
    grain, month2 = indicator_id(app, "III.2-03"), period_id(app, number=2)
    ban, vhxh = login("ban01"), login("vhxh")
    for pid, amount in ((month1, "100"), (month2, "50")):
        assert submit(ban, "ban-mau-01", pid, {grain: amount}).status_code == 302
        assert accept(vhxh, "ban-mau-01", pid).status_code == 302
    detail = workbook(vhxh.get("/reports/figures.xlsx?year=2026"))["Chi tiết"]
    assert [c.value for c in detail[1]][7:9] == ["Thực hiện trong kỳ", "Lũy kế từ đầu năm"]
    rows = [[c.value for c in r] for r in detail.iter_rows(min_row=2)
            if r[0].value == "III.2-03" and r[6].value == "Bản mẫu 01"]
    assert [(r[7], r[8]) for r in rows] == [(100, 100), (50, 150)]
    levels = [r for r in detail.iter_rows(min_row=2) if r[0].value != "III.2-03"]
    assert all(r[8].value is None for r in levels)   # a level has no year-to-date


# ---- the template and the upload ----------------------------------------------------

def test_the_template_is_prefilled_with_the_draft_and_a_filled_one_imports_into_it(app, login, month1):
    ban = login("ban01")
    grain, forest, health = (indicator_id(app, c) for c in ("III.2-03", "III.2-04", "III.3-07"))
    wb = template(ban, "ban-mau-01", month1)
    ws = wb[xlsx.SHEET]
    assert ws["B2"].value == "Bản mẫu 01"
    assert wb[xlsx.META_SHEET].sheet_state == "hidden"
    ws[f"C{row_of(ws, 'III.2-03')}"] = 9950.3              # a number, as Excel stores it
    ws[f"C{row_of(ws, 'III.2-04')}"] = "58,39"             # text typed the Vietnamese way
    ws[f"C{row_of(ws, 'III.3-07')}"] = 92.1
    ws[f"F{row_of(ws, 'III.3-07')}"] = "Đã rà soát danh sách."
    response = upload(ban, "ban-mau-01", month1, to_bytes(wb))
    assert response.status_code == 302
    page = text_of(ban.get(report_url("ban-mau-01", month1)))
    assert f'name="v_{grain}" type="text" value="9.950,3"' in page
    assert f'name="v_{forest}" type="text" value="58,39"' in page
    assert f'name="v_{health}" type="text" value="92,1"' in page
    assert "Đã rà soát danh sách." in page
    with app.app_context():
        from app.audit.models import AuditEvent
        assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())
                                 .limit(1)) == "report.import"
    # the next template carries those figures back as numbers
    again = template(ban, "ban-mau-01", month1)[xlsx.SHEET]
    cell = again[f"C{row_of(again, 'III.2-03')}"]
    assert cell.data_type == "n" and Decimal(str(cell.value)) == Decimal("9950.3")


def test_a_bad_cell_is_named_and_nothing_is_imported(app, login, month1):
    ban = login("ban01")
    wb = template(ban, "ban-mau-01", month1)
    ws = wb[xlsx.SHEET]
    good, bad = row_of(ws, "III.2-03"), row_of(ws, "III.2-04")
    ws[f"C{good}"] = 9950.3
    ws[f"C{bad}"] = "58.39"
    ws[f"A{ws.max_row + 1}"] = "XX-99"
    response = upload(ban, "ban-mau-01", month1, to_bytes(wb))
    assert response.status_code == 422
    html = text_of(response)
    assert f"Ô C{bad}: Số không hợp lệ" in html
    assert f"Ô A{ws.max_row}: mã chỉ tiêu “XX-99”" in html
    with app.app_context():
        assert db.session.scalar(select(Report.id)) is None   # not even the good cell


def test_a_template_of_another_unit_or_period_is_refused(app, login, month1):
    wb = template(login("ban02"), "ban-mau-02", month1)
    response = upload(login("ban01"), "ban-mau-01", month1, to_bytes(wb))
    assert response.status_code == 422
    assert "đơn vị hoặc kỳ báo cáo khác" in text_of(response)
    plain = Workbook()
    plain.active["A1"] = "không phải tệp mẫu"
    response = upload(login("ban01"), "ban-mau-01", month1, to_bytes(plain))
    assert response.status_code == 422 and "không phải tệp mẫu" in text_of(response)


def _zip(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("data,status,message", [
    (b"x" * (xlsx.MAX_UPLOAD_BYTES + 10), 413, "Tệp quá lớn"),
    (b"", 400, "Chưa chọn tệp"),
    (b"%PDF-1.4 not a spreadsheet", 400, "không phải bảng tính Excel"),
    (_zip([("xl/workbook.xml", b"<a/>"), ("big.xml", b"\0" * (30 * 1024 * 1024))]), 413,
     "nén quá mức"),
    (_zip([("hello.txt", b"hi")]), 400, "không phải bảng tính Excel"),
    (_zip([("xl/workbook.xml", b"<not-really/>"), ("[Content_Types].xml", b"<x/>")]), 400,
     "Không đọc được tệp Excel"),
])
def test_an_unsafe_or_broken_upload_is_refused_before_it_is_parsed(app, login, month1, data,
                                                                   status, message):
    response = upload(login("ban01"), "ban-mau-01", month1, data)
    assert response.status_code == status
    assert message in text_of(response)


def test_the_archive_check_alone_refuses_a_zip_bomb_without_expanding_it():
    bomb = _zip([("xl/workbook.xml", b"<a/>"), *[(f"s{i}.xml", b"0" * 5_000_000) for i in range(5)]])
    assert len(bomb) < 200_000
    with pytest.raises(Refused) as info:
        xlsx.check_archive(bomb)
    assert info.value.status == 413


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<si><t>&lol9;</t></si></sst>')


def _with_part(xlsx_bytes: bytes, name: str, content: bytes) -> bytes:
    """A real workbook with one part replaced (or added)."""
    src, out = zipfile.ZipFile(io.BytesIO(xlsx_bytes)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            if info.filename != name:
                zf.writestr(info, src.read(info))
        zf.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize("part,content", [
    ("xl/sharedStrings.xml", LAUGHS),
    ("xl/worksheets/sheet1.xml", LAUGHS.replace(b"sst", b"worksheet")),
    ("xl/workbook.xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM '
                        b'"file:///etc/passwd">]><workbook>&e;</workbook>'),
    ("xl/sharedStrings.xml", LAUGHS.decode().replace('version="1.0"', 'version="1.0" '
                             'encoding="UTF-16"').encode("utf-16-le")),
])
def test_billion_laughs_and_external_entities_are_refused_before_parsing(app, login, month1,
                                                                        part, content):
    c = login("ban01")
    template = c.get(f"/units/ban-mau-01/reports/{month1}/template.xlsx")
    assert template.status_code == 200
    response = upload(c, "ban-mau-01", month1, _with_part(template.data, part, content))
    assert response.status_code == 400
    assert "DOCTYPE" in text_of(response)


def test_openpyxl_reads_through_defusedxml():
    from openpyxl.xml import DEFUSEDXML
    assert DEFUSEDXML is True


def test_no_upload_into_a_submitted_report(app, login, month1):
    ban = login("ban01")
    wb = template(ban, "ban-mau-01", month1)
    submit(ban, "ban-mau-01", month1)
    assert upload(ban, "ban-mau-01", month1, to_bytes(wb)).status_code == 409


def test_a_unit_cannot_fetch_or_fill_another_units_template(app, login, month1):
    ban = login("ban01")
    assert ban.get(report_url("ban-mau-02", month1, "template.xlsx")).status_code == 403
    wb = template(login("ban02"), "ban-mau-02", month1)
    assert upload(ban, "ban-mau-02", month1, to_bytes(wb)).status_code == 403


@pytest.mark.parametrize("raw,expected", [
    (9950.299999999999, Decimal("9950.3")),   # Excel's binary float, read as Excel shows it
    (58.39, Decimal("58.39")),
    (323, Decimal("323")),
    ("9.950,3", Decimal("9950.3")),
])
def test_cells_are_read_as_the_person_sees_them(raw, expected):
    from app.reports.figures import parse_figure
    ind = type("I", (), {"semantics": "sum_flow", "unit_of_measure": "tấn", "total": None})()
    assert parse_figure(ind, xlsx._cell_number(raw)) == expected
