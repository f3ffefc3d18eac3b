"""Every page of every role on a 360 × 780 phone, on December's demo (a year of reports):
no text beyond the screen — not even inside a box that scrolls sideways, where a person
would have to find it — and nothing reachable only by scrolling sideways (issues 18, 30).
Fails naming the page and the text."""
import pytest

from tests.browser.conftest import sign_in
from tests.pages import rules, url, value

ROLES = ("ban01", "kinhte", "vhxh", "chutich", "mttq", "admin")
DOWNLOADS = (".docx", ".xlsx", ".csv", ".zip")

# what sticks out of the 360 px viewport: the element, its right edge, its text
OVERFLOW = """() => {
  const w = document.documentElement.clientWidth, out = [];
  if (document.documentElement.scrollWidth > w + 1)
    out.push(['document', document.documentElement.scrollWidth, '']);
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.position === 'fixed') continue;
    // visually hidden on purpose (skip link, screen-reader captions): off screen, clipped
    if (r.right <= 0 || el.closest('.sr, .skip, [hidden]')) continue;
    let clipped = false;
    for (let a = el; a && a !== document.body; a = a.parentElement)
      if (getComputedStyle(a).clip !== 'auto') { clipped = true; break; }
    if (clipped) continue;
    if (r.right > w + 1) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '');
      out.push([name, Math.round(r.right), (el.innerText || '').slice(0, 40)]);
    }
  }
  // every piece of text, measured as laid out: inside a box that scrolls sideways a cut
  // column's text sits beyond the screen though the page itself does not scroll
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (!t.data.trim()) continue;
    const el = t.parentElement;
    if (!el || el.closest('.sr, .skip, [hidden], script, style, template')) continue;
    let clipped = false;
    for (let a = el; a && a !== document.body; a = a.parentElement)
      if (getComputedStyle(a).clip !== 'auto') { clipped = true; break; }
    if (clipped) continue;
    range.selectNodeContents(t);
    for (const r of range.getClientRects())
      if (r.width > 0 && r.right > w + 1) {
        out.push(['text in ' + el.tagName.toLowerCase(), Math.round(r.right), t.data.trim().slice(0, 40)]);
        break;
      }
  }
  return out.slice(0, 5);
}"""


def _pages(app, username):
    """The GET pages `username` may open, with real values, as the test client sees them."""
    from sqlalchemy import select

    from app.auth.models import User
    from app.core.extensions import db
    from app.core.policy import can
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        slug = user.unit.slug if user.unit else "ubnd-xa"
        allowed = {r.endpoint for r in rules(app) if (action := getattr(
            app.view_functions[r.endpoint], "policy_action", None)) not in (None, "public")
            and (can(user, action, user.unit_id) or can(user, action))}
    found = []
    for rule in rules(app):
        if "GET" not in rule.methods or rule.endpoint not in allowed:
            continue
        args = {n: value(app, n, slug) for n in rule.arguments}
        if any(v is None for v in args.values()):
            continue
        address = url(app, rule, args)
        if not address.endswith(DOWNLOADS):
            found.append(address)
    return sorted(set(found))


@pytest.fixture
def december_server(december_app):
    from tests.browser.conftest import LiveServer
    with LiveServer(december_app) as server:
        yield server


@pytest.mark.parametrize("username", ROLES)
def test_every_page_fits_a_360_px_phone(december_app, page, december_server, username):
    app, live_server = december_app, december_server
    addresses = _pages(app, username)
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, live_server.url, username)
    cut, seen = [], 0
    for address in addresses:
        response = page.goto(live_server.url + address)
        if response is None or response.status != 200 or "html" not in (
                response.headers.get("content-type") or ""):
            continue
        seen += 1
        sticking_out = page.evaluate(OVERFLOW)
        if sticking_out:
            cut.append((address, sticking_out))
    assert seen >= 5, f"{username} reached only {seen} pages"
    assert not cut, "\n".join(f"{a}: {els}" for a, els in cut)
