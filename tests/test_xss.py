"""Every text a person can type, rendered on every page and fragment: 0 unescaped.

Rather than guessing which form feeds which page, the payload is written straight into
every free-text column of every row, and into an audit event's before/after, then every
GET route is rendered for several people, as a page and as an htmx fragment.
"""
import pytest

from tests.conftest import DANGEROUS, _poison, _urls


@pytest.mark.parametrize("username,slug", [("vhxh", "phong-vhxh"), ("ban01", "ban-mau-01"),
                                           ("chutich", "ubnd-xa"), ("admin", "ban-mau-01")])
def test_no_payload_renders_unescaped_anywhere(app, login, username, slug):
    c = login(username)  # sign in before the names are poisoned
    _poison(app)
    checked, found = 0, []
    for url in _urls(app, slug):
        for headers in ({}, {"HX-Request": "true"}):
            response = c.get(url, headers=headers)
            assert response.status_code < 500, (url, headers)
            # CSV and documents are data, served as downloads with nosniff; HTML is what runs
            text = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            checked += 1
            found += [(url, bad) for bad in DANGEROUS if bad in text]
    assert checked > 10
    assert found == []
