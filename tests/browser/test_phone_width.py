"""Every page of every role on a 360 × 780 phone: no text beyond the screen and nothing
reachable only by scrolling sideways (issue 18). Fails naming the page and the element."""
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


@pytest.mark.parametrize("username", ROLES)
def test_every_page_fits_a_360_px_phone(app, page, live_server, username):
    assert app.test_cli_runner().invoke(args=["calendar", "2026"]).exit_code == 0
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
