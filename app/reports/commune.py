"""The commune's report for a period: compiled from the accepted unit reports and the
indicator table, edited by the secretariat, sent up as a Decree 30/2020 .docx."""
from __future__ import annotations

from sqlalchemy import select

from app.audit.service import record, snapshot
from app.core.errors import Refused
from app.documents import decree30
from app.core.extensions import db
from app.core.locking import StaleEdit
from app.core.columns import utcnow
from app.plans.progress import DELTAS, FLOWS, STATUS_LABELS, counted_figures, evaluate, in_doubt
from app.plans.assignments import target_of
from app.reports import figures as fig
from app.reports.models import REPORT_SECTIONS, CommuneReport, Report
from app.reports.services import current_user_id
from app.units.models import Unit
from app.core.vietnamese import _l

# what the secretariat edits of the compiled report
EDITED = ("number", "subject", "issued_on", "intro", "signer_name", "recipients",
          *(key for key, _label in REPORT_SECTIONS))
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI"}
DEFAULT_RECIPIENTS = ("Ban Thi đua – Khen thưởng, Sở Nội vụ tỉnh",
                      "Thường trực Đảng ủy, HĐND xã",
                      "Chủ tịch, các Phó Chủ tịch UBND xã",
                      "Ủy ban MTTQ Việt Nam xã",
                      "Lưu: VT, VHXH")
TABLE_COLUMNS = ("TT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm", "Thực hiện đến kỳ",
                 "Tỷ lệ so với kế hoạch", "Đánh giá")
# the commune report's table: the two columns Vietnamese reports use (issue 16)
PERIOD_COLUMNS = ("TT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm", "Thực hiện trong kỳ",
                  "Lũy kế từ đầu năm", "Tỷ lệ so với kế hoạch", "Đánh giá")


def phrase(period) -> str:
    """How a Vietnamese document names the period: "quý I năm 2026"."""
    if period.kind == "month":
        return f"tháng {period.number:02d} năm {period.year}"
    if period.kind == "quarter":
        return f"quý {ROMAN[period.number]} năm {period.year}"
    if period.kind == "half":
        return f"6 tháng đầu năm {period.year}"
    if period.kind == "year":
        return f"năm {period.year}"
    return period.subject or period.label


def organ_lines(commune_unit_name: str) -> tuple[str, str]:
    """("ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ") from "Ủy ban nhân dân xã Bình Lư"."""
    prefix = "ủy ban nhân dân "
    name = commune_unit_name
    if name.casefold().startswith(prefix):
        name = name[len(prefix):]
    return "ỦY BAN NHÂN DÂN", name.upper()


def place_of(commune_unit_name: str) -> str:
    _, local = organ_lines(commune_unit_name)
    words = local.split(" ", 1)
    return words[1].title() if len(words) == 2 else local.title()


def accepted_reports(period_id: int) -> list[tuple[Report, Unit]]:
    return list(db.session.execute(
        select(Report, Unit).join(Unit, Unit.id == Report.unit_id)
        .where(Report.period_id == period_id, Report.status == "accepted")
        .order_by(Unit.sort_order, Unit.id)))


def compile_sections(reports: list[tuple[Report, Unit]]) -> dict[str, str]:
    """Each section: one paragraph per unit that wrote something, named by the unit."""
    out = {}
    for key, _label in REPORT_SECTIONS:
        paras = []
        for report, unit in reports:
            text = " ".join(line.strip() for line in getattr(report, key).splitlines()
                            if line.strip())
            if text:
                paras.append(f"{unit.short_name or unit.name}: {text}")
        out[key] = "\n".join(paras)
    return out


def compile_report(period, plan, existing: CommuneReport | None, version=None) -> CommuneReport:
    """Create the draft, or compile it again (the secretariat's edits to the sections are
    replaced; number, date, signer and recipients are kept)."""
    reports = accepted_reports(period.id)
    if not reports:
        raise Refused(_l("Chưa có báo cáo nào của đơn vị được duyệt trong kỳ này."), 409)
    sections = compile_sections(reports)
    cr = existing
    before = None
    if cr is None:
        cr = CommuneReport(
            period_id=period.id,
            subject=f"Kết quả thực hiện phong trào thi đua {phrase(period)}",
            signer_name=plan.signer_name if plan else "",
            recipients="\n".join(DEFAULT_RECIPIENTS))
        db.session.add(cr)
    else:
        if version != cr.version:
            raise StaleEdit(_l("Báo cáo của xã vừa được người khác sửa. Vui lòng tải lại "
                               "trang."))
        before = {key: getattr(cr, key) for key, _ in REPORT_SECTIONS}
    plan_ref = f"Kế hoạch số {plan.number} {plan.date_text}".strip() if plan else "Kế hoạch"
    cr.intro = (f"Thực hiện {plan_ref} của Ủy ban nhân dân xã về phát động phong trào thi đua "
                f"năm {period.year}, Ủy ban nhân dân xã báo cáo kết quả thực hiện "
                f"{phrase(period)} như sau:")
    for key, text in sections.items():
        setattr(cr, key, text)
    cr.compiled_at = utcnow()
    cr.updated_by_id = current_user_id()
    db.session.flush()
    record("commune_report.compile", "commune_report", cr.id, before=before,
           after={"period": period.id, "units": [u.slug for _r, u in reports], **sections})
    return cr


