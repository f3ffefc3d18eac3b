"""Spreadsheets: every accepted figure (indicator × period, real numbers), and the template a
unit fills offline and uploads back.

An upload is distrusted until read: its size and its zip (entries, expanded size,
compression ratio, no DTD in any part) are checked before openpyxl opens it (through
defusedxml), it is read in read-only mode, and every figure is checked; one bad cell names
itself ("Ô C5: …") and nothing is imported. A file that does not parse, whatever breaks in
it, is refused with a 400 — never a 500.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Optional

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from app.core import archives
from app.core.errors import Refused
from app.core.exports import BOLD, DATE_FORMAT, set_widths, text_cell, workbook_bytes
from app.plans.progress import FLOWS, Figure, unit_to_date
from app.reports import figures as fig
from app.core.vietnamese import VNInputError, _l, local_date, nfc

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_ROWS = 500
NUMBER_FORMAT = "#,##0.####"
TEMPLATE_MARK = "thidua-report/1"
SHEET = "Số liệu"
META_SHEET = "_thidua"
FIRST_ROW = 5  # data starts under the title, the unit, the period and the header
COL_CODE, COL_NAME, COL_VALUE, COL_UNIT, COL_TARGET, COL_EXPLAIN = "ABCDEF"


# An upload refused: Refused(message, status) for a file that cannot be read at all, and
# Refused(NOT_IMPORTED, 422, fields) with fields = {cell: what is wrong in it} for a template
# filled wrongly. Either way nothing is imported.
NOT_IMPORTED = _l("Chưa nhập số liệu nào: tệp có lỗi, xem danh sách bên dưới.")
NOT_XLSX = _l("Tệp không phải bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải về từ trang báo "
              "cáo.")
UNREADABLE = _l("Không đọc được tệp Excel; hãy lưu lại bằng Excel hoặc dùng tệp mẫu mới.")
NOT_TEMPLATE = _l("Tệp không phải tệp mẫu của hệ thống; hãy tải tệp mẫu từ trang báo cáo rồi "
                  "điền vào.")


def problems(refused: Refused) -> list[str]:
    """What an upload refusal lists under the upload form: each cell at fault, or the one
    reason the file could not be read."""
    return [str(m) for m in refused.fields.values()] or [str(refused.message)]


def _number(value: Optional[Decimal]):
    # openpyxl writes a float; four decimals at most, so nothing is lost on the way
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


# --- export: every figure ------------------------------------------------------------

NO_FIGURE = "chưa có số liệu"  # a period the unit has no accepted figure for: never 0 (issue 28)


def _figure_or_none(value: Optional[Decimal]):
    return NO_FIGURE if value is None else _number(value)


def figures_workbook(year: int, indicators, periods, values, units) -> bytes:
    """`values`: IndicatorValue rows of the year. Sheet 1: a row per indicator and
    reporting unit, a column per period; sheet 2: one row per figure with who accepted it."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Theo kỳ"
    with_figures = [p for p in periods if any(v.period_id == p.id for v in values)]
    head = ["Mã", "Chỉ tiêu", "Đơn vị tính", "Đơn vị báo cáo", *[p.label for p in with_figures]]
    ws.append([text_cell(h) for h in head])
    for cell in ws[1]:
        cell.font = BOLD
    cells = {(v.indicator_id, v.unit_id, v.period_id): v.value for v in values}
    pairs = sorted({(v.indicator_id, v.unit_id) for v in values},
                   key=lambda iu: (indicators[iu[0]].sort_order, units[iu[1]].sort_order))
    for ind_id, unit_id in pairs:
        ind, unit = indicators[ind_id], units[unit_id]
        ws.append([text_cell(ind.code), text_cell(ind.name), text_cell(ind.unit_of_measure),
                   text_cell(unit.short_name or unit.name),
                   *[_figure_or_none(cells.get((ind_id, unit_id, p.id))) for p in with_figures]])
    for row in ws.iter_rows(min_row=2, min_col=5):
        for cell in row:
            cell.number_format = NUMBER_FORMAT
    set_widths(ws, [10, 50, 14, 22, *[14] * len(with_figures)])
    ws.freeze_panes = "E2"

    detail = wb.create_sheet("Chi tiết")
    detail.append(["Mã", "Chỉ tiêu", "Đơn vị tính", "Kỳ báo cáo", "Từ ngày", "Đến ngày",
                   "Đơn vị báo cáo", "Thực hiện trong kỳ", "Lũy kế từ đầu năm",
                   "Giải trình, ghi chú", "Ngày duyệt"])
    for cell in detail[1]:
        cell.font = BOLD
    by_period = {p.id: p for p in periods}
    # a flow's year-to-date is the unit's own, as its report page shows it; a level has none
    flows = {}
    for v in values:
        if indicators[v.indicator_id].semantics in FLOWS:
            p = by_period[v.period_id]
            flows.setdefault(v.indicator_id, []).append(
                Figure(p.kind, p.ends_on, v.unit_id, v.value, p.starts_on))
    for v in sorted(values, key=lambda v: (indicators[v.indicator_id].sort_order,
                                           by_period[v.period_id].ends_on,
                                           units[v.unit_id].sort_order)):
        ind, p, unit = indicators[v.indicator_id], by_period[v.period_id], units[v.unit_id]
        ytd = (unit_to_date(flows[v.indicator_id], v.unit_id, p.ends_on + timedelta(days=1))
               if v.indicator_id in flows else None)
        detail.append([text_cell(ind.code), text_cell(ind.name), text_cell(ind.unit_of_measure),
                       text_cell(p.label), p.starts_on, p.ends_on, text_cell(unit.short_name or unit.name),
                       _number(v.value), _number(ytd), text_cell(v.note),
                       local_date(v.accepted_at) if v.accepted_at else None])  # Vietnam's day
        row = detail.max_row
        for col in "EFK":
            detail[f"{col}{row}"].number_format = DATE_FORMAT
        for col in "HI":
            detail[f"{col}{row}"].number_format = NUMBER_FORMAT
    set_widths(detail, [10, 50, 14, 20, 12, 12, 22, 14, 14, 40, 12])
    detail.freeze_panes = "A2"
    return workbook_bytes(wb)


