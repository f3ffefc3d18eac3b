"""What an upload is, from its bytes alone, and the bytes kept (docs/design.md §6).

The name and the browser's Content-Type are never believed: the first bytes say JPEG, PNG,
WebP, PDF or a zip; a zip must be a .docx or .xlsx passing app/core/archives.py's checks. Images
are decoded and written again by Pillow (EXIF and GPS gone, anything appended gone, scaled
to the longest side allowed); a PDF loses what follows its last %%EOF; a zip with anything
around it (a polyglot) is refused. What cannot be read is refused with a 4xx, never a 500.

Active content is looked for as a reader finds it, not as bytes: a PDF is parsed (qpdf,
through pikepdf) and every object is read — names with #xx escapes decoded, objects inside
compressed object streams, the Names tree — and an Office file is read by its content types,
its parts' first bytes and its relationships, not by its parts' names.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import io
import math
import re
import struct
import zipfile
import warnings
from dataclasses import dataclass
from typing import Optional

import pikepdf
from defusedxml import ElementTree
from PIL import Image, ImageOps

from app.core import archives
from app.core.errors import Refused
from app.core.vietnamese import _l

ACCEPTED = _l("Chỉ nhận ảnh (JPEG, PNG, WebP), PDF, Word (.docx) và Excel (.xlsx).")
NOT_DOCUMENT = _l("Tệp không phải văn bản Word (.docx) hay bảng tính Excel (.xlsx).")
BROKEN_IMAGE = _l("Không đọc được ảnh; hãy chụp hoặc lưu lại ảnh rồi tải lên lại.")
BROKEN_PDF = _l("Tệp PDF bị hỏng hoặc không đầy đủ.")
ACTIVE_PDF = _l("Tệp PDF có mã chạy tự động hoặc tệp đính kèm bên trong; hãy in lại thành "
                "PDF thường rồi tải lên.")
MACROS = _l("Tệp có macro; hãy lưu lại thành .docx hoặc .xlsx thường rồi tải lên.")
EMBEDDED = _l("Tệp có đối tượng nhúng (OLE); hãy bỏ đối tượng đó hoặc lưu lại thành .docx, "
              ".xlsx thường rồi tải lên.")
REMOTE = _l("Tệp lấy mẫu hoặc nội dung từ một địa chỉ bên ngoài; hãy lưu lại thành tệp "
            "thường (không gắn mẫu) rồi tải lên.")
POLYGLOT = _l("Tệp có dữ liệu lạ gắn thêm vào; hãy lưu lại tệp rồi tải lên lại.")
HUGE_IMAGE = _l("Ảnh có kích thước điểm ảnh quá lớn; hãy chụp lại ở độ phân giải thấp hơn.")

THUMB_SIDE = 160
THUMB_BYTES = 10_000
TARGET_BYTES = 300_000  # what a re-encoded photo aims at, as the browser does
# what a PDF reader runs, opens or sends by itself: as a key or as an action's type
PDF_ACTIVE = frozenset(f"/{n}" for n in (
    "JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "RichMedia", "XFA",
    "SubmitForm", "ImportData", "GoToE"))
PDF_MAX_OBJECTS = 200_000  # a 10 MB PDF has a few thousand; more is an attack on the parser
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: VBA, an embedded object
MACRO_TYPES = re.compile(r"macroEnabled|vbaProject|vbaData|ms-office\.activeX", re.I)
# relationships a reader follows by itself to another address when it opens the file
REMOTE_LINKS = ("/attachedTemplate", "/subDocument", "/oleObject", "/frame", "/package")
OFFICE_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


@dataclass
class Cleaned:
    kind: str
    data: bytes
    width: Optional[int] = None
    height: Optional[int] = None
    thumb: Optional[bytes] = None


def identify(data: bytes) -> str:
    """The kind the first bytes say, or a 415."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    raise Refused(ACCEPTED, 415)


