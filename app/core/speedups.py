"""Where the app does by hand what a library or a template loop would do, because it was
measured to cost too much on a page read all day. Each one gives the same output as the
plain way (tests/test_speedups.py and tests/test_fields.py check that) and says what it saves:

- fast_html_params: WTForms' html_params without a Markup.format per attribute
  (the report page renders ~200 attributes: that was 40 % of its CPU).
- install_fast_gettext: templates' _() without Jinja's context-copying wrappers
  (report page −26 % render time; _() 9 → ~4 µs).
- completeness_cells, completeness_row: a unit's cells and row of the completeness table
  (a thousand cells a page).
- made_once, made_once_html: pieces of HTML kept with the request's catalogue.
A domain's own rows built the same way live in its templating module: a milestone's
buttons and row (app/milestones/templating.py, forty rows on a village's page), a row of
the units' overview (app/units/templating.py). With the row blocks, status_buttons and
completeness_cells took the unit page at ×10 from 55 476 to 41 931 Python calls and the
completeness table from 139 409 to 76 669 (python -m bench.cpu --calls).
"""
from flask import current_app, g
from markupsafe import Markup, escape
from jinja2 import pass_eval_context
from wtforms.widgets import core as _widgets

from app.core.i18n import N_, _catalogue, _translations, label
from app.core.vietnamese import format_percent


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

def made_once() -> dict:
    """Pieces of HTML that depend only on the language: kept with the request's catalogue,
    as label() keeps labels (fixed keys only, so the store stays small)."""
    t = _catalogue.get() or _translations()
    return t.__dict__.setdefault("_thidua_made", {})


def made_once_html(name: str) -> Markup:
    """A template of words only (no values: _() of fixed texts), rendered once per
    catalogue: base.html's offline line and outbox hold nine translated texts, ~250 Python
    calls on every signed-in page (issue 33)."""
    made = made_once()
    found = made.get(("html", name))
    if found is None:
        found = made[("html", name)] = Markup(  # nosec B704 - an autoescaped template's output
            current_app.jinja_env.get_template(name).render())
    return found


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
    made = made_once()
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
