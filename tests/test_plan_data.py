"""The embedded 2026 plan file says what the source document says, figure by figure.

No app, no database: the TOML is read with tomllib and compared with the copy of the source in
docs/source/. The expected table below was written from the source document by hand, not from
the data file, so a figure mistyped in either place fails here.
"""

import re
import tomllib
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLAN_FILE = ROOT / "app" / "data" / "plan-2026-binh-lu.toml"
SOURCE_FILE = ROOT / "docs" / "source" / "ke-hoach-thi-dua-2026-xa-binh-lu.md"

SEMANTICS = {
    "at_least", "at_most", "reduce_by", "increase_by",
    "sum_flow", "latest_level", "count_of_total", "yes_no",
}
UNIT_KINDS = {
    "commune", "office", "department", "service", "health",
    "school", "front", "organisation", "village",
}

# code: (target, semantics, unit of measure), read off sections III.1–III.6 of the source.
EXPECTED = {
    "III.1-01": (Decimal("100"), "at_least", "%"),            # cadres study the resolutions
    "III.2-01": (Decimal("46"), "latest_level", "triệu đồng/người/năm"),  # income per head
    "III.2-02": (Decimal("2050"), "latest_level", "ha"),      # grain sown area, "khoảng"
    "III.2-03": (Decimal("9950.3"), "sum_flow", "tấn"),       # grain output
    "III.2-04": (Decimal("58.39"), "at_least", "%"),          # forest cover
    "III.2-05": (Decimal("431531"), "sum_flow", "lượt khách"),  # tourist visits
    "III.2-06": (Decimal("337.2"), "sum_flow", "tỷ đồng"),    # tourism and services revenue
    "III.2-07": (Decimal("1.2"), "reduce_by", "điểm %"),      # poverty rate
    "III.2-08": (Decimal("323"), "sum_flow", "lao động"),     # jobs
    "III.2-09": (Decimal("168"), "sum_flow", "lao động"),     # vocational training
    "III.2-10": (Decimal("62.07"), "at_least", "%"),          # trained labour
    "III.3-01": (Decimal("7"), "count_of_total", "trường"),   # schools at national standard, of 8
    "III.3-02": (Decimal("100"), "at_least", "%"),            # enrolment, pre-school
    "III.3-03": (Decimal("100"), "at_least", "%"),            # enrolment, primary
    "III.3-04": (Decimal("97"), "at_least", "%"),             # enrolment, lower secondary
    "III.3-05": (Decimal("1"), "yes_no", ""),                 # national health criteria kept
    "III.3-06": (Decimal("16.90"), "at_most", "%"),           # stunting under 5
    "III.3-07": (Decimal("92.1"), "at_least", "%"),           # health insurance cover
    "III.3-08": (Decimal("94"), "at_least", "%"),             # cultural households
    "III.3-09": (Decimal("100"), "at_least", "%"),            # villages meeting the cultural standard
    "III.3-10": (Decimal("100"), "at_least", "%"),            # villages with a cultural house in use
    "III.4-01": (Decimal("33515"), "sum_flow", "triệu đồng"),  # budget revenue
    "III.5-01": (Decimal("1"), "yes_no", ""),                 # government rated "hoàn thành tốt" or better
    "III.5-02": (Decimal("100"), "at_least", "%"),            # procedures settled on time
}

# Thousands grouped by dots, decimal comma; nothing else. "2050" and "33.51" are refused.
VI_NUMBER = re.compile(r"(0|[1-9]\d{0,2}(\.\d{3})*)(,\d+)?")


def vi_decimal(text):
    """Deliberately tiny and strict; the app's own parser lives elsewhere."""
    assert VI_NUMBER.fullmatch(text), f"not a Vietnamese-format number: {text!r}"
    return Decimal(text.replace(".", "").replace(",", "."))


def collapse(text):
    return " ".join(text.split())


def figure_in(figure, text):
    """The figure stands as a whole number in the text, not as part of a longer one."""
    return re.search(rf"(?<![\d.,]){re.escape(figure)}(?![\d]|[.,]\d)", text) is not None


