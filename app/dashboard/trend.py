"""A tiny trend line drawn on the server as inline SVG: no chart library, no JavaScript,
nothing to download. Colour comes from the status class (currentColor); the dashed line is
what is due — the target for a level, the pace of the year for a flow or a delta — so the
drawing reads in black and white too. The <title> says the same in words."""
from datetime import date
from decimal import Decimal
from typing import Optional, Sequence

from markupsafe import Markup, escape

from app.plans.progress import DELTAS, FLOWS, year_bounds
from app.core.vietnamese import _l, format_date, format_number

W, H, PAD = 96, 24, 2  # the dashboard's size; the indicator page draws a larger one
MAX_TITLE_POINTS = 6


def _x(d: date, year: int, w: int) -> float:
    start, end = year_bounds(year)
    share = min(max((d - start).days + 1, 0), (end - start).days + 1) / ((end - start).days + 1)
    return PAD + share * (w - 2 * PAD)


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def sparkline(points: Sequence[tuple[date, Decimal]], *, year: int, semantics: str,
              target: Optional[Decimal], status: str, label: str = "", w: int = W,
              h: int = H) -> Markup:
    """SVG for a series of (period end, figure to date); empty when there is nothing to draw."""
    if not points or semantics == "yes_no":
        return Markup("")
    values = [v for _, v in points]
    paced = semantics in FLOWS + DELTAS
    refs = [] if target is None else ([Decimal(0), target] if paced else [target])
    lo = min(values + refs + [Decimal(0)])
    hi = max(values + refs)
    if hi == lo:
        hi = lo + 1

    def y(v: Decimal) -> float:
        return h - PAD - float((v - lo) / (hi - lo)) * (h - 2 * PAD)

    parts = [f'<svg class="spark st-{escape(status)}" viewBox="0 0 {w} {h}" width="{w}" '
             f'height="{h}" role="img"><title>{escape(_title(points, target, label))}</title>']
    if target is not None:
        start, end = year_bounds(year)
        if paced:
            x1, y1, x2, y2 = _x(start, year, w), y(Decimal(0)), _x(end, year, w), y(target)
        else:
            x1, y1, x2, y2 = PAD, y(target), w - PAD, y(target)
        parts.append(f'<line x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}" '
                     'stroke="#767676" stroke-width="1" stroke-dasharray="3 2"/>')
    # the points inline, as _x(), y() and _fmt() compute them: a call each per point cost
    # the dashboard ~3 000 Python calls (issue 33)
    start, end = year_bounds(year)
    days = (end - start).days + 1
    scale, span, floor = w - 2 * PAD, hi - lo, h - PAD
    height = h - 2 * PAD
    coords, shown = [], []
    for d, v in points:
        a = PAD + min(max((d - start).days + 1, 0), days) / days * scale
        b = floor - float((v - lo) / span) * height
        coords.append((a, b))
        shown.append(f'{f"{a:.1f}".rstrip("0").rstrip(".")},{f"{b:.1f}".rstrip("0").rstrip(".")}')
    if len(coords) > 1:
        parts.append('<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="'
                     + " ".join(shown) + '"/>')
    last = coords[-1]
    parts.append(f'<circle cx="{_fmt(last[0])}" cy="{_fmt(last[1])}" r="2" fill="currentColor"/>')
    parts.append("</svg>")
    # safe: the only text (status, title) is escaped above; the rest are numbers we format
    return Markup("".join(parts))  # nosec B704


def _title(points, target, label) -> str:
    shown = points[-MAX_TITLE_POINTS:]
    text = "; ".join([f"{format_date(d)[:5]}: {format_number(v.normalize())}" for d, v in shown])
    if target is not None:
        text += f"; {_l('mục tiêu')} {format_number(target.normalize())}"
    return f"{label}: {text}" if label else text
