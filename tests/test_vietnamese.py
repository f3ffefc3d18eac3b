"""Vietnamese numbers, dates and text (docs/design.md §3): app/core/vietnamese.py."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.core.vietnamese import (
    VNInputError,
    fold,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    nfc,
    parse_date,
    parse_number,
    parse_optional_date,
    parse_optional_number,
    sort_key,
)

# Letters only found in Vietnamese (a plain-ASCII message would mean it was not translated).
VI_LETTERS = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")


def assert_vietnamese(err: VNInputError) -> str:
    msg = str(err.message)
    assert msg.strip() and VI_LETTERS & set(msg.lower()), msg
    assert str(err) == msg
    return msg


# --- numbers -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("33.515", Decimal("33515")),  # budget revenue, million VND
        ("9.950,3", Decimal("9950.3")),
        ("58,39%", Decimal("58.39")),  # forest cover
        ("58,39 %", Decimal("58.39")),
        ("46", Decimal("46")),
        ("431.531", Decimal("431531")),  # tourist visits
        ("337,2", Decimal("337.2")),
        ("-1,2", Decimal("-1.2")),  # poverty rate reduced by 1,2 points
        ("0,5", Decimal("0.5")),
        (" 1.234 ", Decimal("1234")),
        ("\t92,1%\n", Decimal("92.1")),
        ("1.234.567", Decimal("1234567")),
        ("33515", Decimal("33515")),
        ("87,5", Decimal("87.5")),
        ("0", Decimal("0")),
        ("-0", Decimal("0")),
        ("0,12345", Decimal("0.12345")),
        ("999.999.999.999.999,9999", Decimal("999999999999999.9999")),
    ],
)
def test_parse_number_accepts(text, expected):
    got = parse_number(text)
    assert got == expected and isinstance(got, Decimal)


def test_parse_number_keeps_typed_digits_and_drops_negative_zero():
    assert str(parse_number("16,90")) == "16.90"  # stunting target, written 16,90 %
    assert not parse_number("-0,0").is_signed()


@pytest.mark.parametrize(
    "text, hint",
    [
        ("33.51", "phân cách hàng nghìn"),
        ("1.2.3", "phân cách hàng nghìn"),
        ("0.123", "phân cách hàng nghìn"),  # English 0.123 must not become 123
        ("1..2", "phân cách hàng nghìn"),
        (".5", "phân cách hàng nghìn"),
        ("9,950.3", "tiếng Anh"),
        ("1,2,3", "một dấu phẩy"),
        ("NaN", "NaN"),
        ("nan", "NaN"),
        ("inf", "vô cực"),
        ("-Infinity", "vô cực"),
        ("1e5", "lũy thừa"),
        ("1E5", "lũy thừa"),
        ("٣٣", "0–9"),  # Arabic-Indic
        ("３３", "0–9"),  # full-width
        ("४२", "0–9"),  # Devanagari
        ("12a", "0–9"),
        ("+5", "dấu +"),
        (",5", "dấu phẩy"),
        ("5,", "dấu phẩy"),
        ("1 234", "dấu cách"),
        ("5%%", "cuối số"),
        ("%5", "cuối số"),
        ("--5", "dấu trừ"),
        ("1-2", "dấu trừ"),
        ("−5", "0–9"),  # U+2212 minus sign
        ("", "Chưa nhập"),
        ("   ", "Chưa nhập"),
        ("1.000.000.000.000.000", "quá lớn"),  # 10^15
        ("1" * 41, "quá dài"),
        ("5\x00", "0–9"),
    ],
)
def test_parse_number_rejects_with_vietnamese_message(text, hint):
    with pytest.raises(VNInputError) as info:
        parse_number(text)
    assert hint in assert_vietnamese(info.value)


def test_parse_number_wants_str():
    with pytest.raises(TypeError):
        parse_number(5)


def test_parse_optional_number():
    assert parse_optional_number("") is None
    assert parse_optional_number("  ") is None
    assert parse_optional_number(None) is None
    assert parse_optional_number("1,5") == Decimal("1.5")
    with pytest.raises(VNInputError):
        parse_optional_number("1.5")


def test_message_works_in_a_flask_app_without_babel():
    # Small apps and CLI scripts may not set up Flask-Babel; a message must still render.
    flask = pytest.importorskip("flask")
    with flask.Flask("bare").app_context(), pytest.raises(VNInputError) as info:
        parse_number("33.51")
    assert "hàng nghìn" in str(info.value)


@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (Decimal("9950.3"), None, "9.950,3"),
        (33515, None, "33.515"),
        (Decimal("58.39"), None, "58,39"),
        (Decimal("-1.2"), None, "-1,2"),
        (Decimal("16.90"), None, "16,90"),
        (Decimal("-0"), None, "0"),
        (Decimal("-0.001"), 2, "0,00"),
        (Decimal("1234567.891"), None, "1.234.567,891"),
        (Decimal("1E+3"), None, "1.000"),
        (Decimal("2.5"), 0, "3"),  # half-up, not banker's rounding
        (Decimal("-2.5"), 0, "-3"),
        (Decimal("87.5"), 2, "87,50"),
        (9950.3, None, "9.950,3"),  # float via str(): no 9950.2999…
        (0.1, None, "0,1"),
        (None, None, ""),
        (None, 2, ""),
        (123, None, "123"),
        (-1234, None, "-1.234"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_format_percent():
    assert format_percent(Decimal("58.39")) == "58,39%"
    assert format_percent(Decimal("87.5"), 1) == "87,5%"
    assert format_percent(None) == ""


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), float("nan")])
def test_format_number_refuses_non_finite(bad):
    with pytest.raises(ValueError):
        format_number(bad)


in_range_decimals = st.decimals(
    min_value=Decimal("-999999999999.9999"),
    max_value=Decimal("999999999999.9999"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)


@given(st.one_of(in_range_decimals, st.integers(-(10**12), 10**12).map(Decimal)))
@example(Decimal("-0.0000"))
@example(Decimal("16.90"))
def test_format_then_parse_round_trips(d):
    text = format_number(d)
    assert parse_number(text) == d
    assert parse_number(format_percent(d)) == d


@given(in_range_decimals, st.integers(0, 4))
def test_rounded_format_parses_back(d, places):
    expected = d.quantize(Decimal(10) ** -places, rounding=ROUND_HALF_UP)
    assert parse_number(format_number(d, places)) == expected


def _parses_or_vn_error(text):
    try:
        assert isinstance(parse_number(text), Decimal)
    except VNInputError as e:
        assert str(e.message)


@settings(max_examples=300)
@given(st.text())
def test_parse_number_any_text_only_raises_vninputerror(text):
    _parses_or_vn_error(text)


@settings(max_examples=300)
@given(st.text(st.characters(blacklist_categories=())))  # includes surrogates and controls
def test_parse_number_any_codepoint_only_raises_vninputerror(text):
    _parses_or_vn_error(text)


@settings(max_examples=300)
@given(st.text(alphabet="0123456789.,-+% eE\x00٣", max_size=45))
def test_parse_number_number_like_text_only_raises_vninputerror(text):
    _parses_or_vn_error(text)


@pytest.mark.parametrize("text", ["\x00", "1\x00", "\ud800", "5" * 100_000, " " * 100_000 + "5", "1." * 50_000])
def test_parse_number_hostile_strings(text):
    _parses_or_vn_error(text)


# --- dates ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("15/12/2025", dt.date(2025, 12, 15)),  # year period starts 15/12
        ("14/06/2026", dt.date(2026, 6, 14)),
        ("5/1/2026", dt.date(2026, 1, 5)),
        (" 01/01/2026 ", dt.date(2026, 1, 1)),
        ("29/02/2024", dt.date(2024, 2, 29)),
        ("2026-01-05", dt.date(2026, 1, 5)),  # from <input type="date">
        ("01/01/1900", dt.date(1900, 1, 1)),
        ("31/12/2100", dt.date(2100, 12, 31)),
    ],
)
def test_parse_date_accepts(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text, hint",
    [
        ("31/02/2026", "chỉ có 28 ngày"),
        ("29/02/2100", "chỉ có 28 ngày"),
        ("31/04/2026", "chỉ có 30 ngày"),
        ("0/1/2026", "ngày phải"),
        ("1/13/2026", "tháng phải"),
        ("1/1/1899", "1900"),
        ("1/1/2101", "2100"),
        ("15/12/25", "4 chữ số"),
        ("15-12-2025", "ngày/tháng/năm"),
        ("15.12.2025", "ngày/tháng/năm"),
        ("2026/01/05", "ngày/tháng/năm"),
        ("2026-1-5", "ngày/tháng/năm"),
        ("001/01/2026", "ngày/tháng/năm"),
        ("hôm nay", "ngày/tháng/năm"),
        ("١٥/١٢/٢٠٢٥", "0–9"),
        ("", "Chưa nhập"),
        ("\x00", "ngày/tháng/năm"),
    ],
)
def test_parse_date_rejects_with_vietnamese_message(text, hint):
    with pytest.raises(VNInputError) as info:
        parse_date(text)
    assert hint in assert_vietnamese(info.value)


def test_parse_optional_date():
    assert parse_optional_date("") is None
    assert parse_optional_date(None) is None
    assert parse_optional_date("1/2/2026") == dt.date(2026, 2, 1)


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
def test_date_round_trips(d):
    assert parse_date(format_date(d)) == d
    assert parse_date(d.isoformat()) == d


@given(st.text(st.characters(blacklist_categories=())))
def test_parse_date_any_text_only_raises_vninputerror(text):
    try:
        parse_date(text)
    except VNInputError as e:
        assert str(e.message)


def test_format_date_and_datetime():
    assert format_date(dt.date(2026, 1, 5)) == "05/01/2026"
    assert format_date(None) == ""
    # Naive means UTC; shown in Vietnam time (UTC+7), crossing midnight.
    assert format_datetime(dt.datetime(2025, 12, 31, 20, 30)) == "01/01/2026 03:30"
    utc_minus_5 = dt.timezone(dt.timedelta(hours=-5))
    assert format_datetime(dt.datetime(2026, 1, 1, 20, 30, tzinfo=utc_minus_5)) == "02/01/2026 08:30"
    assert format_datetime(None) == ""


# --- text ----------------------------------------------------------------------------

def test_nfc():
    decomposed = "Nguye\u0302\u0303n"  # ê + tilde as separate marks
    assert nfc(decomposed) == "Nguyễn" and len(nfc(decomposed)) == 6
    assert nfc(None) is None


@pytest.mark.parametrize(
    "query, name",
    [
        ("nguyen", "Nguyễn Văn Đỗ"),
        ("do", "Nguyễn Văn Đỗ"),
        ("nguyen van do", "  Nguyễn   Văn\tĐỗ "),
        ("NGUYỄN", "nguyen"),
        ("dang thi dao", "ĐẶNG THỊ ĐÀO"),
        ("lu", "Bình Lư"),
        ("nguyen", "Nguye\u0302\u0303n"),  # decomposed input
        ("dao", "Ðào"),  # eth mistyped for Đ
    ],
)
def test_fold_matches_without_accents(query, name):
    assert fold(query) in fold(name)


def test_fold_values():
    assert fold("Nguyễn Văn Đỗ") == "nguyen van do"
    assert fold(None) == ""
    assert fold("Bình") != fold("Binh x")


def test_sort_key_orders_the_vietnamese_alphabet():
    names = ["Đỗ", "Dung", "Ân", "An", "Ăn", "Bình", "ba"]
    assert sorted(names, key=sort_key) == ["An", "Ăn", "Ân", "ba", "Bình", "Dung", "Đỗ"]


def test_sort_key_tones_only_break_ties_in_dictionary_order():
    tones = ["Ạnh", "Ánh", "Ãnh", "Ảnh", "Ành", "Anh"]  # nặng … ngang
    assert sorted(tones, key=sort_key) == ["Anh", "Ành", "Ảnh", "Ãnh", "Ánh", "Ạnh"]
    # Letters decide before tones: "Ánh" < "Ăn" because a < ă, whatever the tone.
    assert sorted(["Ăn", "Ánh"], key=sort_key) == ["Ánh", "Ăn"]


def test_sort_key_full_names():
    names = [
        "Vũ Thị Yến", "Đặng Văn Ơn", "Lò Văn Ốm", "Nguyễn Thị Ư", "Nguyễn Thị Út",
        "Ông Văn Bình", "Ô Văn An", "Đào Thị Hà", "Dương Văn Đức", "Lò Thị Xuân", "Ơn Thị Ba",
    ]
    assert sorted(names, key=sort_key) == [
        "Dương Văn Đức", "Đào Thị Hà", "Đặng Văn Ơn", "Lò Thị Xuân", "Lò Văn Ốm",
        "Nguyễn Thị Út", "Nguyễn Thị Ư", "Ô Văn An", "Ông Văn Bình", "Ơn Thị Ba", "Vũ Thị Yến",
    ]


def test_sort_key_is_case_insensitive_and_nfc_insensitive():
    assert sort_key("bình")[:2] == sort_key("BÌNH")[:2]
    assert sort_key("Nguye\u0302\u0303n") == sort_key("Nguyễn")
    assert sorted(["b", "A", "a", "B"], key=sort_key)[:2] in (["A", "a"], ["a", "A"])
