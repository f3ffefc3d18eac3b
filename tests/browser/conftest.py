"""Real headless Chromium (Debian's) against the real app served on a loopback port."""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is required but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS,
            "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "locale": "vi-VN",
            "timezone_id": "Asia/Ho_Chi_Minh", "is_mobile": True, "has_touch": True}


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def live_server(app):
    with LiveServer(app) as server:
        yield server


def sign_in(page, base, username, password="binhlu2026"):
    page.goto(f"{base}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")
import io
import os
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

# ---- offline: what a kept page reads ----

# reads the app's IndexedDB without ever creating it (an open() would make an empty one)
READ = """async (store, key) => {
  if (!(await indexedDB.databases()).some(d => d.name === 'thidua')) return null;
  return await new Promise(ok => { const r = indexedDB.open('thidua'); r.onsuccess = () => {
    const d = r.result; if (!d.objectStoreNames.contains(store)) { d.close(); return ok(null); }
    const s = d.transaction(store).objectStore(store), q = key ? s.get(key) : s.getAll();
    q.onsuccess = () => { d.close(); ok(q.result); }; }; }); }"""


# ---- accessibility: the findings that count ----

def serious(results):
    return [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


# ---- a page signed in ----

def signed_in(page, base, username):
    # the login form is boosted: wait for the page it lands on, not for the network
    sign_in(page, base, username)
    expect(page).not_to_have_url(re.compile(r"/login"))


# ---- a phone's photo, and what the phone sends of it ----

def phone_photo() -> bytes:
    """A 4 000 × 3 000 photo of about 2 MB, as a phone takes it."""
    im = Image.effect_noise((400, 300), 50).convert("RGB").resize((4000, 3000))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=95)
    return out.getvalue()


def scaled_on_the_phone(page, limit=400_000) -> int:
    """Waits for the page's script to put the scaled photo in the file box; its bytes."""
    size = None
    for _ in range(80):  # polled from here: the page's CSP refuses wait_for_function's string
        size = page.evaluate("(b => !b.disabled && document.querySelector('.ev-add input[type=file]')"
                             ".files[0].size)(document.querySelector('.ev-add button'))")
        if size and size < limit:
            return size
        page.wait_for_timeout(100)
    raise AssertionError(f"the photo was not scaled on the phone: {size} bytes")