@pytest.fixture(scope="module")
def plan():
    with PLAN_FILE.open("rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def source():
    text = SOURCE_FILE.read_text(encoding="utf-8")
    return collapse(text)


def test_file_is_nfc_and_declares_its_format(plan):
    text = PLAN_FILE.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert plan["format"] == "thidua-plan/1"


def test_every_target_matches_the_figure_read_from_the_source(plan):
    found = {
        i["code"]: (vi_decimal(i["target"]), i["semantics"], i["unit_of_measure"])
        for i in plan["indicators"]
    }
    assert found == EXPECTED


def test_schools_target_is_seven_of_eight(plan):
    schools = next(i for i in plan["indicators"] if i["code"] == "III.3-01")
    assert vi_decimal(schools["total"]) == Decimal("8")


def test_numbers_are_vietnamese_format_strings(plan):
    for i in plan["indicators"]:
        for key in ("target", "total", "baseline"):
            assert isinstance(i[key], str), (i["code"], key)
            if i[key]:
                vi_decimal(i[key])


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_source_quote_is_verbatim_and_holds_the_figure(plan, source, code):
    ind = next(i for i in plan["indicators"] if i["code"] == code)
    quote = collapse(ind["source"])
    assert quote in source
    if ind["semantics"] == "yes_no":
        return  # the quote states the condition; "1" is the encoding of "kept"
    assert figure_in(ind["target"], quote)
    if ind["total"]:
        assert figure_in(ind["total"], quote)


def test_indicator_shape(plan):
    indicators = plan["indicators"]
    assert len(indicators) >= 20
    codes = [i["code"] for i in indicators]
    assert len(codes) == len(set(codes))
    area_codes = {a["code"] for a in plan["areas"]}
    for i in indicators:
        assert i["semantics"] in SEMANTICS, i["code"]
        assert i["area"] in area_codes, i["code"]
        assert re.fullmatch(re.escape(i["area"]) + r"-\d{2}", i["code"]), i["code"]
        assert i["name"] and i["name"] == i["name"].strip()
        if i["semantics"] == "count_of_total":
            assert i["total"], i["code"]
        else:
            assert i["total"] == "", i["code"]
        if i["semantics"] == "yes_no":
            assert i["target"] == "1" and i["unit_of_measure"] == "", i["code"]


def test_six_content_areas_with_titles_and_text_from_the_source(plan, source):
    areas = plan["areas"]
    assert [a["code"] for a in areas] == [f"III.{n}" for n in range(1, 7)]
    for a in areas:
        assert collapse(a["title"]) in source, a["code"]
        for paragraph in a["body"].split("\n\n"):
            assert collapse(paragraph) in source, a["code"]


def test_text_sections_come_from_the_source(plan, source):
    sections = plan["plan"]["sections"]
    assert [s["key"] for s in sections] == [
        "muc_dich", "yeu_cau", "to_chuc_don_vi", "to_chuc_mttq", "to_chuc_vhxh",
    ]
    for s in sections:
        heading = s["heading"].split(". ", 1)[1]
        assert heading in source, s["key"]
        for paragraph in s["body"].split("\n\n"):
            assert paragraph.strip() and collapse(paragraph) in source, s["key"]


def test_units_link_up(plan):
    units = plan["units"]
    slugs = [u["slug"] for u in units]
    assert len(slugs) == len(set(slugs))
    known = set(slugs)
    for u in units:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", u["slug"]), u["slug"]
        assert u["kind"] in UNIT_KINDS, u["slug"]
        assert u["parent"] == "" or u["parent"] in known, u["slug"]
    roots = {u["slug"] for u in units if u["parent"] == ""}
    assert roots == {"ubnd-xa", "mttq"}


def test_every_referenced_slug_exists(plan):
    known = {u["slug"] for u in plan["units"]}
    for a in plan["areas"]:
        assert a["lead"] in known, a["code"]
    for i in plan["indicators"]:
        assert i["lead"] in known, i["code"]
        assert set(i["contributors"]) <= known, i["code"]
        assert i["lead"] not in i["contributors"], i["code"]


def test_plan_header_is_quoted_from_the_source(plan, source):
    p = plan["plan"]
    assert p["year"] == 2026
    for key in ("title", "basis", "theme", "number", "date_text", "signer_name"):
        assert collapse(p[key]) in source, key
    assert f"“{p['theme']}”" in source
    assert p["signer_title"].upper() in source  # printed as "CHỦ TỊCH"
    for recipient in p["recipients"]:
        assert f"- {recipient};" in source or f"- {recipient}." in source, recipient
    assert plan["commune"]["committee"] in source
    assert f"tỉnh {plan['commune']['province']}" in source
    assert f"xã {plan['commune']['name']}" in source
