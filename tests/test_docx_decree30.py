"""The Decree 30/2020/NĐ-CP layout, read back with python-docx."""
import io
from datetime import date

import pytest
from docx import Document
from docx.shared import Pt

from app.documents import decree30 as d30


@pytest.mark.parametrize("on,line", [
    (date(2026, 1, 5), "Bình Lư, ngày 05 tháng 01 năm 2026"),
    (date(2026, 2, 20), "Bình Lư, ngày 20 tháng 02 năm 2026"),
    (date(2026, 3, 14), "Bình Lư, ngày 14 tháng 3 năm 2026"),   # no 0 before months 3–12
    (date(2026, 12, 9), "Bình Lư, ngày 09 tháng 12 năm 2026"),
])
def test_the_date_line_writes_a_zero_before_days_under_10_and_months_1_and_2(on, line):
    assert d30.date_line("Bình Lư", on) == line


def test_a_missing_date_and_number_leave_blanks_to_fill_by_hand():
    assert d30.date_line("Bình Lư", None, 2026) == "Bình Lư, ngày      tháng      năm 2026"
    assert d30.number_line("", "BC-UBND") == "Số:       /BC-UBND"
    assert d30.number_line("12", "BC-UBND") == "Số: 12/BC-UBND"
    assert d30.number_line("15/BC-UBND", "BC-UBND") == "Số: 15/BC-UBND"


def _document():
    data = d30.build(
        number="12", on=date(2026, 3, 20), subject="Kết quả phong trào thi đua quý I năm 2026",
        body=[d30.Heading("I. KẾT QUẢ ĐẠT ĐƯỢC"), "Bản mẫu 01: trồng 5 ha rừng.\nDòng hai.",
              d30.Table(["TT", "Chỉ tiêu", "Thực hiện"], [["1", "Sản lượng lương thực", "9.950,3"]],
                        numeric=frozenset({2}))],
        signer=d30.Signer(name="Lương Việt Thảo"),
        recipients=["Sở Nội vụ tỉnh", "Lưu: VT"])
    return Document(io.BytesIO(data))


def test_a4_times_new_roman_with_the_decree_margins():
    doc = _document()
    s = doc.sections[0]
    # docx stores twentieths of a point: compare to the millimetre
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert (round(s.left_margin.mm), round(s.right_margin.mm)) == (30, 15)
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert Pt(13) <= normal.font.size <= Pt(14)


def test_the_header_block_has_the_body_and_number_left_and_the_motto_and_italic_date_right():
    doc = _document()
    header = doc.tables[0]
    left = [p.text for p in header.cell(0, 0).paragraphs if p.text]
    right = [p.text for p in header.cell(0, 1).paragraphs if p.text]
    assert left == ["ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ"]
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert header.cell(1, 0).text == "Số: 12/BC-UBND"
    date_para = header.cell(1, 1).paragraphs[0]
    assert date_para.text == "Bình Lư, ngày 20 tháng 3 năm 2026"
    assert all(run.italic for run in date_para.runs)


def test_title_body_table_signature_and_recipients():
    doc = _document()
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts[:2] == ["BÁO CÁO", "Kết quả phong trào thi đua quý I năm 2026"]
    assert "I. KẾT QUẢ ĐẠT ĐƯỢC" in texts
    assert "Bản mẫu 01: trồng 5 ha rừng." in texts and "Dòng hai." in texts
    figures = doc.tables[1]
    assert [c.text for c in figures.rows[1].cells] == ["1", "Sản lượng lương thực", "9.950,3"]
    sign = doc.tables[2]
    left = [p.text for p in sign.cell(0, 0).paragraphs if p.text]
    right = [p.text for p in sign.cell(0, 1).paragraphs if p.text]
    assert left == ["Nơi nhận:", "- Sở Nội vụ tỉnh;", "- Lưu: VT."]
    assert right == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lương Việt Thảo"]
