"""Pages loaded at once right after sign-in all carry forms that are accepted (issue 29,
item 5). A phone's warm-up asks for its pages in parallel: each request leaves with the
cookie it came with, and the browser keeps whichever Set-Cookie arrives last. If each page
made its own form secret, every form but the last page's would be refused."""
import re

from tests.conftest import DEMO_PASSWORD, csrf_from

PAGES = 20


def _cookie(client, name):
    found = client.get_cookie(name)
    return found.value if found else None


def test_twenty_pages_loaded_at_once_after_sign_in_all_post_their_forms(app):
    name = app.config["SESSION_COOKIE_NAME"]
    browser = app.test_client()
    token = csrf_from(browser.get("/login").get_data(as_text=True))
    r = browser.post("/login", data={"csrf_token": token, "username": "vhxh",
                                     "password": DEMO_PASSWORD})
    assert r.status_code == 302
    signed_in = _cookie(browser, name)
    # twenty requests leave together with the sign-in cookie; their answers land in turn
    jar, tokens = signed_in, []
    for n in range(PAGES):
        tab = app.test_client()
        tab.set_cookie(name, signed_in)
        page = tab.get("/units/ban-mau-01")
        assert page.status_code == 200
        tokens.append(csrf_from(page.get_data(as_text=True)))
        jar = _cookie(tab, name) or jar
    # each page's comment form, sent with the cookie the browser kept
    accepted = 0
    for n, form_token in enumerate(tokens):
        tab = app.test_client()
        tab.set_cookie(name, jar)
        r = tab.post("/units/ban-mau-01/comments",
                     data={"csrf_token": form_token, "body": f"Ý kiến từ trang {n}"})
        accepted += r.status_code == 303
    assert accepted == PAGES
    listed = app.test_client()
    listed.set_cookie(name, jar)
    html = listed.get("/units/ban-mau-01").get_data(as_text=True)
    assert len(re.findall(r"Ý kiến từ trang \d+", html)) == PAGES
