"""Numbers in URLs, read one way for the whole app.

A path's <int:…> is bounded (1 … 2³¹−1, what PostgreSQL's INTEGER holds): anything else is
no route at all, a 404, before a database sees it. A query string's number is read with
query_int(): missing gives the default, a bad or out-of-range one a 400 with a Vietnamese
message; a well-formed number outside the range names nothing, a 404 — never a silent
guess and never a 500.
"""
from flask import request
from werkzeug.routing import IntegerConverter

from app.errors import Refused
from app.vietnamese import _l

ID_MAX = 2**31 - 1
YEAR_MIN, YEAR_MAX = 2000, 2100
_DIGITS_MAX = 10  # more digits than any bounded number has: refused before int()

# what the person reads for each number a page takes in its address
WHAT = {"year": _l("năm"), "page": _l("số trang"), "area": _l("nội dung thi đua"),
        "unit": _l("đơn vị"), "period": _l("kỳ báo cáo")}


class BoundedIntConverter(IntegerConverter):
    """<int:…> with the bounds of a database id unless the rule gives its own."""

    def __init__(self, map, fixed_digits=0, min=1, max=ID_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def install(app) -> None:
    """Before any blueprint adds its rules: every <int:…> of the app is bounded."""
    app.url_map.converters["int"] = BoundedIntConverter


def query_int(name: str, default=None, lo: int = 1, hi: int = ID_MAX):
    """The query string's `name` as an int in [lo, hi]; `default` when absent or empty."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    text = raw.strip()
    digits = text[1:] if text.startswith("-") else text
    if not digits.isascii() or not digits.isdigit():
        raise Refused(_l("Địa chỉ trang không hợp lệ: %(what)s phải là một số nguyên từ "
                         "%(lo)s đến %(hi)s.", what=WHAT.get(name, name), lo=lo, hi=hi), 400)
    if len(digits) > _DIGITS_MAX or not lo <= int(text) <= hi:
        raise Refused(_l("Không tìm thấy: %(what)s %(value)s nằm ngoài khoảng %(lo)s – %(hi)s.",
                         what=WHAT.get(name, name), value=text[:12], lo=lo, hi=hi), 404)
    return int(text)


def query_year(default=None):
    """?year=…, a year the app can hold."""
    return query_int("year", default, YEAR_MIN, YEAR_MAX)
