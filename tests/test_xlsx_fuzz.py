"""Issue #17: a broken spreadsheet never answers 500. The app's own template for a report is
downloaded and damaged — bytes changed inside a part's XML, entries cut short or put in
another order, the file itself cut short or its bytes flipped — and uploaded: the answer is
the import (when what is left still reads as the template) or a 4xx with a Vietnamese
message, never a 500, and a refused upload leaves the report as it was.

FUZZ_EXAMPLES sets the examples (the same variable as tests/test_fuzz_forms.py): 25 by
default to keep the suite fast; FUZZ_EXAMPLES=500 goes deeper."""
import io
import os
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.core.extensions import db
from app.reports.models import Report
from tests.factories import fill, generate, period_id, report_url, text_of
from tests.factories import upload

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
SHEETS = ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/workbook.xml",
          "[Content_Types].xml", "xl/styles.xml")
NASTY = [b"\x00", b"<", b"&", b">", b"]]>", b"\xff\xfe", b"\xc3", b'"', b"<!--", b"</c>",
         b"<c r=\"C5\" t=\"n\"><v>x</v></c>", b"\x1b", b"&#0;", b"&bogus;"]
REFUSED = ("Không đọc được tệp Excel", "không phải bảng tính Excel", "không phải tệp mẫu",
           "Chưa nhập số liệu nào", "cấu trúc bất thường", "Chưa chọn tệp", "mật khẩu",
           "khai báo XML", "đơn vị hoặc kỳ báo cáo khác")


@pytest.fixture
def month1(app):
    generate(app)
    return period_id(app)


def parts(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


def readable(data: bytes) -> bool:
    try:
        parts(data)
    except Exception:  # noqa: BLE001 - any damage that stops zipfile
        return False
    return True


def rezip(entries) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, content in entries:
            zf.writestr(info.filename, content)
    return out.getvalue()


# one damage: (what, where, how) — `where` and `how` are read modulo what they point into
damage = st.one_of(
    st.tuples(st.just("xml"), st.sampled_from(SHEETS), st.integers(0, 10**6),
              st.one_of(st.sampled_from(NASTY), st.binary(min_size=1, max_size=6)),
              st.integers(0, 6)),
    st.tuples(st.just("cut_entry"), st.sampled_from(SHEETS), st.floats(0, 1)),
    st.tuples(st.just("reorder"), st.randoms(use_true_random=False)),
    st.tuples(st.just("cut_file"), st.floats(0, 1)),
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255)),
)


def damaged(data: bytes, how) -> bytes:
    kind = how[0]
    if kind in ("xml", "cut_entry", "reorder") and not readable(data):
        return data  # already no zip to open: nothing left to damage inside it
    if kind == "xml":  # bytes of one part replaced, the zip itself still sound
        _, name, at, new, width = how
        entries = parts(data)
        out = []
        for info, content in entries:
            if info.filename == name and content:
                i = at % len(content)
                content = content[:i] + new + content[i + width:]
            out.append((info, content))
        return rezip(out)
    if kind == "cut_entry":  # one part cut short, stored as if complete
        _, name, keep = how
        return rezip([(info, content[:int(len(content) * keep)] if info.filename == name
                       else content) for info, content in parts(data)])
    if kind == "reorder":
        entries = parts(data)
        how[1].shuffle(entries)
        return rezip(entries)
    if kind == "cut_file":
        return data[:int(len(data) * how[1])]
    _, at, xor = how  # a byte of the file itself changed: bad CRCs, headers, sizes
    if not data:
        return data
    i = at % len(data)
    return data[:i] + bytes([data[i] ^ xor]) + data[i + 1:]


def state(app):
    """What a refused upload must leave as it was: the report and the audit log."""
    with app.app_context():
        report = db.session.execute(select(Report.id, Report.version, Report.figures_draft,
                                           Report.results)).one_or_none()
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        return tuple(report) if report else None, events


def test_a_broken_spreadsheet_is_refused_never_a_500_and_imports_nothing(app, login, month1):
    ban = login("ban01")
    # a draft with text and figures, so the template carries them and a change would show
    assert ban.post(report_url("ban-mau-01", month1),
                    fill(ban, "ban-mau-01", month1, results="Bản nháp")).status_code == 302
    template = ban.get(report_url("ban-mau-01", month1, "template.xlsx")).get_data()

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(hows=st.lists(damage, min_size=1, max_size=3))
    def upload_damaged(hows):
        data = template
        for how in hows:
            data = damaged(data, how)
        before = state(app)
        response = upload(ban, "ban-mau-01", month1, data)
        assert response.status_code in (302, 400, 413, 422), (hows, response.status_code)
        if response.status_code != 302:
            html = text_of(response)
            assert any(reason in html for reason in REFUSED), (hows, html[-2000:])
            assert state(app) == before, hows

    upload_damaged()


def test_a_nul_byte_inside_a_cells_inline_string_is_a_400_not_a_500(app, login, month1):
    """The case of issue #17: the archive is sound, the sheet's XML is not (a NUL byte is
    not allowed in XML), and openpyxl only finds out while reading the sheet."""
    ban = login("ban01")
    template = ban.get(report_url("ban-mau-01", month1, "template.xlsx")).get_data()
    broken = rezip([(info, content.replace(b"<is><t>", b"<is><t>\x00", 1)
                     if info.filename == "xl/worksheets/sheet1.xml" else content)
                    for info, content in parts(template)])
    before = state(app)
    response = upload(ban, "ban-mau-01", month1, broken)
    assert response.status_code == 400
    assert "Không đọc được tệp Excel" in text_of(response)
    assert state(app) == before
