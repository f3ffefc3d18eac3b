def test_login_page_renders_in_vietnamese(client):
    response = client.get("/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html


def test_ban01_lands_on_own_village_page(login):
    c = login("ban01")
    response = c.get("/", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/units/ban-mau-01")
