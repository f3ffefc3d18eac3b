"""Issue 16, item 5: the Excel import says exactly how many cells it took, which it left and
why — three filled cells are "Đã nhập 3 số liệu", not the number of rows."""
from tests.factories import generate, indicator_id, period_id, report_url, text_of
from tests.factories import row_of, template, to_bytes, upload


def test_the_import_counts_the_cells_it_took_and_names_those_it_left(app, login):
    generate(app)
    pid = period_id(app)
    kinhte = login("kinhte")
    wb = template(kinhte, "phong-kinh-te", pid)
    ws = wb["Số liệu"]
    assert ws["C4"].value.startswith("Thực hiện trong kỳ (không phải lũy kế từ đầu năm")
    rows = [c.value for c in ws["A"][4:] if c.value]
    for code in ("III.2-03", "III.2-04", "III.4-01"):
        ws[f"C{row_of(ws, code)}"] = 12
    response = upload(kinhte, "phong-kinh-te", pid, to_bytes(wb))
    assert response.status_code in (302, 303)
    page = text_of(kinhte.get(report_url("phong-kinh-te", pid)))
    assert "Đã nhập 3 số liệu từ tệp Excel vào bản nháp." in page
    left = [c for c in rows if c not in ("III.2-03", "III.2-04", "III.4-01")]
    assert (f"Để nguyên {len(left)} chỉ tiêu vì ô Thực hiện trong kỳ để trống: "
            f"{', '.join(left)}.") in page
    assert f'name="v_{indicator_id(app, "III.2-03")}" type="text" value="12"' in page
