"""Forms say what is wrong (issue 18): GOV.UK's error summary at the top of a failed form,
each error a link to its box, focus on the summary; a draft saved with bad boxes says how
many are left and keeps what was typed."""
import re

from tests.factories import fill, generate, indicator_id, period_id, report_url, text_of


def summary_of(html):
    found = re.search(r'<div class="error-summary"([^>]*)>(.*?)</div>', html, re.S)
    assert found, "no error summary"
    return found.group(1), found.group(2)


def test_a_failed_form_lists_its_errors_at_the_top_each_a_link_to_its_box(login):
    ban = login("ban01")
    response = ban.post("/units/ban-mau-01/milestones/new",
                        {"title": "", "owner": "Trưởng bản", "due_on": "31/02/2026"})
    assert response.status_code == 422
    html = text_of(response)
    attrs, body = summary_of(html)
    assert 'role="alert"' in attrs and 'tabindex="-1"' in attrs and "autofocus" in attrs
    assert "Có 2 ô cần sửa" in body
    links = re.findall(r'<a href="#([^"]+)">', body)
    assert links == ["new-title", "new-due_on"]
    for box in links:                                     # every link lands on a real box
        assert re.search(rf'<(input|select|textarea)[^>]*id="{box}"', html), box
    assert html.index("error-summary") < html.index('id="new-title"')   # above the form's boxes
    assert 'value="31/02/2026"' in html                   # what was typed is kept


def test_an_htmx_post_gets_the_same_summary(login):
    ban = login("ban01")
    response = ban.post("/units/ban-mau-01/milestones/new", {"title": "", "owner": "x"},
                        htmx=True)
    assert response.status_code == 422
    assert "Có 1 ô cần sửa" in summary_of(text_of(response))[1]


def test_a_form_without_errors_has_no_summary(login):
    assert "error-summary" not in text_of(login("ban01").get("/units/ban-mau-01/milestones/new"))


def test_a_draft_saved_with_a_bad_figure_says_so_and_keeps_it(app, login):
    generate(app)
    pid, grain = period_id(app), indicator_id(app, "III.2-03")
    kinhte = login("kinhte")
    data = fill(kinhte, "phong-kinh-te", pid, {grain: "9.950.3"})    # two dots: not a number
    saved = kinhte.post(report_url("phong-kinh-te", pid), data)
    assert saved.status_code == 302
    html = text_of(kinhte.get(saved.headers["Location"]))
    assert "Đã lưu nháp; còn 1 ô chưa hợp lệ." in html
    assert f'name="v_{grain}" type="text" value="9.950.3"' in html
    _attrs, body = summary_of(html)
    assert f'href="#v_{grain}"' in body and "III.2-03" in body
    fixed = kinhte.post(report_url("phong-kinh-te", pid),
                        fill(kinhte, "phong-kinh-te", pid, {grain: "9.950,3"}))
    html = text_of(kinhte.get(fixed.headers["Location"]))
    assert "Đã lưu nháp." in html and "error-summary" not in html
