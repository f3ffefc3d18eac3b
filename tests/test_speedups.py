"""app/core/speedups.py and the domains' templating modules build pieces of HTML by hand
because a template loop cost too much on pages read all day. Each must give exactly what the plain Jinja loop gives — rendered here
with the app's own environment, in both languages, for every status and every cell state,
with and without a report link — so the hand-made HTML can never drift from it."""
from types import SimpleNamespace

import pytest
from markupsafe import Markup

from app.core import speedups
from app.milestones import templating as milestone_html
from app.units import templating as unit_html
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

# … and for a milestone's row on a unit's page (templates/units/show.html had it as its
# milestone_row block; whether the reader may edit is decided outside the row)
MILESTONE_ROW = '''\
{% set overdue = m.is_overdue(today) %}
{% if oob %}<ul hx-swap-oob="beforeend:#ms-list">{% endif %}
<li id="m-{{ m.id }}" class="ms{{ ' late' if overdue }}">
<div><strong>{{ m.title }}</strong> <span class="ms-st ms-{{ m.status }}">{{ _(m.status_label) }}</span>
  {%- if overdue %} <span class="st st-off_track">{{ _("Quá hạn") }}</span>{% endif %}</div>
<small class="muted">
  {%- if m.start_on or m.due_on %}{{ m.start_on|vn_date or "…" }} – {{ m.due_on|vn_date or "…" }} · {% endif %}
  {%- if m.owner %}{{ m.owner }} · {% endif %}{{ m.progress }}%{% if m.area %} · {{ m.area.code }}{% endif %}
  {%- if m.indicator %} · {{ m.indicator.code }}{% endif %} · <a
  href="{{ url_pattern('evidence.milestone_files', 'milestone_id')(m.id) }}" hx-boost="false">
  {{- _("Tệp minh chứng") }}</a></small>
<progress max="100" value="{{ m.progress }}">{{ m.progress }}%</progress>
{% if m.evidence %}<p class="pre"><small>{{ _("Minh chứng") }}: {{ m.evidence }}</small></p>{% endif %}
{% if notice %}<p class="alert error" role="alert">{{ notice }}</p>{% endif %}
{% if said %}<p id="ms-said" class="sr" aria-live="polite" hx-swap-oob="true">{{ m.title }}: {{ _(m.status_label) }}</p>
{% endif %}
{% if editable %}
{% set links = milestone_links(m.id) %}
<form class="ms-tap" method="post" action="{{ links.status }}" hx-post="{{ links.status }}"
  hx-target="#m-{{ m.id }}" hx-swap="outerHTML" role="group"
  aria-label="{{ _("Trạng thái của mốc %(title)s", title=m.title) }}"><input type="hidden" name="csrf_token"
  value="{{ csrf_token() }}"><input
  type="hidden" name="version" value="{{ m.version }}">
{{ status_buttons(m.status, said) }}</form>
<p class="ms-act"><a href="{{ links.edit }}" hx-get="{{ links.edit }}" hx-target="#m-{{ m.id }}"
  hx-swap="outerHTML">{{ _("Sửa") }}</a> · <a href="{{ links.delete }}" hx-get="{{ links.delete }}"
  hx-target="#m-{{ m.id }}" hx-swap="outerHTML">{{ _("Xóa") }}</a></p>
{% endif %}
</li>
{% if oob %}</ul>{% endif %}
'''

# … and base.html's offline line and outbox, as it had them inline (made once per language now)
OFFLINE_WORDS = '''\
<p id="offline" hidden>{{ _("Đang ngoại tuyến — số liệu lúc") }} <time id="kept-at"></time></p>
<details id="outbox" hidden data-n="{{ _('%(n)s thay đổi chờ gửi', n='{n}') }}"
  data-kept="{{ _('Chưa có mạng: thay đổi được giữ trên máy này và sẽ tự gửi khi có mạng lại.') }}"
  data-bad="{{ _('Cần xem lại') }}" data-wait="{{ _('chờ gửi') }}" data-drop="{{ _('Bỏ thay đổi này') }}" data-open="{{ _('Mở trang') }}"
  data-signin="{{ _('Phiên đăng nhập đã hết: hãy đăng nhập lại để gửi các thay đổi (vẫn giữ trên máy này).') }}"
  data-lose="{{ _('Còn %(n)s thay đổi chưa gửi được; đăng xuất sẽ xóa chúng khỏi máy này. Vẫn đăng xuất?', n='{n}') }}">
<summary></summary><p class="muted"></p><ol></ol></details>
'''

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
        fast = milestone_html.status_buttons(current, focus)
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
    assert '<form class="ms-tap" method="post" action="/milestones/' in unit
    assert 'hx-boost="false">Tệp minh chứng</a></small>' in unit


