"""Vietnamese numbers, dates and text (docs/design.md §3), as plain functions.

Numbers are written ``9.950,3`` (dot groups thousands, comma is the decimal mark) and
dates ``dd/mm/yyyy``. Parsing is strict: anything ambiguous is a :class:`VNInputError`
with a Vietnamese message, never a guess. Everything uses :class:`decimal.Decimal`.

Nothing here needs a Flask app or request. Messages are marked with ``_l`` (extract with
``pybabel extract -k _l``); their msgids are the Vietnamese text.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal

from flask_babel import LazyString
from app.core.i18n import gettext as _catalogue_gettext

__all__ = [
    "VNInputError",
    "parse_number",
    "parse_optional_number",
    "format_number",
    "format_percent",
    "parse_date",
    "parse_optional_date",
    "format_date",
    "format_datetime",
    "nfc",
    "fold",
    "sort_key",
    "MAX_NUMBER_LENGTH",
    "MAX_ABS_NUMBER",
]


# --- translation ---------------------------------------------------------------------

def _gettext_or_msgid(msgid: str, **variables) -> str:
    # flask_babel works outside an app context, but raises KeyError('babel') inside an
    # app that has not initialised Babel (small test apps, CLI); fall back to the msgid.
    try:
        return _catalogue_gettext(msgid, **variables)
    except (KeyError, RuntimeError):
        return msgid % variables if variables else msgid


def _l(msgid: str, **variables) -> LazyString:
    """Lazy, translatable message whose str() never fails."""
    return LazyString(_gettext_or_msgid, msgid, **variables)


class VNInputError(ValueError):
    """Input a Vietnamese reader typed cannot be read; ``.message`` says why, in Vietnamese."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


# --- numbers -------------------------------------------------------------------------

MAX_NUMBER_LENGTH = 40
MAX_ABS_NUMBER = Decimal(10) ** 15  # exclusive bound

# Optional '-', integer part plain ("33515") or dot-grouped ("33.515", first group without
# a leading zero so "0.123" is not read as 123), optional ",digits", optional " %" or "%".
_NUMBER_RE = re.compile(
    r"(?P<sign>-?)"
    r"(?P<int>[1-9][0-9]{0,2}(?:\.[0-9]{3})+|[0-9]+)"
    r"(?:,(?P<frac>[0-9]+))?"
    r"(?: ?%)?"
)
_EXPONENT_RE = re.compile(r"[-+]?[0-9.,]*[0-9][eE][-+]?[0-9]+%?")
_NON_FINITE = {"nan", "snan", "qnan", "inf", "infinity", "∞"}

def _number_error(s: str) -> VNInputError:
    """Pick the most specific message for a string that failed _NUMBER_RE."""
    if any(not ("0" <= ch <= "9") and (ch.isdigit() or ch.isnumeric()) for ch in s):
        return VNInputError(_l("Số không hợp lệ: chỉ dùng chữ số 0–9."))
    if s.lstrip("+-").strip().casefold() in _NON_FINITE:
        return VNInputError(_l(
            "Không phải là một số: hãy nhập chữ số 0–9 (không nhập NaN hay vô cực)."
        ))
    if _EXPONENT_RE.fullmatch(s):
        return VNInputError(_l(
            "Số không hợp lệ: không dùng dạng lũy thừa (như 1e5); hãy viết đủ các chữ số."
        ))
    if s.startswith("+"):
        return VNInputError(_l("Số không hợp lệ: không cần dấu + ở đầu số."))
    if "," in s and "." in s and s.rfind(".") > s.find(","):
        return VNInputError(_l(
            "Số không hợp lệ: có vẻ đang viết theo kiểu tiếng Anh. Ở Việt Nam dấu chấm phân "
            "cách hàng nghìn, dấu phẩy là dấu thập phân (ví dụ 9.950,3 chứ không phải 9,950.3)."
        ))
    if s.count(",") > 1:
        return VNInputError(_l("Số không hợp lệ: chỉ có một dấu phẩy thập phân (ví dụ 9.950,3)."))
    if "%" in s.rstrip("%").rstrip() or s.count("%") > 1:
        return VNInputError(_l(
            "Số không hợp lệ: dấu phần trăm chỉ đặt một lần, ở cuối số (ví dụ 58,39%)."
        ))
    if re.search(r"[0-9]\s+[0-9]", s):
        return VNInputError(_l(
            "Số không hợp lệ: không để dấu cách giữa các chữ số; dùng dấu chấm để phân cách "
            "hàng nghìn (ví dụ 1.234)."
        ))
    allowed = set("0123456789.,-% ")
    if any(ch not in allowed for ch in s):
        return VNInputError(_l(
            "Số không hợp lệ: chỉ dùng chữ số 0–9, dấu chấm, dấu phẩy và dấu trừ."
        ))
    if "," in s:
        before, _, after = s.lstrip("-").partition(",")
        if not before[-1:].isdigit() or not after[:1].isdigit():
            return VNInputError(_l(
                "Số không hợp lệ: cần có chữ số ở cả hai bên dấu phẩy (ví dụ 0,5)."
            ))
    if "-" in s.lstrip("-") or s.startswith("--"):
        return VNInputError(_l("Số không hợp lệ: dấu trừ chỉ đặt một lần, ở đầu số (ví dụ -1,2)."))
    if "." in s:
        return VNInputError(_l(
            "Số không hợp lệ: dấu chấm chỉ dùng để phân cách hàng nghìn (ví dụ 33.515), "
            "dấu phẩy là dấu thập phân (ví dụ 9.950,3)."
        ))
    return VNInputError(_l("Số không hợp lệ: hãy viết như 33.515 hoặc 9.950,3."))


