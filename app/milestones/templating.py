"""What templates call about milestones: the status's label, a row's links, its one-tap
buttons and the whole row. The buttons and the row are built by hand rather than by a
template loop because it was measured to cost too much (app/core/speedups.py says why;
tests/test_speedups.py checks they give what the template would): five buttons a row,
forty rows on a village's page at ×10, each ~500 Python calls as a template block."""
from typing import NamedTuple

from flask import g
from flask_login import current_user
from markupsafe import Markup, escape

from app.core import policy
from app.core.i18n import N_, _catalogue, _translations, label
from app.core.speedups import made_once
from app.core.templating import csrf_token, label_of, url_pattern
from app.core.vietnamese import format_date
from app.milestones.models import MILESTONE_STATUSES


def register_template_globals(app):
    app.jinja_env.filters["milestone_status"] = milestone_status
    app.jinja_env.globals.update(milestone_links=milestone_links, status_buttons=status_buttons,
                                 milestone_row=milestone_row)


def milestone_status(value):
    return label_of(MILESTONE_STATUSES, value)


class RowLinks(NamedTuple):
    status: str
    edit: str
    delete: str


def milestone_links(milestone_id: int) -> RowLinks:
    """A milestone row's three links, from patterns made once per request."""
    patterns = g.get("milestone_patterns")
    if patterns is None:
        patterns = g.milestone_patterns = [url_pattern(endpoint, "milestone_id") for endpoint in
                                           ("milestones.set_status", "milestones.edit",
                                            "milestones.delete")]
    status, edit, delete = patterns
    return RowLinks(status(milestone_id), edit(milestone_id), delete(milestone_id))


# the current status is pressed, not disabled: a keyboard reaches it and a screen reader
# says which one it is
_PRESSED, _NOT_PRESSED = ' aria-pressed="true"', ' aria-pressed="false"'


def status_buttons(current: str, focus: bool = False) -> Markup:
    """A milestone row's one-tap status buttons, the one it has pressed (with autofocus when
    `focus`: htmx focuses it after the row is swapped in): five per row and forty rows on a
    village's page, so built here rather than by a template loop."""
    # the same few strings on every row: made once per catalogue, current status and focus
    made = made_once()
    found = made.get(("status_buttons", current, bool(focus)))
    if found is None:
        pressed = _PRESSED + (" autofocus" if focus else "")
        found = made[("status_buttons", current, bool(focus))] = Markup("".join(  # nosec B704
            f'<button name="status" value="{key}"{pressed if key == current else _NOT_PRESSED}>'
            f'{label(text)}</button>' for key, text in MILESTONE_STATUSES.items()))
    return found


_OOB_OPEN = '<ul hx-swap-oob="beforeend:#ms-list">'


def milestone_row(m, today, editable=False, notice=None, said=False, oob=False) -> Markup:
    """A milestone's <li> on a unit's page, and the answer to every change of it: forty rows
    on a village's page at ×10, each ~500 Python calls as a template block (issue 33).
    `editable`: the reader may change it (the row carries its status form and links);
    `notice`: an alert shown in the row; `said`: the status just set, said to a screen reader
    and its button focused; `oob`: appended to the list out of band (htmx)."""
    made = made_once()
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


def row_alone(m, today, notice=None, oob=False, locked=False, said=False) -> Markup:
    """The answer to a change of one milestone: its row as units/show.html's milestone_row
    block draws it, without rendering the page template around it (~300 Python calls of a
    template and its context on every status tap, issue 33). `locked`: a closed reason, or
    False; the row carries its forms when the reader may edit the unit and it is open."""
    editable = policy.can(current_user._get_current_object(), "unit.edit", m.unit_id) \
        and not locked
    return milestone_row(m, today, editable, notice, said, oob)
