"""Office files (.xlsx, .docx) are zip archives: checked before any parser opens them.

One set of checks for every upload that is a zip (the report's spreadsheet, evidence files):
its size, that it is a zip at all, a bounded count of entries, expanded size and compression
ratio (a zip bomb), no password, the part that names its kind, and no DTD in any XML part.
"""
from __future__ import annotations

import io
import zipfile

from app.core.errors import Refused
from app.core.vietnamese import _l

MAX_EXPANDED_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 200
MAX_RATIO = 100
# a single part may be compressed harder than the whole (XML is repetitive) up to this size
SMALL_PART = 1_000_000

TOO_PACKED = _l("Tệp có cấu trúc bất thường (nén quá mức); hệ thống không đọc tệp này.")
ENCRYPTED = _l("Tệp được đặt mật khẩu; hãy bỏ mật khẩu rồi tải lên lại.")
HAS_DTD = _l("Tệp chứa khai báo XML không được phép (DOCTYPE/ENTITY); hệ thống không đọc "
             "tệp này.")
UNREADABLE = _l("Không đọc được tệp; hãy lưu lại tệp rồi tải lên lại.")
EMPTY = _l("Chưa chọn tệp hoặc tệp rỗng.")

# A document's XML never declares a DTD; one that does is an entity-expansion attack
# ("billion laughs") or an external-entity probe, refused before any XML parser runs.
DTD_MARKS = tuple(m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY")
                  for enc in ("utf-8", "utf-16-le", "utf-16-be"))


def check_office(data: bytes, *, part: str, not_kind, max_bytes: int, too_big,
                 has_dtd=HAS_DTD, unreadable=UNREADABLE) -> list[zipfile.ZipInfo]:
    """Refuse what is too big, not a zip, a zip bomb, encrypted, without `part` (the entry
    that makes it a workbook or a document: `not_kind` otherwise) or with a DTD; return the
    archive's entries."""
    if len(data) > max_bytes:
        raise Refused(too_big, 413)
    if not data:
        raise Refused(EMPTY, 400)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except Exception:  # noqa: BLE001 - a damaged archive raises many kinds: all mean "not a zip"
        raise Refused(not_kind, 400) from None
    expanded = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if (len(infos) > MAX_ENTRIES or expanded > MAX_EXPANDED_BYTES
            or expanded > MAX_RATIO * max(packed, 1)
            or any(i.file_size > MAX_RATIO * max(i.compress_size, 1) and i.file_size > SMALL_PART
                   for i in infos)):
        raise Refused(TOO_PACKED, 413)
    if any(i.flag_bits & 0x1 for i in infos):
        raise Refused(ENCRYPTED, 400)
    if part not in {i.filename for i in infos}:
        raise Refused(not_kind, 400)
    for content in _parts(data, infos, unreadable):
        if any(mark in content for mark in DTD_MARKS):
            raise Refused(has_dtd, 400)
    return infos


def _parts(data: bytes, infos, unreadable):
    """Each part's bytes, expanded (sizes already bounded above)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in infos:
                if not info.is_dir():
                    with zf.open(info) as part:
                        content = part.read(MAX_EXPANDED_BYTES + 1)
                    yield content
    except Exception:  # noqa: BLE001 - a bad CRC, a cut entry, an unknown compression…
        raise Refused(unreadable, 400) from None