def parse_number(text: str) -> Decimal:
    """Read a Vietnamese-formatted number strictly.

    ``"33.515"`` → 33515, ``"9.950,3"`` → Decimal("9950.3"), ``"58,39 %"`` → Decimal("58.39").
    The Decimal keeps the digits typed (``"16,90"`` → Decimal("16.90")). Raises
    :class:`VNInputError` — and nothing else — for any str that is not such a number.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_number expects str, got {type(text).__name__}")
    s = text.strip()
    if not s:
        raise VNInputError(_l("Chưa nhập số."))
    if len(s) > MAX_NUMBER_LENGTH:
        raise VNInputError(_l("Số quá dài (tối đa %(n)s ký tự).", n=MAX_NUMBER_LENGTH))
    m = _NUMBER_RE.fullmatch(s)
    if m is None:
        raise _number_error(s)
    digits = m["int"].replace(".", "") + ("." + m["frac"] if m["frac"] else "")
    value = Decimal(m["sign"] + digits)  # exact: the string is at most 40 ASCII chars
    if abs(value) >= MAX_ABS_NUMBER:
        raise VNInputError(_l("Số quá lớn."))
    return value.copy_abs() if value.is_zero() else value  # "-0" is just 0


def parse_optional_number(text: str | None) -> Decimal | None:
    """Like :func:`parse_number`, but blank (or None) means "no value" → None."""
    if text is None or not text.strip():
        return None
    return parse_number(text)


_WIDE = Context(prec=200)  # quantize must never run out of precision


def _to_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(str(value))  # str() gives the short repr: 9950.3, not 9950.299999…
    else:
        raise TypeError(f"cannot format {type(value).__name__} as a number")
    if not d.is_finite():
        raise ValueError(f"cannot format non-finite number {d}")
    return d


def format_number(value, decimals: int | None = None) -> str:
    """Format as Vietnamese: ``Decimal("9950.3")`` → ``"9.950,3"``; None → ``""``.

    With ``decimals=None`` the Decimal's own digits are kept (``Decimal("16.90")`` →
    ``"16,90"``); otherwise round half-up to that many places. ``-0`` prints as ``0``.
    For finite d with |d| < 10^15 and a result of at most 40 characters,
    ``parse_number(format_number(d)) == d``.
    """
    if value is None:
        return ""
    d = _to_decimal(value)
    if decimals is not None:
        d = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=_WIDE)
    if d.is_zero():
        d = d.copy_abs()
    sign = "-" if d.is_signed() else ""
    int_part, _, frac = format(d.copy_abs(), "f").partition(".")
    groups = []
    while len(int_part) > 3:
        groups.insert(0, int_part[-3:])
        int_part = int_part[:-3]
    groups.insert(0, int_part)
    return sign + ".".join(groups) + ("," + frac if frac else "")


def format_percent(value, decimals: int | None = None) -> str:
    """``Decimal("58.39")`` → ``"58,39%"`` (value is already in percent); None → ``""``."""
    return "" if value is None else format_number(value, decimals) + "%"


# --- dates ---------------------------------------------------------------------------

_DMY_RE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ISO_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SHORT_YEAR_RE = re.compile(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}")
MIN_YEAR, MAX_YEAR = 1900, 2100


def parse_date(text: str) -> _dt.date:
    """Read a date written ``dd/mm/yyyy`` (day and month may have one digit: ``5/1/2026``).

    ISO ``yyyy-mm-dd`` is accepted too, because HTML ``<input type="date">`` sends it.
    The year must be 1900–2100 and the date must exist; otherwise :class:`VNInputError`.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_date expects str, got {type(text).__name__}")
    s = text.strip()
    if not s:
        raise VNInputError(_l("Chưa nhập ngày."))
    if len(s) > 40:  # no date is this long; say so before looking at each character
        raise VNInputError(_l("Ngày không hợp lệ: hãy viết theo dạng ngày/tháng/năm, ví dụ 15/12/2026."))
    if m := _DMY_RE.fullmatch(s):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO_RE.fullmatch(s):
        year, month, day = (int(g) for g in m.groups())
    elif any(not ("0" <= ch <= "9") and ch.isdigit() for ch in s):
        raise VNInputError(_l("Ngày không hợp lệ: chỉ dùng chữ số 0–9."))
    elif _SHORT_YEAR_RE.fullmatch(s):
        raise VNInputError(_l("Ngày không hợp lệ: năm phải viết đủ 4 chữ số (ví dụ 15/12/2026)."))
    else:
        raise VNInputError(_l("Ngày không hợp lệ: hãy viết theo dạng ngày/tháng/năm, ví dụ 15/12/2026."))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise VNInputError(_l("Năm phải từ %(lo)s đến %(hi)s.", lo=MIN_YEAR, hi=MAX_YEAR))
    if not 1 <= month <= 12:
        raise VNInputError(_l("Ngày không hợp lệ: tháng phải từ 1 đến 12."))
    first_next = _dt.date(year + month // 12, month % 12 + 1, 1)
    days_in_month = (first_next - _dt.timedelta(days=1)).day
    if day < 1:
        raise VNInputError(_l("Ngày không hợp lệ: ngày phải từ 1 trở lên."))
    if day > days_in_month:
        raise VNInputError(_l(
            "Ngày không hợp lệ: tháng %(month)s năm %(year)s chỉ có %(days)s ngày.",
            month=month, year=year, days=days_in_month,
        ))
    return _dt.date(year, month, day)


def parse_optional_date(text: str | None) -> _dt.date | None:
    """Like :func:`parse_date`, but blank (or None) → None."""
    if text is None or not text.strip():
        return None
    return parse_date(text)


def format_date(d: _dt.date | None) -> str:
    """``date(2026, 1, 5)`` → ``"05/01/2026"``; None → ``""``."""
    return "" if d is None else f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    VN_TZ: _dt.tzinfo = ZoneInfo("Asia/Ho_Chi_Minh")
except (ImportError, ZoneInfoNotFoundError):  # no tz database (e.g. Windows without tzdata)
    VN_TZ = _dt.timezone(_dt.timedelta(hours=7), "ICT")  # Vietnam has been UTC+7 since 1975


def today() -> _dt.date:
    """Today in Vietnam, whatever the server's zone: deadlines are Vietnamese dates."""
    return _dt.datetime.now(VN_TZ).date()


def local_date(instant: _dt.datetime) -> _dt.date:
    """The Vietnamese calendar date of a stored UTC instant (naive means UTC)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=_dt.timezone.utc)
    return instant.astimezone(VN_TZ).date()


def format_datetime(dt: _dt.datetime | None) -> str:
    """Show a stored instant in Vietnam time, ``"dd/mm/yyyy HH:MM"``; naive means UTC."""
    if dt is None:
        return ""
    if dt.tzinfo is None or dt.utcoffset() is None:
        dt = dt.replace(tzinfo=_dt.timezone.utc)
    local = dt.astimezone(VN_TZ)
    return f"{format_date(local)} {local.hour:02d}:{local.minute:02d}"


# --- text ----------------------------------------------------------------------------

def nfc(s: str | None) -> str | None:
    """NFC-normalise (the one form stored everywhere); None stays None."""
    return None if s is None else unicodedata.normalize("NFC", s)


# Đ does not decompose under NFD; Ð/ð (Icelandic eth) is a common mistyping of Đ/đ.
_D_MAP = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def fold(s: str | None) -> str:
    """Accent- and case-insensitive search form: ``"Nguyễn Văn Đỗ"`` → ``"nguyen van do"``.

    None → ``""`` so ``fold(q) in fold(name)`` never fails.
    """
    if s is None:
        return ""
    decomposed = unicodedata.normalize("NFD", s)
    base = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(base.translate(_D_MAP).casefold().split())


# Vietnamese alphabet, with f j w z (foreign names) where the Latin alphabet puts them.
_ALPHABET = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
_LETTER_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}
_LETTER_RANK["ð"] = _LETTER_RANK["đ"]
_VOWEL_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)
# Tone order as in Vietnamese dictionaries: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def sort_key(s: str | None) -> tuple:
    """Key that sorts as a Vietnamese reader expects, case-insensitively.

    Letters compare in the Vietnamese alphabet (a ă â b c d đ e ê g …), with a space before
    any letter so "An Bình" < "Anh"; tones only break ties, in the order ngang, huyền,
    hỏi, ngã, sắc, nặng. The NFC text is the last tie-break, so sorting is deterministic.
    """
    if s is None:
        s = ""
    text = " ".join(s.split())
    primary: list[tuple[int, int]] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", text.casefold()):
        if unicodedata.category(ch) == "Mn":
            if ch in _TONE_RANK and tones:
                tones[-1] = _TONE_RANK[ch]
            elif ch in _VOWEL_MARKS and primary and primary[-1][0] == 2:
                letter = _ALPHABET[primary[-1][1]] + ch
                rank = _LETTER_RANK.get(unicodedata.normalize("NFC", letter))
                if rank is not None:
                    primary[-1] = (2, rank)
            continue
        if ch == " ":
            primary.append((0, 0))
        elif "0" <= ch <= "9":
            primary.append((1, ord(ch)))
        elif ch in _LETTER_RANK:
            primary.append((2, _LETTER_RANK[ch]))
        else:
            primary.append((3, ord(ch)))
        tones.append(0)
    return (tuple(primary), tuple(tones), unicodedata.normalize("NFC", text))
