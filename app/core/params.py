"""Numbers in URLs, read one way for the whole app.

A path's <int:…> is bounded (1 … 2³¹−1, what PostgreSQL's INTEGER holds): anything else is
no route at all, a 404, before a database sees it. A query string's number is read with
query_int(): missing gives the default, a bad or out-of-range one a 400 with a Vietnamese
message; a well-formed number outside the range names nothing, a 404 — never a silent
guess and never a 500.
"""
from flask import request
from werkzeug.routing import IntegerConverter

from app.core.errors import Refused
from app.core.vietnamese import _l

ID_MAX = 2**31 - 1
YEAR_MIN, YEAR_MAX = 2000, 2100
_DIGITS_MAX = 10  # more digits than any bounded number has: refused before int()

# what the person reads for each number a page takes in its address
WHAT = {"year": _l("năm"), "page": _l("số trang"), "area": _l("nội dung thi đua"),
        "unit": _l("đơn vị"), "period": _l("kỳ báo cáo")}


def _up_to(top: int) -> str:
    """A pattern for exactly the numbers 1 … top, written without leading zeros."""
    digits = str(top)
    parts = [rf"[1-9]\d{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for i, d in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(d) > low:
            rest = len(digits) - i - 1
            parts.append(f"{digits[:i]}[{low}-{int(d) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    parts.append(digits)
    return "|".join(parts)


class BoundedIntConverter(IntegerConverter):
    """<int:…> with the bounds of a database id unless the rule gives its own."""

    def __init__(self, map, fixed_digits=0, min=1, max=ID_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
        if min == 1 and not fixed_digits and not signed:
            # the path itself refuses what is out of range: refused later, in to_python(),
            # werkzeug had already noted the GET rule on the same path and answered 405
            self.regex = f"(?:{_up_to(max)})"


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