NOTHING_ACCEPTED = "chưa có số liệu đã duyệt"
NOTHING_KNOWN = "chưa có số liệu"  # nothing accepted in the year yet: no figure, never 0


def edit_report(cr: CommuneReport, values) -> None:
    """The secretariat's edit of the compiled report, with its audit event; text left
    empty is stored as "" (the issue date as given)."""
    before = snapshot(cr, EDITED)
    for name in EDITED:
        setattr(cr, name, values[name] if name == "issued_on" else (values[name] or ""))
    cr.updated_by_id = current_user_id()
    db.session.flush()
    record("commune_report.edit", "commune_report", cr.id, before=before,
           after=snapshot(cr, EDITED))


def in_period(ind, figures, period) -> str:
    """The commune's figure of the period itself: a flow's amount within it (the year to
    date at its end less that before it), a level as read at its end."""
    t = target_of(ind)
    now = evaluate(t, figures, period.year).current
    if now is None:
        return NOTHING_KNOWN
    if not any(period.starts_on <= f.period_end <= period.ends_on
               for f in counted_figures(t, figures)):
        # nothing of the period accepted yet: a 0 here would be a figure nobody reported
        return NOTHING_ACCEPTED
    if ind.semantics in FLOWS:
        before = evaluate(t, [f for f in figures if f.period_end < period.starts_on],
                          period.year).current or 0
        return fig.show(now - before)
    return fig.show_figure(ind, now) if ind.semantics not in DELTAS else "–"


def indicator_rows(indicators, figures, year, doubtful=frozenset(), period=None) -> list[list[str]]:
    """A row per indicator; with `period`, the period's own figure beside the year to date."""
    rows = []
    for n, ind in enumerate(indicators, 1):
        p = evaluate(target_of(ind), figures.get(ind.id, []), year)
        if ind.id in doubtful:  # a flagged figure awaits the office's check
            p = in_doubt(p)
        if ind.semantics == "yes_no":
            target = "Đạt"
        elif ind.semantics == "count_of_total" and ind.total:
            target = f"{fig.show(ind.target)}/{fig.show(ind.total)}"
        else:
            target = fig.show(ind.target)
        current = fig.show_figure(ind, p.current) if p.current is not None else NOTHING_KNOWN
        pct = f"{fig.show(p.achievement_pct)}%" if p.achievement_pct is not None else "–"
        own = [in_period(ind, figures.get(ind.id, []), period)] if period is not None else []
        rows.append([str(n), f"{ind.code} {ind.name}", ind.unit_of_measure, target, *own,
                     current, pct, STATUS_LABELS[p.status]])
    return rows


def document(cr: CommuneReport, period, commune_unit_name: str, rows) -> bytes:
    body = [cr.intro] if cr.intro else []
    for n, (key, label) in enumerate(REPORT_SECTIONS, 1):
        body.append(decree30.Heading(f"{ROMAN[n]}. {label.upper()}"))
        body.append(getattr(cr, key) or "Không có.")
        if key == "results":
            wide = len(rows[0]) == len(PERIOD_COLUMNS) if rows else True
            body.append(decree30.Table(
                PERIOD_COLUMNS if wide else TABLE_COLUMNS, rows,
                widths_mm=(10, 46, 15, 18, 18, 18, 18, 22) if wide else (10, 52, 18, 20, 22, 20, 23),
                numeric=frozenset({3, 4, 5, 6}) if wide else frozenset({3, 4, 5}),
                caption=f"Kết quả thực hiện các chỉ tiêu đến hết kỳ báo cáo "
                        f"(số liệu đến ngày {period.ends_on:%d/%m/%Y})"))
    return decree30.build(
        organ=organ_lines(commune_unit_name), number=cr.number, symbol="BC-UBND",
        place=place_of(commune_unit_name), on=cr.issued_on, year=period.year,
        doc_type="BÁO CÁO", subject=cr.subject, body=body,
        signer=decree30.Signer(name=cr.signer_name), recipients=cr.recipient_list)


def filename(cr: CommuneReport, period) -> str:
    return f"bao-cao-thi-dua-{period.year}-{period.kind}-{period.number:02d}.docx"