def milestones():
    """Milestones with and without each optional part, one late, one with markup in its text."""
    from datetime import date
    area, indicator = SimpleNamespace(code="I&II"), SimpleNamespace(code="1.2 <a>")
    plain_one = dict(id=5, unit_id=1, title="Họp dân", status="in_progress", owner="", progress=0,
                     start_on=None, due_on=None, area=None, indicator=None, evidence="", version=3)
    full = dict(plain_one, id=6, title='<b>"Sửa" & làm</b>', status="done", owner="Trưởng <bản>",
                progress=100, start_on=date(2026, 1, 5), due_on=date(2026, 3, 1), area=area,
                indicator=indicator, evidence="Biên bản <số 1>", version=1)
    late = dict(plain_one, id=7, status="not_started", due_on=date(2026, 2, 1), progress=40)
    only_due = dict(plain_one, id=8, status="paused", due_on=date(2026, 12, 1))

    def make(**fields):
        m = SimpleNamespace(**fields)
        m.status_label = MILESTONE_STATUSES.get(m.status, m.status)
        m.is_overdue = lambda today: (m.due_on is not None and m.due_on < today
                                      and m.status not in ("done", "cancelled"))
        return m
    return [make(**f) for f in (plain_one, full, late, only_due)]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("editable", [False, True])
@pytest.mark.parametrize("extras", [{}, {"notice": "Đã có người <sửa> trước", "said": True},
                                    {"oob": True}])
def test_a_milestone_row_is_the_template_block(app, lang, editable, extras):
    from datetime import date
    today = date(2026, 2, 10)
    for m in milestones():
        with in_language(app, lang):
            fast = milestone_html.milestone_row(m, today, editable, **extras)
            assert isinstance(fast, Markup)
            assert str(fast) == plain(app, MILESTONE_ROW, m=m, today=today, editable=editable,
                                      **extras)
        assert ('class="ms-tap"' in str(fast)) is editable


# … and for a row of the units' overview (templates/units/overview.html had it as its loop)
OVERVIEW_ROW = (
    '<tr{% if r.overdue %} class="late"{% endif %}><td><a href="{{ url_for(\'units.show\', slug=r.slug) }}">'
    '{{ r.name }}</a><br><small class="muted">{{ _(r.kind_label) }}</small></td>'
    '<td class="num" data-label="{{ _("Quá hạn") }}">'
    '{% if r.overdue %}<strong class="bad">{{ r.overdue }}</strong>{% else %}0{% endif %}</td>'
    '{% for key, label in statuses.items() %}<td class="num" data-label="{{ _(label) }}">'
    '{{ r.counts[key] }}</td>{% endfor %}'
    '<td class="num" data-label="{{ _("Tổng") }}">{{ r.total }}</td></tr>')


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_units_overview_row_is_the_template_loop(app, lang):
    from app.units.overview import UnitRow
    rows = [UnitRow("ban-mau-01", "Bản <Mẫu> & 01", "village", 7, 2,
                    {"not_started": 1, "in_progress": 2, "done": 3, "paused": 0, "cancelled": 1}),
            UnitRow("phong-kinh-te", "Phòng Kinh tế", "not-a-kind", 0, 0,
                    dict.fromkeys(MILESTONE_STATUSES, 0))]
    for r in rows:
        with in_language(app, lang):
            fast = unit_html.unit_overview_row(r)
            assert isinstance(fast, Markup)
            assert str(fast) == plain(app, OVERVIEW_ROW, r=r, statuses=MILESTONE_STATUSES)


# … and a unit's whole row of the completeness table (templates/reports/completeness.html had
# it in its loop; the cells are completeness_cells, checked above)
COMPLETENESS_ROW = (
    '<tr><th scope="row">{{ u.short_name or u.name }}</th>\n'
    '  {{ completeness_cells(row, report_url) }}  '
    '<td class="cnt">{{ _("Đúng hạn %(a)s · muộn %(b)s · chưa nộp %(c)s", a=r.on_time, '
    'b=r.received - r.on_time, c=r.expected - r.received) }}{% if not one %} · <a href="{{ base }}'
    '&amp;unit={{ u.slug }}">{{ _("Từng kỳ") }}</a>{% endif %}</td>\n'
    '  <td class="num" data-label="{{ _("Tỷ lệ nộp") }}">'
    '{{ r.reporting_rate|vn_percent if r.reporting_rate is not none else "–" }}</td>'
    '<td class="num" data-label="{{ _("Đúng hạn") }}">'
    '{{ r.timeliness|vn_percent if r.timeliness is not none else "–" }}</td></tr>')


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("one", [False, True])
def test_a_completeness_row_is_the_template_loop(app, lang, one):
    from app.reports.completeness import Rate
    u = SimpleNamespace(id=3, slug="ban-mau-01", name="Bản <Mẫu> 01", short_name="")
    base = "/reports/completeness?year=2026&kind=month"
    for r in (Rate(12, 10, 7), Rate(0, 0, 0)):
        with in_language(app, lang):
            report_url = report_links(app)[2]
            fast = speedups.completeness_row(u, r, every_cell(), report_url, None if one else base)
            assert str(fast) == plain(app, COMPLETENESS_ROW, u=u, r=r, row=every_cell(),
                                      report_url=report_url, one=one, base=base)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_offline_words_made_once_are_what_base_html_had_inline(app, lang):
    with in_language(app, lang):
        first = speedups.made_once_html("_offline_words.html")
        assert isinstance(first, Markup)
        assert speedups.made_once_html("_offline_words.html") is first  # kept
        assert str(first) == plain(app, OFFLINE_WORDS)
