"""Evidence files (issue 21): what is accepted and refused by its content, what is kept of
it, how it is served, the limits, removal kept in history, the dossier and the backup.

Files are made here with the real libraries (Pillow, python-docx, openpyxl) and sent through
the real routes, on SQLite and PostgreSQL where storage matters."""
import io
import re
import zipfile

import pytest
from docx import Document
from openpyxl import Workbook
from PIL import Image
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.errors import Refused
from app.evidence import content
from app.evidence.models import EvidenceChunk
from app.core.extensions import db
from tests.factories import PDF, docx_bytes, files_of, own_milestone, photo, send

LIMITS = dict(max_side=1600, max_pixels=40_000_000, max_bytes=10 * 1024 * 1024,
              too_big="quá lớn")


# ---- files, made with the real libraries -----------------------------------------------


def xlsx_bytes() -> bytes:
    wb = Workbook()
    wb.active["A1"] = "Danh sách hộ"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---- what the content says, and what is kept -------------------------------------------

@pytest.mark.parametrize("fmt,kind", [("JPEG", "jpeg"), ("PNG", "png"), ("WEBP", "webp")])
def test_an_image_is_scaled_and_written_again_without_exif_or_location(fmt, kind):
    original = photo(fmt=fmt, secret=b"<script>alert(1)</script>")
    kept = content.clean(original, **LIMITS)
    assert kept.kind in (kind, "jpeg")  # a heavy PNG photo becomes a JPEG
    again = Image.open(io.BytesIO(kept.data))
    assert again.size == (kept.width, kept.height) and 1000 < max(again.size) <= 1600
    assert not again.getexif()  # no maker, no GPS
    assert b"MAY-CHUP-BI-MAT" not in kept.data and b"<script>" not in kept.data
    assert len(kept.thumb) <= 10_000 and Image.open(io.BytesIO(kept.thumb)).format == "WEBP"
    if kept.kind == "jpeg":
        assert len(kept.data) <= 300_000


def test_an_upright_photo_stays_upright():
    im = Image.new("RGB", (300, 100), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # the phone was held sideways: rotate 90° to show it
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif.tobytes())
    kept = content.clean(out.getvalue(), **LIMITS)
    assert (kept.width, kept.height) == (100, 300)


@pytest.mark.parametrize("make,kind", [(lambda: PDF, "pdf"), (docx_bytes, "docx"),
                                       (xlsx_bytes, "xlsx")])
def test_documents_are_accepted_by_their_content(make, kind):
    kept = content.clean(make(), **LIMITS)
    assert kept.kind == kind and kept.thumb is None


REFUSED = {
    "gif": (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", 415),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 415),
    "html": (b"<!doctype html><script>alert(1)</script>", 415),
    "exe": (b"MZ\x90\x00" + b"\x00" * 200, 415),
    "text": ("Biên bản".encode(), 415),
    "empty": (b"", 400),
    "zip, not office": (None, 415),
    "docm (macros)": (None, 400),
    "docx with a DTD": (None, 400),
    "broken jpeg": (b"\xff\xd8\xff\xe0" + b"\x00" * 50, 400),
    "pdf without end": (b"%PDF-1.4\n1 0 obj<<>>endobj\n", 400),
    "pdf with javascript": (PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S"
                                        b"/JavaScript/JS(app.alert(1))>>"), 400),
}