# --- the template a unit fills offline -----------------------------------------------

def template_workbook(unit, period, indicators, draft: dict[int, dict[str, str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = "BIỂU SỐ LIỆU CHỈ TIÊU THI ĐUA"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"], ws["B2"] = "Đơn vị:", text_cell(unit.name)
    ws["A3"], ws["B3"] = "Kỳ báo cáo:", text_cell(f"{period.label} (số liệu từ "
                                              f"{period.starts_on:%d/%m/%Y} đến "
                                              f"{period.ends_on:%d/%m/%Y})")
    head = ["Mã chỉ tiêu", "Chỉ tiêu",
            "Thực hiện trong kỳ (không phải lũy kế từ đầu năm; chỉ tiêu tỷ lệ, mức: số tại ngày "
            f"{period.ends_on:%d/%m/%Y})", "Đơn vị tính", "Kế hoạch năm",
            "Giải trình (bắt buộc nếu số liệu làm chỉ tiêu chậm tiến độ)"]
    for i, h in enumerate(head):
        cell = ws.cell(row=FIRST_ROW - 1, column=i + 1, value=h)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    yes_no = DataValidation(type="list", formula1='"Đạt,Chưa đạt"', allow_blank=True)
    ws.add_data_validation(yes_no)
    for n, ind in enumerate(indicators):
        row = FIRST_ROW + n
        entry = draft.get(ind.id, {})
        value = _draft_value(ind, entry.get("v", ""))
        ws[f"{COL_CODE}{row}"] = text_cell(ind.code)
        ws[f"{COL_NAME}{row}"] = text_cell(ind.name)
        ws[f"{COL_VALUE}{row}"] = value
        ws[f"{COL_VALUE}{row}"].number_format = NUMBER_FORMAT
        ws[f"{COL_UNIT}{row}"] = text_cell(ind.unit_of_measure)
        ws[f"{COL_TARGET}{row}"] = "Đạt" if ind.semantics == "yes_no" else _number(ind.target)
        ws[f"{COL_TARGET}{row}"].number_format = NUMBER_FORMAT
        ws[f"{COL_EXPLAIN}{row}"] = text_cell(entry.get("e", "")) or None
        if ind.semantics == "yes_no":
            yes_no.add(f"{COL_VALUE}{row}")
    set_widths(ws, [12, 55, 14, 14, 14, 45])
    ws.freeze_panes = f"A{FIRST_ROW}"
    meta = wb.create_sheet(META_SHEET)
    meta["A1"], meta["A2"], meta["A3"] = TEMPLATE_MARK, unit.slug, period.id
    meta.sheet_state = "hidden"
    return workbook_bytes(wb)


def _draft_value(ind, text: str):
    """The draft's figure as a real number cell (a yes/no as its word); an unreadable
    draft figure goes in as the text typed, for the person to correct."""
    try:
        value = fig.parse_figure(ind, text)
    except VNInputError:
        return text_cell(text)
    if value is None:
        return None
    if ind.semantics == "yes_no":
        return "Đạt" if value >= 1 else "Chưa đạt"
    return _number(value)


# --- reading an upload ---------------------------------------------------------------

def check_archive(data: bytes) -> None:
    """Refuse what is too big, not a zip, or a zip bomb, before any parser sees it
    (app/core/archives.py: the checks every zip upload passes)."""
    archives.check_office(
        data, part="xl/workbook.xml", not_kind=NOT_XLSX, max_bytes=MAX_UPLOAD_BYTES,
        too_big=_l("Tệp quá lớn (tối đa 1 MB)."), unreadable=UNREADABLE,
        has_dtd=_l("Tệp chứa khai báo XML không được phép (DOCTYPE/ENTITY); hệ thống "
                   "không đọc tệp này. Hãy dùng tệp mẫu tải về từ trang báo cáo."))


@dataclass
class Upload:
    """What a filled template gives: the figures taken, the explanations, and the codes
    whose figure cell was left empty (issue 16: the import says exactly which)."""
    values: dict[int, Optional[Decimal]]
    explanations: dict[int, str]
    blank: list = field(default_factory=list)


def read_upload(data: bytes, unit, period, indicators) -> Upload:
    """The figures of a filled template, all or nothing."""
    check_archive(data)
    try:
        # read-only: the sheets are parsed as they are read, so a part that is not
        # well-formed XML fails in _read, not here
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return _read(wb, unit, period, indicators)
        finally:
            wb.close()
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - openpyxl, zipfile and the XML parser raise many kinds
        # on a damaged file (ParseError, KeyError, ValueError, zlib.error…): all "unreadable"
        raise Refused(UNREADABLE, 400) from None


def _read(wb, unit, period, indicators) -> Upload:
    if META_SHEET not in wb.sheetnames or SHEET not in wb.sheetnames:
        raise Refused(NOT_TEMPLATE)
    meta = [r[0] for r in wb[META_SHEET].iter_rows(min_row=1, max_row=3, max_col=1,
                                                   values_only=True)]
    if len(meta) < 3 or meta[0] != TEMPLATE_MARK:
        raise Refused(NOT_TEMPLATE)
    if meta[1] != unit.slug or str(meta[2]) != str(period.id):
        raise Refused(_l("Tệp mẫu này của đơn vị hoặc kỳ báo cáo khác; hãy tải tệp mẫu đúng "
                         "của kỳ này."))
    by_code = {ind.code: ind for ind in indicators}
    values, explanations, errors, seen = {}, {}, {}, set()  # errors: cell → what is wrong
    blank = []  # codes whose figure cell is empty: left as the draft had them
    ws = wb[SHEET]
    for row_no, row in enumerate(ws.iter_rows(min_row=FIRST_ROW, max_col=6, values_only=True),
                                 FIRST_ROW):
        if row_no >= FIRST_ROW + MAX_ROWS:
            errors["rows"] = _l("Tệp có quá nhiều dòng (tối đa %(n)s).", n=MAX_ROWS)
            break
        row = (*row, *([None] * (6 - len(row))))
        code, _name, raw, _unit, _target, explain = row[:6]
        if code is None and raw is None and explain is None:
            continue
        code = nfc(str(code or "")).strip().lstrip("'")
        ind = by_code.get(code)
        cell = f"{COL_CODE}{row_no}"
        if ind is None:
            errors[cell] = _l("Ô %(cell)s: mã chỉ tiêu “%(code)s” không phải chỉ tiêu của đơn vị "
                              "trong kỳ này.", cell=cell, code=code[:40])
            continue
        if ind.id in seen:
            errors[cell] = _l("Ô %(cell)s: chỉ tiêu %(code)s xuất hiện hai lần.", cell=cell,
                              code=code)
            continue
        seen.add(ind.id)
        try:
            value = fig.parse_figure(ind, _cell_number(raw))
            if value is None:
                blank.append(ind.code)
            else:
                values[ind.id] = value
        except VNInputError as e:
            cell = f"{COL_VALUE}{row_no}"
            errors[cell] = _l("Ô %(cell)s: %(msg)s", cell=cell, msg=str(e.message))
        text = nfc(str(explain)).strip() if explain is not None else ""
        if len(text) > fig.MAX_EXPLANATION:
            cell = f"{COL_EXPLAIN}{row_no}"
            errors[cell] = _l("Ô %(cell)s: giải trình quá dài (tối đa %(n)s ký tự).", cell=cell,
                              n=fig.MAX_EXPLANATION)
        explanations[ind.id] = text
    if errors:
        raise Refused(NOT_IMPORTED, 422, errors)
    return Upload(values, explanations, blank)


def _cell_number(raw):
    """A cell as parse_figure takes it: Excel's binary floats rounded to the 15 digits
    Excel shows (9950.3, not 9950.299999999999); dates and booleans are not figures."""
    if isinstance(raw, (bool, date)):
        raise VNInputError(_l("Ô này chứa ngày tháng hoặc đúng/sai, không phải số liệu."))
    if isinstance(raw, float):
        return Decimal(format(raw, ".15g"))
    if raw is None:
        return ""
    return raw
