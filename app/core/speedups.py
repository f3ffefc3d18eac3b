"""Where the app does by hand what a library or a template loop would do, because it was
measured to cost too much on a page read all day. Each one gives the same output as the
plain way (tests/test_speedups.py and tests/test_fields.py check that) and says what it saves:

- fast_html_params: WTForms' html_params without a Markup.format per attribute
  (the report page renders ~200 attributes: that was 40 % of its CPU).
- install_fast_gettext: templates' _() without Jinja's context-copying wrappers
  (report page −26 % render time; _() 9 → ~4 µs).
- status_buttons: a milestone row's five buttons (forty rows on a village's page).
- completeness_cells: a unit's cells of the completeness table (a thousand a page).
  With the row blocks, these two took the unit page at ×10 from 55 476 to 41 931 Python
  calls and the completeness table from 139 409 to 76 669 (python -m bench.cpu --calls).
"""
from flask import g
from markupsafe import Markup, escape
from jinja2 import pass_eval_context
from wtforms.widgets import core as _widgets

from app.core.i18n import N_, _catalogue, _translations, label
from app.core.vietnamese import format_date, format_percent
from app.milestones.models import MILESTONE_STATUSES


# ---- WTForms' attributes -----------------------------------------------------------------

# WTForms' own, kept to check ours against (tests/test_fields.py)
wtforms_html_params = _widgets.html_params


def fast_html_params(**kwargs) -> Markup:
    """WTForms' html_params, the same output without a Markup.format per attribute (that
    was 40 % of the report page's CPU: ~200 attributes, each through string.Formatter)."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = _widgets.clean_key(key)
        if value is True:
            params.append(str(escape(key)))
        elif value is not False:
            params.append(f'{escape(key)}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))  # nosec B704 - every key and value escaped above


def install_fast_html_params() -> None:
    """Every WTForms widget and label renders its attributes with fast_html_params."""
    from wtforms import widgets
    _widgets.html_params = widgets.html_params = fast_html_params
    _widgets.Input.html_params = staticmethod(fast_html_params)
    _widgets.Button.html_params = staticmethod(fast_html_params)


# ---- templates' _() ------------------------------------------------------------------------

@pass_eval_context
def _gettext(eval_ctx, message, **variables):
    if not variables and eval_ctx.autoescape:
        return label(message)  # the common case: a fixed label
    if eval_ctx.autoescape:
        return formatted(message, **variables)
    return (_catalogue.get() or _translations()).ugettext(message) % variables


def formatted(message, **variables) -> Markup:
    """A template's _(message, name=value) in an HTML page: the translation (our catalogue,
    trusted) %-formatted with its values escaped; "%%" is "%", as Jinja's newstyle."""
    rv = Markup((_catalogue.get() or _translations()).ugettext(message))  # nosec B704
    return rv % variables


@pass_eval_context
def _ngettext(eval_ctx, singular, plural, num, **variables):
    variables.setdefault("num", num)
    rv = _translations().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        rv = Markup(rv)  # nosec B704 - our catalogue
    return rv % variables


def forget_catalogue(_exc=None) -> None:
    """When every request ends: the catalogue it looked up is not the next one's."""
    _catalogue.set(None)


def install_fast_gettext(app) -> None:
    """Templates' _() and ngettext() through the per-request catalogue, with the semantics
    of Jinja's newstyle gettext (the translation autoescaped, then %(name)s-formatted with
    escaped values) but without its context-passing wrappers: those copy every template
    variable into a new context at each call inside a loop or block — a few hundred times
    per page."""
    app.jinja_env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    # {% trans %} blocks call gettext/ngettext with keyword variables (newstyle); _() too
    app.jinja_env.globals.update(gettext=_gettext, ngettext=_ngettext, _=_gettext)


# ---- a milestone row's status buttons ------------------------------------------------------

# the current status is pressed, not disabled: a keyboard reaches it and a screen reader
# says which one it is
_PRESSED, _NOT_PRESSED = ' aria-pressed="true"', ' aria-pressed="false"'


def status_buttons(current: str, focus: bool = False) -> Markup:
    """A milestone row's one-tap status buttons, the one it has pressed (with autofocus when
    `focus`: htmx focuses it after the row is swapped in): five per row and forty rows on a
    village's page, so built here rather than by a template loop."""
    # the same few strings on every row: made once per catalogue, current status and focus
    made = _made_once()
    found = made.get(("status_buttons", current, bool(focus)))
    if found is None:
        pressed = _PRESSED + (" autofocus" if focus else "")
        found = made[("status_buttons", current, bool(focus))] = Markup("".join(  # nosec B704
            f'<button name="status" value="{key}"{pressed if key == current else _NOT_PRESSED}>'
            f'{label(text)}</button>' for key, text in MILESTONE_STATUSES.items()))
    return found