def _refused_bytes(name):
    data, status = REFUSED[name]
    if name == "zip, not office":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            zf.writestr("readme.txt", "xin chào")
        data = out.getvalue()
    elif name == "docm (macros)":
        data = docx_bytes({"word/vbaProject.bin": b"\x00" * 100})
    elif name == "docx with a DTD":
        data = docx_bytes({"word/x.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x/>'})
    return data, status


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_every_other_content_is_refused_with_a_reason(name):
    data, status = _refused_bytes(name)
    with pytest.raises(Refused) as refused:
        content.clean(data, **LIMITS)
    assert refused.value.status == status
    assert str(refused.value.message)


def test_decompression_bombs_are_refused():
    # 12 000 × 12 000 pixels (144 megapixels) in a few kilobytes
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    with pytest.raises(Refused) as refused:
        content.clean(out.getvalue(), **LIMITS)
    assert refused.value.status == 413 and "điểm ảnh" in str(refused.value.message)
    # a document whose one part expands 1 000 times: the Excel import's zip checks refuse it
    bomb = docx_bytes({"word/media/zeros.bin": b"\x00" * 30_000_000})
    with pytest.raises(Refused) as refused:
        content.clean(bomb, **LIMITS)
    assert refused.value.status == 413 and "nén quá mức" in str(refused.value.message)


def test_polyglots_lose_their_other_half_or_are_refused():
    # a JPEG that is also a zip (an archive appended): written again, the zip is gone
    hidden = io.BytesIO()
    with zipfile.ZipFile(hidden, "w") as zf:
        zf.writestr("evil.html", "<script>alert(1)</script>")
    kept = content.clean(photo(400, 300, secret=hidden.getvalue()), **LIMITS)
    assert not zipfile.is_zipfile(io.BytesIO(kept.data)) and b"evil.html" not in kept.data
    # a PDF with a page of HTML after its end: cut at %%EOF
    kept = content.clean(PDF + b"<html><script>alert(1)</script></html>", **LIMITS)
    assert kept.data.rstrip().endswith(b"%%EOF") and b"<script>" not in kept.data
    # a PDF carrying a zip inside it, and a .docx with something after its end: refused
    with pytest.raises(Refused):
        content.clean(PDF.replace(b"trailer", hidden.getvalue() + b"trailer"), **LIMITS)
    with pytest.raises(Refused) as refused:
        content.clean(docx_bytes() + b"<html>", **LIMITS)
    assert "gắn thêm" in str(refused.value.message)


# ---- through the routes ----------------------------------------------------------------


def test_attach_list_download_and_remove_on_both_databases(any_app, login):
    mid = own_milestone(any_app)
    c = login("ban01", on=any_app)
    page = f"/milestones/{mid}/files"
    big = photo()
    r = send(c, page, big, "Ảnh họp thôn 1/3.jpg")
    assert r.status_code == 303 and r.headers["Location"].endswith("#evidence-files")
    r = send(c, page, PDF + b"<html>", "Biên bản.pdf")
    assert r.status_code == 303
    [jpg, pdf] = files_of(any_app, mid)
    assert jpg.name == "3.jpg" or jpg.name == "Ảnh họp thôn 1/3.jpg".split("/")[-1]
    assert pdf.name == "Biên bản.pdf" and pdf.disk_name == "bien-ban.pdf"
    html = c.get(page).get_data(as_text=True)
    assert "Biên bản.pdf" in html and "PDF" in html
    # the list names the thumbnail, never the original, as an image
    thumbs = re.findall(r'<img src="([^"]+)"', html)
    assert len(thumbs) == 1 and "thumb.webp?v=" + jpg.sha256[:12] in thumbs[0]
    t = c.get(thumbs[0].replace("&amp;", "&"))
    assert t.status_code == 200 and len(t.get_data()) <= 10_000
    assert "immutable" in t.headers["Cache-Control"] and "max-age=31536000" in t.headers["Cache-Control"]
    # the original, streamed from its chunks: an image inline, a document as an attachment
    d = c.get(f"/evidence/milestone/{jpg.id}")
    body = d.get_data()
    assert d.mimetype == "image/jpeg" and d.headers["Content-Disposition"].startswith("inline")
    assert len(body) == jpg.size < len(big) and Image.open(io.BytesIO(body)).size == (1600, 1200)
    d = c.get(f"/evidence/milestone/{pdf.id}")
    assert d.mimetype == "application/pdf"
    assert d.headers["Content-Disposition"].startswith('attachment; filename="bien-ban.pdf"')
    assert "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n.pdf" in d.headers["Content-Disposition"]
    assert d.headers["X-Content-Type-Options"] == "nosniff"
    assert d.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert b"<html>" not in d.get_data()
    # removed: gone from the list, kept in history and in the log
    r = c.post(f"/evidence/milestone/{pdf.id}/remove", htmx=True,
               headers={"HX-Target": "evidence-block"})
    assert r.status_code == 200 and "Biên bản.pdf" not in r.get_data(as_text=True)
    assert [f.id for f in files_of(any_app, mid)] == [jpg.id]
    assert files_of(any_app, mid, removed=True)[-1].removed_at is not None
    # and its address no longer serves it (kept in the database for the history)
    assert c.get(f"/evidence/milestone/{pdf.id}").status_code == 404
    with any_app.app_context():
        events = [(e.action, e.after or e.before) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "evidence_file").order_by(AuditEvent.id))]
    assert [a for a, _ in events] == ["evidence.attach", "evidence.attach", "evidence.remove"]
    assert pdf.sha256 in events[1][1] and pdf.sha256 in events[2][1]


