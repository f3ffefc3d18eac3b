"""app/core/speedups.py builds two pieces of HTML by hand because a template loop cost too much on
pages read all day. Each must give exactly what the plain Jinja loop gives — rendered here
with the app's own environment, in both languages, for every status and every cell state,
with and without a report link — so the hand-made HTML can never drift from it."""
from types import SimpleNamespace

import pytest
from markupsafe import Markup

from app.core import speedups
from app.milestones.models import MILESTONE_STATUSES
from app.reports.completeness import STATE_LABELS, Cell

# what a template would write for a milestone row's buttons
STATUS_BUTTONS = (
    '{% for key, text in statuses.items() %}'
    '<button name="status" value="{{ key }}"'
    ' aria-pressed="{{ "true" if key == current else "false" }}"'
    '{% if key == current and focus %} autofocus{% endif %}>{{ _(text) }}</button>'
    '{% endfor %}')

# … and for one unit's cells of the completeness table
COMPLETENESS_CELLS = (
    '{% for period, c in row %}'
    '{% if c is none %}<td class="c muted" data-label="{{ period.shown_short_label }}" '
    'title="{{ _("Không phải báo cáo") }}">–</td>'
    '{% else %}<td class="c cs cs-{{ c.state }}" data-label="{{ period.shown_short_label }}">'
    '{% if report_url %}<a href="{{ report_url(period.id) }}">{{ _(c.label) }}</a>'
    '{% else %}{{ _(c.label) }}{% endif %}'
    '{% if c.accepted %}<span class="ok" title="{{ _("Đã duyệt") }}"> ✓</span>{% endif %}'
    '</td>{% endif %}'
    '{% endfor %}')

LANGUAGES = ("vi", "en")


def in_language(app, lang):
    return app.test_request_context("/", headers={"Cookie": f"lang={lang}"})


def plain(app, source, **context) -> str:
    return app.jinja_env.from_string(source).render(**context)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("focus", [False, True])
@pytest.mark.parametrize("current", [*MILESTONE_STATUSES, "not-a-status"])
def test_status_buttons_are_the_template_loop(app, lang, current, focus):
    with in_language(app, lang):
        fast = speedups.status_buttons(current, focus)
        assert isinstance(fast, Markup)
        assert str(fast) == plain(app, STATUS_BUTTONS, statuses=MILESTONE_STATUSES,
                                  current=current, focus=focus)
    assert str(fast).count('aria-pressed="true"') == (current in MILESTONE_STATUSES)


def every_cell():
    """A row with each state a cell can be in, for each report status, and a unit not
    listed for a period (None)."""
    from datetime import date
    cells = [Cell(state, date(2026, 2, 20), status, report_id)
             for state in STATE_LABELS
             for status, report_id in ((None, None), ("draft", 7), ("submitted", 8),
                                       ("accepted", 9), ("returned", 10))]
    row = [(SimpleNamespace(id=n, shown_short_label=f"T{n:02d}"), c)
           for n, c in enumerate(cells, 1)]
    row.insert(3, (SimpleNamespace(id=99, shown_short_label="Q1"), None))
    return [*row, (SimpleNamespace(id=100, shown_short_label='<"&>'), None)]


def report_links(app):
    """No link; Jinja's Undefined (what the table passes when the reader may not open the
    reports); the app's url_pattern; a link with characters that must be escaped."""
    from app.core.templating import url_pattern
    return [None, app.jinja_env.undefined(name="report_url"),
            url_pattern("reports.report", "period_id", slug="ban-mau-01"),
            lambda period_id: f"/r?x=1&y=<{period_id}>\""]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("link", range(4))
def test_completeness_cells_are_the_template_loop(app, lang, link):
    row = every_cell()
    with in_language(app, lang):
        report_url = report_links(app)[link]
        fast = speedups.completeness_cells(row, report_url)
        assert isinstance(fast, Markup)
        assert str(fast) == plain(app, COMPLETENESS_CELLS, row=row, report_url=report_url)
    assert str(fast).count("<td") == len(row)
    assert ("<a href" in str(fast)) is bool(link >= 2)


def test_the_reference_loops_are_what_the_pages_show(app, login):
    """The two reference templates above render what the pages themselves show (so the
    comparison is against the markup in use, not against a copy that drifted)."""
    c = login("vhxh")
    assert app.test_cli_runner().invoke(args=["calendar", "2026"]).exit_code == 0
    table = c.get("/reports/completeness?year=2026&kind=month").get_data(as_text=True)
    assert '<td class="c cs cs-' in table and '"><a href="/units/' in table
    unit = login("ban01").get("/units/ban-mau-01").get_data(as_text=True)
    assert '<button name="status" value="' in unit and ' aria-pressed="true">' in unit
