"""The documents thi đua – khen thưởng sends out: the review report and the draft decision
(.docx, Decree 30/2020 layout, built by app/documents/decree30), and the proposal list
(.xlsx, every text cell neutralised as app/reports/xlsx does)."""
from __future__ import annotations

from openpyxl import Workbook

from app.documents import decree30
from app.emulation import scoring
from app.emulation.models import PROPOSAL_STATUSES
from app.reports.commune import organ_lines, place_of
from app.core.exports import BOLD, DATE_FORMAT, set_widths, text_cell, workbook_bytes
from app.units.models import UNIT_KINDS
from app.core.vietnamese import format_date, format_number

INDICATOR_COLUMNS = ("TT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm", "Thực hiện",
                     "Tỷ lệ so với kế hoạch", "Đánh giá")


def _pct(value) -> str:
    return "–" if value is None else f"{scoring.pts(value)}%"


def review_document(review, commune_name: str, *, rows, unit_rates, ranked, thresholds, models,
                    proposals, intro: str, evidence=()) -> bytes:
    """The review report: the plan's indicators to the cut-off, the reporting record, the
    scores and levels by kind of unit, the good models and the commendations, then the
    secretariat's assessment, shortcomings and directions."""
    body: list = [intro]
    body.append(decree30.Heading("I. KẾT QUẢ THỰC HIỆN PHONG TRÀO THI ĐUA"))
    if review.assessment:
        body.append(review.assessment)
    body.append(decree30.Table(
        INDICATOR_COLUMNS, rows,
        widths_mm=(10, 52, 18, 20, 22, 20, 23), numeric=frozenset({3, 4, 5}),
        caption="1. Kết quả thực hiện các chỉ tiêu"))
    report_rows = [[str(n), unit.name, str(r.expected), str(r.received), str(r.on_time),
                    _pct(r.timeliness)] for n, (unit, r) in enumerate(unit_rates, 1)]
    body.append(decree30.Table(("TT", "Đơn vị", "Phải nộp", "Đã nộp", "Đúng hạn",
                                "Tỷ lệ đúng hạn"), report_rows or [["", "Chưa có kỳ báo cáo.",
                                                                    "", "", "", ""]],
                               widths_mm=(10, 65, 20, 20, 20, 25), numeric=frozenset({2, 3, 4, 5}),
                               caption="2. Chấp hành chế độ báo cáo"))
    score_rows = []
    for kind, rows in ranked:
        score_rows.append(["", UNIT_KINDS.get(kind, kind).upper(), "", "", ""])
        for rank, sheet, total in rows:
            score_rows.append([str(rank), sheet.unit.name, scoring.pts(total),
                               scoring.level_label(scoring.level_of(total, thresholds)), ""])
    body.append(decree30.Table(("Xếp hạng", "Đơn vị", "Điểm", "Xếp loại", "Ghi chú"),
                               score_rows or [["", "Chưa chấm điểm.", "", "", ""]],
                               widths_mm=(18, 62, 18, 52, 20), numeric=frozenset({2}),
                               caption="3. Kết quả chấm điểm, xếp loại thi đua"))
    body.append(decree30.Heading("4. Mô hình hay, cách làm hiệu quả, điển hình tiên tiến"))
    if models:
        for m in models:
            where = f" ({m.area.code})" if m.area else ""
            body.append(f"- {m.title}{where} — {m.unit.name}: {_one_line(m.description)}")
    else:
        body.append("Chưa có mô hình nào được ghi nhận.")
    if proposals:
        body.append(decree30.Table(
            ("TT", "Tập thể, cá nhân", "Đơn vị", "Danh hiệu, hình thức", "Tình trạng"),
            [[str(n), p.nominee, p.unit.name, p.title.name, _status(p)]
             for n, p in enumerate(proposals, 1)],
            widths_mm=(10, 45, 40, 40, 35), caption="5. Công tác khen thưởng"))
    if evidence:
        body.append(decree30.Table(
            ("TT", "Đơn vị", "Tệp minh chứng (tên, loại, dung lượng)"),
            [[str(n), unit.name, "; ".join(f"{f.name} ({f.label}, {_kb(f.size)})" for f in files)]
             for n, (unit, files) in enumerate(evidence, 1)],
            widths_mm=(10, 50, 110), caption="6. Hồ sơ minh chứng của các đơn vị"))
    body.append(decree30.Heading("II. TỒN TẠI, HẠN CHẾ"))
    body.append(review.shortcomings or "Không có.")
    body.append(decree30.Heading("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"))
    body.append(review.directions or "Không có.")
    return decree30.build(
        organ=organ_lines(commune_name), number=review.number, symbol="BC-UBND",
        place=place_of(commune_name), on=review.issued_on, year=review.year,
        doc_type="BÁO CÁO", subject=review.title, body=body,
        signer=decree30.Signer(name=review.signer_name), recipients=review.recipient_list)


def _kb(size: int) -> str:
    return f"{format_number(-(-size // 1024))} KB"


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in (text or "").splitlines() if line.strip())


def _status(p) -> str:
    if p.status in ("decided", "forwarded") and p.decision_number:
        return f"{p.status_label} (số {p.decision_number}, ngày {format_date(p.decision_date)})"
    return p.status_label


