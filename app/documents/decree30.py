"""Administrative documents in the layout of Decree 30/2020/NĐ-CP (Appendix I), as .docx.

A4, Times New Roman; the header block with the issuing body and the document number on the
left and the national title and motto on the right, the place-and-date line in italics
under the motto; the document type and subject centred in bold; the body; the signature
block ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH") beside the "Nơi nhận:" list. Reports, review
reports and decisions all build on `build()`; numbers in tables come formatted by the
caller (app.core.vietnamese.format_number), so a figure reads 9.950,3 as typed.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Optional, Sequence, Union

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
BODY_PT = 14
HEADER_PT = 13
TABLE_PT = 12
RECIPIENTS_PT = 11

# The header block across the 165 mm between the margins: the organ's name on the left,
# the national title on the right — 13 pt bold, ~96 mm long, on one line (Appendix I).
HEADER_LEFT_MM, HEADER_RIGHT_MM = 60, 105
# The rules of Appendix I: under the organ's name 1/3 to 1/2 of its longest line
# ("ỦY BAN NHÂN DÂN", ~43 mm at 13 pt bold); under the motto as long as the motto (~60 mm).
ORGAN_RULE_MM, MOTTO_RULE_MM = 18, 60


@dataclass(frozen=True)
class Heading:
    """A bold heading line in the body (e.g. "I. KẾT QUẢ ĐẠT ĐƯỢC")."""
    text: str


@dataclass(frozen=True)
class Table:
    """A bordered table; cells are text already formatted for a Vietnamese reader.
    `numeric` names the columns aligned right."""
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths_mm: Optional[Sequence[float]] = None
    numeric: frozenset = field(default_factory=frozenset)
    caption: str = ""


@dataclass(frozen=True)
class Signer:
    authority: str = "TM. ỦY BAN NHÂN DÂN"
    title: str = "CHỦ TỊCH"
    name: str = ""


Block = Union[str, Heading, Table]


def date_line(place: str, on: Optional[date], year: Optional[int] = None) -> str:
    """"Bình Lư, ngày 05 tháng 01 năm 2026": Decree 30 writes a 0 before a day under 10
    and before months 1 and 2 only (so "ngày 14 tháng 3"). Without a date the blanks are
    left for the hand that signs."""
    if on is None:
        return f"{place}, ngày      tháng      năm {year or ''}".rstrip()
    day = f"{on.day:02d}"
    month = f"{on.month:02d}" if on.month <= 2 else str(on.month)
    return f"{place}, ngày {day} tháng {month} năm {on.year}"


def number_line(number: str, symbol: str) -> str:
    """"Số: 12/BC-UBND"; a number not yet given leaves room to write it in."""
    number = (number or "").strip()
    if "/" in number:
        return f"Số: {number}"
    return f"Số: {number}/{symbol}" if number else f"Số:       /{symbol}"


def build(*, organ: Sequence[str] = ("ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ"), number: str = "",
          symbol: str = "BC-UBND", place: str = "Bình Lư", on: Optional[date] = None,
          year: Optional[int] = None, doc_type: str = "BÁO CÁO", subject: str = "",
          body: Sequence[Block] = (), tables: Sequence[Table] = (),
          signer: Signer = Signer(), recipients: Sequence[str] = ()) -> bytes:
    """The .docx file, as bytes."""
    doc = Document()
    _page_setup(doc)
    _header_block(doc, organ, number_line(number, symbol), date_line(place, on, year))
    _title(doc, doc_type, subject)
    for block in [*body, *tables]:
        if isinstance(block, Heading):
            _paragraph(doc, block.text, bold=True, indent=True, keep_with_next=True)
        elif isinstance(block, Table):
            _table(doc, block)
        else:
            for para in str(block).split("\n"):
                if para.strip():
                    _paragraph(doc, para.strip(), indent=True)
    _signature_block(doc, signer, recipients)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- pieces --------------------------------------------------------------------------

def _page_setup(doc):
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    rpr.append(lang)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    # page numbers centred at the top from the second page on
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(p)


def _page_field(paragraph):
    run = paragraph.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _no_borders(table):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _cell_paragraph(cell, text, *, size, bold=False, italic=False, first=False,
                    align=WD_ALIGN_PARAGRAPH.CENTER):
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    p.alignment = align
    if text:
        run = p.add_run(text)
        run.font.size, run.bold, run.italic = Pt(size), bold, italic
    return p


# A table cell's text starts 1,9 mm inside each edge, in Word and in LibreOffice alike.
CELL_MARGINS_MM = 2 * 1.9


def _rule(cell, width_mm, cell_mm):
    """The short line under the issuing body and under the motto, width_mm long."""
    p = cell.add_paragraph()
    side = Mm(max(cell_mm - CELL_MARGINS_MM - width_mm, 0) / 2)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = side
    p_pr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    p_pr.append(bdr)
    run = p.add_run()
    run.font.size = Pt(2)


def _fixed_widths(table, widths_mm):
    """Column widths that every reader keeps: Word reads the cells' widths, LibreOffice the
    table grid's, so both are set, and the layout is fixed (never fitted to the text)."""
    tbl = table._tbl
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(round(Mm(width).twips)))
    tbl_pr = tbl.tblPr
    for tag in ("w:tblW", "w:tblLayout"):
        for old in tbl_pr.findall(qn(tag)):
            tbl_pr.remove(old)
    tbl_w = OxmlElement("w:tblW")
    tbl_w.set(qn("w:w"), str(round(Mm(sum(widths_mm)).twips)))
    tbl_w.set(qn("w:type"), "dxa")
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(tbl_w)
    tbl_pr.append(layout)
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def _header_block(doc, organ, number_text, date_text):
    left_mm, right_mm = HEADER_LEFT_MM, HEADER_RIGHT_MM
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _fixed_widths(table, (left_mm, right_mm))
    left, right = table.cell(0, 0), table.cell(0, 1)
    for i, line in enumerate(organ):
        _cell_paragraph(left, line, size=HEADER_PT, bold=True, first=i == 0)
    _rule(left, ORGAN_RULE_MM, left_mm)
    _cell_paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=HEADER_PT, bold=True,
                    first=True)
    _cell_paragraph(right, "Độc lập - Tự do - Hạnh phúc", size=BODY_PT, bold=True)
    _rule(right, MOTTO_RULE_MM, right_mm)
    _cell_paragraph(table.cell(1, 0), number_text, size=HEADER_PT, first=True)
    _cell_paragraph(table.cell(1, 1), date_text, size=BODY_PT, italic=True, first=True)