def _made_once() -> dict:
    """Pieces of HTML that depend only on the language: kept with the request's catalogue,
    as label() keeps labels (fixed keys only, so the store stays small)."""
    t = _catalogue.get() or _translations()
    return t.__dict__.setdefault("_thidua_made", {})


# ---- the completeness table's cells ----------------------------------------------------------

def completeness_cells(row, report_url=None) -> Markup:
    """One unit's cells of the completeness table, [(period, cell or None)] → <td>s: a
    commune's table has a thousand of them, built here rather than by a template loop.
    report_url: a url_pattern() when the reader may open the unit's reports."""
    not_listed = label(N_("Không phải báo cáo"))
    accepted = _CELL_ACCEPTED % label(N_("Đã duyệt"))
    # every row names the same periods: each name translated once a request, not once a cell
    names = g.setdefault("period_short_names", {})
    out = []
    for period, c in row:
        # the period names its cell where the phone stacks the row (static/app.css .stack)
        named = names.get(period.id)
        if named is None:
            named = names[period.id] = escape(period.shown_short_label)
        if c is None:
            out.append(f'<td class="c muted" data-label="{named}" title="{not_listed}">–</td>')
            continue
        text = label(c.label)
        if report_url:  # may be Jinja's Undefined: the reader may not open them
            # a plain link: the page of this table is not boosted (base.html)
            text = f'<a href="{escape(report_url(period.id))}">{text}</a>'
        out.append(f'<td class="c cs cs-{c.state}" data-label="{named}">{text}'
                   f'{accepted if c.accepted else ""}</td>')
    return Markup("".join(out))  # nosec B704 - fixed states, our labels (Markup), escaped
_CELL_ACCEPTED = Markup('<span class="ok" title="%s"> ✓</span>')


def completeness_row(u, r, row, report_url=None, base=None) -> Markup:
    """One unit's <tr> of the completeness table: its name, its cells (completeness_cells),
    its counts and rates; a commune's table has a row per unit, ~120 at ×10, each ~150
    Python calls of template around the cells (issue 33). `r`: the unit's Rate to date;
    `base`: the table's URL, when the row links to the unit's own periods."""
    made = _made_once()
    counted = made.get("completeness_counts") or made.setdefault(
        "completeness_counts", (_catalogue.get() or _translations()).ugettext(
            N_("Đúng hạn %(a)s · muộn %(b)s · chưa nộp %(c)s")))
    # our catalogue's text, trusted as formatted() trusts it; the values are numbers
    counts = counted % {"a": r.on_time, "b": r.received - r.on_time, "c": r.expected - r.received}
    own = (f' · <a href="{escape(base)}&amp;unit={escape(u.slug)}">{label(N_("Từng kỳ"))}</a>'
           if base is not None else "")
    rate = "–" if r.reporting_rate is None else escape(format_percent(r.reporting_rate))
    timely = "–" if r.timeliness is None else escape(format_percent(r.timeliness))
    return Markup(  # nosec B704 - names and links escaped, labels are Markup, rates formatted
        f'<tr><th scope="row">{escape(u.short_name or u.name)}</th>\n'
        f'  {completeness_cells(row, report_url)}  <td class="cnt">{counts}{own}</td>\n'
        f'  <td class="num" data-label="{label(N_("Tỷ lệ nộp"))}">{rate}</td>'
        f'<td class="num" data-label="{label(N_("Đúng hạn"))}">{timely}</td></tr>')


# ---- a milestone's row on a unit's page ----------------------------------------------------

_OOB_OPEN = '<ul hx-swap-oob="beforeend:#ms-list">'


