"""The commune report: compiled from the accepted unit reports, edited by the secretariat,
downloaded as a Decree 30/2020 .docx with the figures in Vietnamese format."""
import io
import re

from docx import Document

from tests.factories import (generate,
                                period_id, text_of)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def edit_form(html):
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    fields = dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*type="text" value="([^"]*)"', html))
    fields.update(re.findall(r'<textarea[^>]*name="([a-z_]+)"[^>]*>\r?\n?([^<]*)</textarea>', html))
    return {**fields, "version": version}


def test_nothing_to_compile_before_a_report_is_accepted(app, login):
    generate(app)
    response = login("vhxh").post(f"/reports/commune/{period_id(app)}/compile", {})
    assert response.status_code == 409
    assert "Chưa có báo cáo nào" in text_of(response)


def test_compile_edit_and_download_the_commune_report(app, login, accepted_month):
    pid = accepted_month
    vhxh = login("vhxh")
    assert vhxh.post(f"/reports/commune/{pid}/compile", {}).status_code == 302
    page = text_of(vhxh.get(f"/reports/commune/{pid}"))
    assert "Bản mẫu 01: Trồng mới 5 ha rừng." in page
    assert "Kết quả thực hiện phong trào thi đua tháng 01 năm 2026" in page
    data = edit_form(page)
    data.update(number="15", issued_on="20/01/2026",
                results=data["results"] + "\nToàn xã hoàn thành kế hoạch tháng.")
    assert vhxh.post(f"/reports/commune/{pid}", data).status_code == 302
    # the same form again: read before that save, so refused with the typing kept
    stale = vhxh.post(f"/reports/commune/{pid}", {**data, "subject": "Trích yếu khác"})
    assert stale.status_code == 409 and 'value="Trích yếu khác"' in text_of(stale)

    response = login("chutich").get(f"/reports/commune/{pid}/report.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    assert "attachment" in response.headers["Content-Disposition"]
    doc = Document(io.BytesIO(response.get_data()))
    header = doc.tables[0]
    assert header.cell(0, 0).paragraphs[0].text == "ỦY BAN NHÂN DÂN"
    assert header.cell(0, 0).paragraphs[1].text == "XÃ BÌNH LƯ"
    assert header.cell(1, 0).text == "Số: 15/BC-UBND"
    date_line = header.cell(1, 1).paragraphs[0]
    assert date_line.text == "Bình Lư, ngày 20 tháng 01 năm 2026"
    assert all(run.italic for run in date_line.runs)
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts
    assert "Kết quả thực hiện phong trào thi đua tháng 01 năm 2026" in texts
    assert "Toàn xã hoàn thành kế hoạch tháng." in texts
    assert "II. MÔ HÌNH HAY, CÁCH LÀM HIỆU QUẢ" in texts
    figures = doc.tables[1]
    rows = {row.cells[1].text: [c.text for c in row.cells] for row in figures.rows[1:]}
    grain = next(v for k, v in rows.items() if k.startswith("III.2-03"))
    # issue 16: "Thực hiện trong kỳ" and "Lũy kế từ đầu năm" side by side, then the share
    assert [c.text for c in figures.rows[0].cells][4:6] == ["Thực hiện trong kỳ", "Lũy kế từ đầu năm"]
    assert grain[3] == "9.950,3" and grain[4] == "9.950,3" and grain[5] == "9.950,3"
    assert grain[6] == "100%"
    assert next(v for k, v in rows.items() if k.startswith("III.4-01"))[3] == "33.515"
    sign = doc.tables[2]
    right = [p.text for p in sign.cell(0, 1).paragraphs if p.text]
    assert right == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lương Việt Thảo"]
    left = [p.text for p in sign.cell(0, 0).paragraphs if p.text]
    assert left[0] == "Nơi nhận:" and left[-1] == "- Lưu: VT, VHXH."


def test_only_the_secretariat_compiles_and_edits_and_units_do_not_download(app, login, accepted_month):
    pid = accepted_month
    assert login("chutich").post(f"/reports/commune/{pid}/compile", {}).status_code == 403
    assert login("ban01").post(f"/reports/commune/{pid}/compile", {}).status_code == 403
    assert login("vhxh").post(f"/reports/commune/{pid}/compile", {}).status_code == 302
    assert login("ban01").get(f"/reports/commune/{pid}/report.docx").status_code == 403
    assert login("mttq").get(f"/reports/commune/{pid}/report.docx").status_code == 200
    assert login("chutich").post(f"/reports/commune/{pid}", {"subject": "x"}).status_code == 403


def test_no_document_before_a_draft_exists(app, login, accepted_month):
    assert login("vhxh").get(f"/reports/commune/{accepted_month}/report.docx").status_code == 404