def _title(doc, doc_type, subject):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(18)
    run = p.add_run(doc_type)
    run.bold, run.font.size = True, Pt(BODY_PT)
    if subject:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(subject)
        run.bold, run.font.size = True, Pt(BODY_PT)
    p = doc.add_paragraph()
    p.paragraph_format.space_after = Pt(12)


def _paragraph(doc, text, *, bold=False, indent=False, keep_with_next=False):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt = p.paragraph_format
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15
    if indent:
        fmt.first_line_indent = Mm(12.7)
    fmt.keep_with_next = keep_with_next
    run = p.add_run(text)
    run.bold = bold
    return p


def _table(doc, spec: Table):
    if spec.caption:
        _paragraph(doc, spec.caption, bold=True, keep_with_next=True)
    table = doc.add_table(rows=1, cols=len(spec.columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _repeat_header(header)
    for i, title in enumerate(spec.columns):
        _cell_paragraph(header.cells[i], title, size=TABLE_PT, bold=True, first=True)
    for row in spec.rows:
        cells = table.add_row().cells
        for i, text in enumerate(row):
            align = (WD_ALIGN_PARAGRAPH.RIGHT if i in spec.numeric
                     else WD_ALIGN_PARAGRAPH.LEFT)
            _cell_paragraph(cells[i], str(text), size=TABLE_PT, first=True, align=align)
    if spec.widths_mm:
        _fixed_widths(table, spec.widths_mm)
    doc.add_paragraph()


def _repeat_header(row):
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _signature_block(doc, signer: Signer, recipients: Sequence[str]):
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _fixed_widths(table, (80, 85))
    left, right = table.cell(0, 0), table.cell(0, 1)
    _cell_paragraph(left, "Nơi nhận:", size=TABLE_PT, bold=True, italic=True, first=True,
                    align=WD_ALIGN_PARAGRAPH.LEFT)
    items = [r.strip() for r in recipients if r.strip()]
    for i, item in enumerate(items):
        end = "." if i == len(items) - 1 else ";"
        _cell_paragraph(left, f"- {item.rstrip('.;')}{end}", size=RECIPIENTS_PT,
                        align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_paragraph(right, signer.authority, size=BODY_PT, bold=True, first=True)
    _cell_paragraph(right, signer.title, size=BODY_PT, bold=True)
    for _ in range(4):
        _cell_paragraph(right, "", size=BODY_PT)
    _cell_paragraph(right, signer.name, size=BODY_PT, bold=True)