def decision_document(proposals, title, year: int, commune_name: str, bases: list[str],
                      plan, number: str = "", on=None, signer_name: str = "") -> bytes:
    """The draft decision of the chair (or, for a title a higher level awards, the
    submission upward) listing everyone commended under it."""
    collectives = sum(1 for p in proposals if p.nominee_kind == "collective")
    individuals = len(proposals) - collectives
    who = ", ".join(part for part in (f"{collectives:02d} tập thể" if collectives else "",
                                      f"{individuals:02d} cá nhân" if individuals else "") if part)
    _, local = organ_lines(commune_name)
    commune_level = title.commune_level
    verb = "Công nhận danh hiệu" if title.kind == "title" else "Tặng"
    subject = (f"Về việc {verb.lower()} “{title.name}” năm {year}" if title.kind == "title"
               else f"Về việc tặng {title.name}")
    plan_basis = (f"Căn cứ Kế hoạch số {plan.number} {plan.date_text} của Ủy ban nhân dân xã về "
                  f"phát động phong trào thi đua năm {year};" if plan is not None else "")
    body: list = [decree30.Heading(f"CHỦ TỊCH ỦY BAN NHÂN DÂN {local}")]
    body += [b for b in (*bases, plan_basis) if b]
    body.append("Xét đề nghị của Phòng Văn hóa – Xã hội và Hội đồng Thi đua – Khen thưởng xã.")
    if commune_level:
        body.append(decree30.Heading("QUYẾT ĐỊNH:"))
        body.append(f"Điều 1. {verb} “{title.name}” cho {who} đã có thành tích xuất sắc trong "
                    f"phong trào thi đua năm {year} (có danh sách kèm theo).")
        body.append("Điều 2. Khen thưởng kèm theo thực hiện theo quy định của pháp luật về thi "
                    "đua, khen thưởng.")
        body.append("Điều 3. Văn phòng HĐND và UBND xã, Phòng Văn hóa – Xã hội, các tập thể và "
                    "cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.")
        doc_type, symbol = "QUYẾT ĐỊNH", "QĐ-UBND"
        signer = decree30.Signer(authority="CHỦ TỊCH", title="", name=signer_name)
        recipients = ("Như Điều 3", "Thường trực Đảng ủy, HĐND xã", "Lưu: VT, VHXH")
    else:
        body.append(f"Ủy ban nhân dân xã kính trình {title.authority or 'cấp trên'} xem xét, "
                    f"{verb.lower()} “{title.name}” cho {who} đã có thành tích xuất sắc trong "
                    f"phong trào thi đua năm {year} (có danh sách kèm theo).")
        doc_type, symbol = "TỜ TRÌNH", "TTr-UBND"
        signer = decree30.Signer(name=signer_name)
        recipients = ("Ban Thi đua – Khen thưởng, Sở Nội vụ tỉnh", "Lưu: VT, VHXH")
    body.append(decree30.Table(
        ("TT", "Tập thể, cá nhân", "Chức vụ, đơn vị", "Thành tích"),
        [[str(n), p.nominee,
          p.unit.name if p.nominee_kind == "collective"
          else ", ".join(x for x in (p.person_position, p.unit.name) if x),
          _one_line(p.achievements)] for n, p in enumerate(proposals, 1)],
        widths_mm=(10, 45, 45, 65),
        caption=f"DANH SÁCH ĐƯỢC {verb.upper()} “{title.name.upper()}”"))
    return decree30.build(
        organ=organ_lines(commune_name), number=number, symbol=symbol,
        place=place_of(commune_name), on=on, year=year, doc_type=doc_type, subject=subject,
        body=body, signer=signer, recipients=recipients)


def proposals_workbook(proposals, year: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"Đề nghị {year}"
    ws.append([text_cell(h) for h in (
        "TT", "Tập thể / cá nhân", "Họ tên, tên tập thể", "Chức vụ", "Đơn vị",
        "Danh hiệu, hình thức", "Thẩm quyền", "Thành tích", "Tình trạng", "Tán thành",
        "Không tán thành", "Không biểu quyết", "Số thành viên HĐ", "Số quyết định, tờ trình",
        "Ngày ký")])
    for cell in ws[1]:
        cell.font = BOLD
    for n, p in enumerate(proposals, 1):
        closed = p.status not in ("proposed", "council")
        ws.append([n, text_cell(p.nominee_label), text_cell(p.nominee), text_cell(p.person_position),
                   text_cell(p.unit.name), text_cell(p.title.name), text_cell(p.title.authority),
                   text_cell(p.achievements), text_cell(PROPOSAL_STATUSES.get(p.status, p.status)),
                   p.votes_yes if closed else None, p.votes_no if closed else None,
                   p.votes_abstain if closed else None, p.members if closed else None,
                   text_cell(p.decision_number), p.decision_date])
        ws.cell(row=ws.max_row, column=15).number_format = DATE_FORMAT
    set_widths(ws, [5, 12, 28, 20, 26, 30, 20, 50, 22, 10, 10, 10, 10, 20, 12])
    ws.freeze_panes = "A2"
    return workbook_bytes(wb)