def test_chunks_hold_a_large_file_in_pieces(app, login):
    mid = own_milestone(app)
    c = login("ban01")
    big = docx_bytes({"word/media/noise.bin": Image.effect_noise((800, 800), 90).tobytes()})
    assert send(c, f"/milestones/{mid}/files", big, "a.docx").status_code == 303
    [f] = files_of(app, mid)
    with app.app_context():
        pieces = db.session.scalars(select(EvidenceChunk.data).where(
            EvidenceChunk.blob_id == f.blob_id).order_by(EvidenceChunk.seq)).all()
    assert len(pieces) == -(-len(big) // (256 * 1024)) > 1 and b"".join(pieces) == big
    assert c.get(f"/evidence/milestone/{f.id}").get_data() == big


def test_a_renamed_file_is_what_its_content_says(app, login):
    mid = own_milestone(app)
    c = login("ban01")
    page = f"/milestones/{mid}/files"
    assert send(c, page, PDF, "anh-chup.jpg").status_code == 303      # a PDF posing as a photo
    assert send(c, page, photo(200, 100), "bien-ban.pdf").status_code == 303  # and the reverse
    r = send(c, page, b"MZ\x90\x00" + b"\x00" * 500, "anh.jpg")      # a program posing as one
    assert r.status_code == 415 and "Chỉ nhận ảnh" in r.get_data(as_text=True)
    pdf, jpg = files_of(app, mid)
    assert (pdf.kind, pdf.disk_name, pdf.name) == ("pdf", "anh-chup.pdf", "anh-chup.jpg")
    assert (jpg.kind, jpg.disk_name) == ("jpeg", "bien-ban.jpg")
    assert c.get(f"/evidence/milestone/{pdf.id}").mimetype == "application/pdf"


def test_names_are_safe_on_disk_and_shown_as_typed(app, login):
    from app.evidence.service import disk_name, typed_name
    assert typed_name("C:\\Users\\Lan\\..\\ảnh.jpg") == typed_name("../../ảnh.jpg") == "ảnh.jpg"
    assert disk_name("Biên bản họp Đảng ủy.pdf", "pdf") == "bien-ban-hop-dang-uy.pdf"
    assert disk_name("....", "jpeg") == "minh-chung.jpg"
    mid = own_milestone(app)
    c = login("ban01")
    typed = "<img src=x onerror=alert(1)>Ảnh đẹp\u202e\x07.png"
    assert send(c, f"/milestones/{mid}/files", photo(300, 200, "PNG"), typed).status_code == 303
    [f] = files_of(app, mid)
    assert f.name == "<img src=x onerror=alert(1)>Ảnh đẹp.png"
    assert re.fullmatch(r"[a-z0-9-]+\.(png|jpg)", f.disk_name)
    html = c.get(f"/milestones/{mid}/files").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;Ảnh đẹp.png" in html and "<img src=x" not in html


def test_limits_answer_413_in_vietnamese(app, login):
    app.config.update(EVIDENCE_MAX_FILE_MB=1, EVIDENCE_MAX_RECORD_FILES=2)
    mid = own_milestone(app)
    c = login("ban01")
    page = f"/milestones/{mid}/files"
    r = send(c, page, b"%PDF-" + b"0" * (1024 * 1024 + 10), "to.pdf")
    assert r.status_code == 413 and "Tệp quá lớn (tối đa 1 MB" in r.get_data(as_text=True)
    # above the request limit the body is refused before it is read, the same way
    r = send(c, page, b"%PDF-" + b"0" * (3 * 1024 * 1024), "to-hon.pdf")
    assert r.status_code == 413 and "Tệp quá lớn" in r.get_data(as_text=True)
    assert send(c, page, PDF, "1.pdf").status_code == 303
    assert send(c, page, PDF + b"%2", "2.pdf").status_code == 303
    r = send(c, page, PDF + b"%3", "3.pdf", htmx=True)
    assert r.status_code == 413 and "mức tối đa" in r.get_data(as_text=True)
    assert len(files_of(app, mid)) == 2


def test_the_same_form_sent_twice_attaches_once(app, login):
    mid = own_milestone(app)
    c = login("ban01")
    page = f"/milestones/{mid}/files"
    token = re.search(r'name="token" type="hidden" value="([^"]+)"',
                      c.get(page).get_data(as_text=True))[1]
    for _ in range(2):  # the outbox, or a retry after the answer was lost
        assert send(c, page, PDF, "b.pdf", token=token).status_code == 303
    assert len(files_of(app, mid)) == 1


def test_a_sent_report_is_closed_to_new_files(app, login):
    from tests.factories import make_records
    ids = make_records(app, ["ban-mau-01"])["ban-mau-01"]
    c = login("ban01")
    assert send(c, f"/reports/{ids['report']}/files", PDF, "a.pdf").status_code == 303
    with app.app_context():
        from app.reports.models import Report
        db.session.get(Report, ids["report"]).status = "submitted"
        db.session.commit()
    r = send(c, f"/reports/{ids['report']}/files", PDF + b"%x", "b.pdf")
    assert r.status_code == 409 and "đã khóa" in r.get_data(as_text=True)


def test_the_dossier_and_the_review_carry_the_evidence(app, login):
    from tests.factories import make_records
    ids = make_records(app, ["ban-mau-01"])["ban-mau-01"]
    office = login("vhxh")
    url = f"/emulation/proposals/{ids['proposal']}/files"
    assert send(office, url, photo(800, 600), "Ảnh lễ.jpg").status_code == 303
    assert send(office, url, docx_bytes(), "Biên bản bình xét.docx").status_code == 303
    r = office.get(f"/emulation/proposals/{ids['proposal']}/dossier.zip")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.get_data())).namelist()
    assert names == ["minh-chung/01-proposal.png", "minh-chung/02-anh-le.jpg",
                     "minh-chung/03-bien-ban-binh-xet.docx"]
    with app.app_context():
        from app.emulation.models import Proposal
        p = db.session.get(Proposal, ids["proposal"])
        p.status = "approved"
        db.session.commit()
    names = zipfile.ZipFile(io.BytesIO(office.get(
        f"/emulation/proposals/{ids['proposal']}/dossier.zip").get_data())).namelist()
    assert names[0].endswith(".docx") and names[0].startswith(("quyet-dinh", "to-trinh"))
    with app.app_context():
        from app.evidence.dossier import of_year_by_unit
        [(unit, files)] = of_year_by_unit(2026)
        assert unit.slug == "ban-mau-01" and [f.name for f in files] == [
            "milestone.png", "report.png", "model.png", "proposal.png", "Ảnh lễ.jpg",
            "Biên bản bình xét.docx"]
    # the review report lists them, unit by unit
    r = office.post("/emulation/reviews/new?year=2026", {"kind": "year"})
    review = r.headers["Location"].rstrip("/").split("/")[-1].split("?")[0]
    docx = Document(io.BytesIO(office.get(f"/emulation/reviews/{review}/report.docx").get_data()))
    cells = [c.text for t in docx.tables for row in t.rows for c in row.cells]
    assert any("Ảnh lễ.jpg (JPEG" in c and "Biên bản bình xét.docx (Word" in c for c in cells)


def test_backup_and_restore_carry_the_files(any_app, login, tmp_path):
    mid = own_milestone(any_app)
    c = login("ban01", on=any_app)
    assert send(c, f"/milestones/{mid}/files", photo(640, 480), "a.jpg").status_code == 303
    [f] = files_of(any_app, mid)
    original = c.get(f"/evidence/milestone/{f.id}").get_data()
    runner = any_app.test_cli_runner()
    target = tmp_path / "backup.bin"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    with any_app.app_context():
        db.session.execute(EvidenceChunk.__table__.delete())
        db.session.commit()
        db.session.remove()
    result = runner.invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    assert "Tệp minh chứng: 1, nội dung khớp SHA-256." in result.output
    assert login("ban01", on=any_app).get(f"/evidence/milestone/{f.id}").get_data() == original