def milestone_row(m, today, editable=False, notice=None, said=False, oob=False) -> Markup:
    """A milestone's <li> on a unit's page, and the answer to every change of it: forty rows
    on a village's page at ×10, each ~500 Python calls as a template block (issue 33).
    `editable`: the reader may change it (the row carries its status form and links);
    `notice`: an alert shown in the row; `said`: the status just set, said to a screen reader
    and its button focused; `oob`: appended to the list out of band (htmx)."""
    from app.core.templating import csrf_token, milestone_links, url_pattern

    made = _made_once()
    said_late, files_said, evidence_said, edit_said, delete_said, named = made.get("ms_row") or \
        made.setdefault("ms_row", (
            label(N_("Quá hạn")), label(N_("Tệp minh chứng")), label(N_("Minh chứng")),
            label(N_("Sửa")), label(N_("Xóa")),
            # our catalogue's text, trusted as formatted() trusts it; the title escaped below
            (_catalogue.get() or _translations()).ugettext(N_("Trạng thái của mốc %(title)s"))))
    title = escape(m.title)
    status = label(m.status_label)
    overdue = m.is_overdue(today)
    out = [_OOB_OPEN if oob else "",
           f'<li id="m-{m.id}" class="ms{" late" if overdue else ""}">\n'
           f'<div><strong>{title}</strong> <span class="ms-st ms-{escape(m.status)}">{status}</span>',
           f' <span class="st st-off_track">{said_late}</span>' if overdue else "",
           '</div>\n<small class="muted">']
    if m.start_on or m.due_on:
        out.append(f'{format_date(m.start_on) or "…"} – {format_date(m.due_on) or "…"} · ')
    if m.owner:
        out.append(f"{escape(m.owner)} · ")
    out.append(f"{m.progress}%")
    if m.area:
        out.append(f" · {escape(m.area.code)}")
    if m.indicator:
        out.append(f" · {escape(m.indicator.code)}")
    files = url_pattern("evidence.milestone_files", "milestone_id")(m.id)
    out.append(f' · <a\n  href="{escape(files)}" hx-boost="false">{files_said}'
               f'</a></small>\n<progress max="100" value="{m.progress}">{m.progress}%</progress>\n')
    if m.evidence:
        out.append(f'<p class="pre"><small>{evidence_said}: {escape(m.evidence)}</small></p>')
    if notice:
        out.append(f'<p class="alert error" role="alert">{escape(notice)}</p>')
    if said:
        out.append(f'<p id="ms-said" class="sr" aria-live="polite" hx-swap-oob="true">{title}: '
                   f'{status}</p>\n')
    if editable:
        links = milestone_links(m.id)
        status_url, edit, delete = escape(links.status), escape(links.edit), escape(links.delete)
        out.append(
            f'<form class="ms-tap" method="post" action="{status_url}" hx-post="{status_url}"\n'
            f'  hx-target="#m-{m.id}" hx-swap="outerHTML" role="group"\n'
            f'  aria-label="{named % {"title": title}}"><input type="hidden" name="csrf_token"\n'
            f'  value="{escape(csrf_token())}"><input\n'
            f'  type="hidden" name="version" value="{m.version}">\n'
            f'{status_buttons(m.status, said)}</form>\n'
            f'<p class="ms-act"><a href="{edit}" hx-get="{edit}" hx-target="#m-{m.id}"\n'
            f'  hx-swap="outerHTML">{edit_said}</a> · <a href="{delete}" hx-get="{delete}"\n'
            f'  hx-target="#m-{m.id}" hx-swap="outerHTML">{delete_said}</a></p>\n')
    out.append("</li>\n</ul>" if oob else "</li>\n")
    return Markup("".join(out))  # nosec B704 - every value escaped above, labels are Markup


# ---- a row of the units' overview ----------------------------------------------------------

def _overview_columns() -> tuple:
    """The overview's column names in the request's language, made once a request."""
    from flask import g
    found = g.get("overview_columns")
    if found is None:
        found = g.overview_columns = (
            label(N_("Quá hạn")), label(N_("Tổng")),
            [(key, label(text)) for key, text in MILESTONE_STATUSES.items()])
    return found


def unit_overview_row(r) -> Markup:
    """One unit's <tr> of the units' overview (app/units/overview.UnitRow): a row per unit,
    ~120 at ×10, each ~250 Python calls as a template loop (issue 33)."""
    from flask import url_for
    late, total, statuses = _overview_columns()
    out = [f'<tr class="late">' if r.overdue else "<tr>",
           f'<td><a href="{escape(url_for("units.show", slug=r.slug))}">{escape(r.name)}</a>'
           f'<br><small class="muted">{label(r.kind_label)}</small></td>'
           f'<td class="num" data-label="{late}">',
           f'<strong class="bad">{r.overdue}</strong>' if r.overdue else "0", "</td>"]
    counts = r.counts
    for key, text in statuses:
        out.append(f'<td class="num" data-label="{text}">{escape(counts[key])}</td>')
    out.append(f'<td class="num" data-label="{total}">{r.total}</td></tr>')
    return Markup("".join(out))  # nosec B704 - values escaped or ints, labels are Markup