def give_memory_back() -> None:
    """After a large image: collect the picture's objects and hand freed heap back to the
    system (glibc keeps it otherwise, and a worker stayed at 1,2 GB after a few uploads)."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


_LIBC = _libc()
# Pillow keeps freed image blocks for reuse; a decoded photo is freed at once instead
Image.core.set_blocks_max(0)


def clean(data: bytes, *, max_side: int, max_pixels: int, max_bytes: int,
          too_big) -> Cleaned:
    if not data:
        raise Refused(archives.EMPTY, 400)
    kind = identify(data)
    if kind == "zip":
        return _office(data, max_bytes, too_big)
    if kind == "pdf":
        return Cleaned("pdf", _pdf(data))
    return _image(data, kind, max_side, max_pixels)


# ---- images -------------------------------------------------------------------------

FORMAT = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


def _image(data: bytes, kind: str, max_side: int, max_pixels: int) -> Cleaned:
    try:
        with warnings.catch_warnings():
            # a DecompressionBombWarning is a refusal here, not a note in the log
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[FORMAT[kind]]) as im:
                if im.width * im.height > max_pixels:
                    raise Refused(HUGE_IMAGE, 413)
                im.seek(0)  # an animation keeps its first frame
                shrink = max_side / max(im.width, im.height)
                if kind == "jpeg" and shrink < 1:
                    # decode at the smallest scale (1/2 … 1/8) whose longest side is still
                    # max_side: a 12-megapixel phone photo costs a quarter of its pixels
                    im.draft("RGB", (math.ceil(im.width * shrink), math.ceil(im.height * shrink)))
                im.load()
                picture = ImageOps.exif_transpose(im)  # upright, before the EXIF goes
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(HUGE_IMAGE, 413) from None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds on a damaged file
        raise Refused(BROKEN_IMAGE, 400) from None
    alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    picture = picture.convert("RGBA" if alpha else "RGB")
    picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out_kind, body = _encode(picture, kind, alpha)
    with Image.open(io.BytesIO(body)) as written:
        width, height = written.size
    return Cleaned(out_kind, body, width, height, thumbnail(picture))


def _encode(picture, kind: str, alpha: bool) -> tuple[str, bytes]:
    """Written anew, with nothing of the original's metadata; a PNG photo that stays heavy
    becomes a JPEG."""
    if kind == "png" or (kind == "webp" and alpha):
        body = _save(picture, kind.upper() if kind == "png" else "WEBP", optimize=True,
                     **({"quality": 80} if kind == "webp" else {}))
        if alpha or len(body) <= TARGET_BYTES:
            return kind, body
        kind = "jpeg"
    fmt, picture = FORMAT[kind], picture.convert("RGB")
    for _round in range(4):
        for quality in (82, 70, 58, 46):
            body = _save(picture, fmt, quality=quality, optimize=True)
            if len(body) <= TARGET_BYTES:
                return kind, body
        # a picture full of fine detail: fewer pixels rather than worse ones
        picture = picture.resize((picture.width * 4 // 5, picture.height * 4 // 5),
                                 Image.Resampling.LANCZOS)
    return kind, body


def _save(picture, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    picture.save(out, fmt, **options)
    return out.getvalue()


def thumbnail(picture) -> bytes:
    """A WebP of at most THUMB_SIDE px, under THUMB_BYTES."""
    small = picture.copy()
    small.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    for quality in (60, 45, 30, 15):
        body = _save(small, "WEBP", quality=quality, method=6)
        if len(body) <= THUMB_BYTES:
            return body
    small.thumbnail((THUMB_SIDE // 2, THUMB_SIDE // 2))
    return _save(small, "WEBP", quality=15)


# ---- PDF ----------------------------------------------------------------------------

def _pdf(data: bytes) -> bytes:
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise Refused(BROKEN_PDF, 400)
    # whatever follows the last end-of-file mark is not the PDF: a polyglot's other half
    kept = data[:end + 5] + b"\n"
    if _ends_as_zip(kept):
        raise Refused(POLYGLOT, 400)
    if _pdf_is_active(kept):
        raise Refused(ACTIVE_PDF, 400)
    return kept


def _pdf_is_active(data: bytes) -> bool:
    """Whether any object of the PDF, as qpdf reads it, names an active feature."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for n, obj in enumerate(pdf.objects):
                if n > PDF_MAX_OBJECTS:
                    raise Refused(BROKEN_PDF, 400)
                if _names_active(obj):
                    return True
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - qpdf raises many kinds on a damaged file
        raise Refused(BROKEN_PDF, 400) from None
    return False


def _names_active(obj) -> bool:
    """A dictionary (or a stream's) whose keys or name values, or an array whose names,
    are active; nested direct objects are read too (indirect ones come in their own turn)."""
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, pikepdf.Dictionary):
        if any(key in PDF_ACTIVE for key in obj.keys()):
            return True
        values = (obj.get(key) for key in obj.keys())
    elif isinstance(obj, pikepdf.Array):
        values = iter(obj)
    else:
        return False
    for value in values:
        if isinstance(value, pikepdf.Name) and str(value) in PDF_ACTIVE:
            return True
        if (isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect
                and _names_active(value)):
            return True
    return False


def _ends_as_zip(data: bytes) -> bool:
    return data.rfind(b"PK\x05\x06") >= 0 and data.rfind(b"PK\x01\x02") >= 0


# ---- Office -------------------------------------------------------------------------

def _office(data: bytes, max_bytes: int, too_big) -> Cleaned:
    _whole_zip(data)
    infos = None
    for kind, part in OFFICE_PART.items():
        try:
            infos = archives.check_office(data, part=part, not_kind=NOT_DOCUMENT,
                                          max_bytes=max_bytes, too_big=too_big)
        except Refused as refused:
            if refused.message is not NOT_DOCUMENT:
                raise
            continue
        _inactive_office(data, infos)
        return Cleaned(kind, data)
    raise Refused(NOT_DOCUMENT, 415)


def _inactive_office(data: bytes, infos) -> None:
    """Refuse macros and embedded programs however their parts are named (by the content
    types the package declares and by what the parts begin with), and links a reader would
    follow by itself to another address (a remote template, a linked object)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in infos:
            if info.is_dir():
                continue
            name = info.filename
            if name.lower().endswith("vbaproject.bin"):
                raise Refused(MACROS, 400)
            with zf.open(info) as part:
                head = part.read(len(OLE_MAGIC))
            if head == OLE_MAGIC:
                vba = "vba" in name.lower()
                raise Refused(MACROS if vba else EMBEDDED, 400)
            if name == "[Content_Types].xml" or name.endswith(".rels"):
                _office_xml(name, zf.read(info))


def _office_xml(name: str, xml: bytes) -> None:
    try:
        root = ElementTree.fromstring(xml)
    except Exception:  # noqa: BLE001 - defusedxml refuses or fails in several ways
        raise Refused(archives.UNREADABLE, 400) from None
    for el in root.iter():
        if name == "[Content_Types].xml":
            if MACRO_TYPES.search(el.get("ContentType", "")):
                raise Refused(MACROS, 400)
        elif (el.get("TargetMode", "").lower() == "external"
              and el.get("Type", "").endswith(REMOTE_LINKS)):
            raise Refused(REMOTE, 400)


def _whole_zip(data: bytes) -> None:
    """A zip whose end record is not the file's end carries something else after it."""
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(data):
        raise Refused(NOT_DOCUMENT, 415)
    (comment,) = struct.unpack("<H", data[at + 20:at + 22])
    if at + 22 + comment != len(data):
        raise Refused(POLYGLOT, 400)
