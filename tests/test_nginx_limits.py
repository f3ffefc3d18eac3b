"""deploy/nginx.conf and the app refuse the same upload with the same words (issue 29, item 7):
nginx's limit for evidence files is the app's EVIDENCE_MAX_FILE_MB, and what nginx refuses
it answers in Vietnamese, not with its own English page. A real nginx in front of a real
HTTP server standing in for the app. Skips without nginx, unless REQUIRE_NGINX=1 (CI)."""
import http.client
import os
import shutil
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from string import Template

import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


class App(BaseHTTPRequestHandler):
    """What the app does with a body it is given: reads it, says how big it was."""

    def do_POST(self):
        size = len(self.rfile.read(int(self.headers["Content-Length"])))
        body = f"đã nhận {size}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nginx():
    if shutil.which("nginx") is None:
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail("nginx is required (REQUIRE_NGINX=1) but not installed")
        pytest.skip("nginx not installed")
    # nginx's workers (www-data) buffer a large body on disk there: a folder they may write
    tmp_path = Path(tempfile.mkdtemp(prefix="thidua-nginx-"))
    tmp_path.chmod(0o777)
    app = HTTPServer(("127.0.0.1", 0), App)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    port = free_port()
    conf = Template((ROOT / "deploy" / "nginx.conf").read_text()).safe_substitute(
        THIDUA_ROOT=str(ROOT), LISTEN=f"127.0.0.1:{port}", NGINX_PREFIX=str(tmp_path),
        UPSTREAM=f"127.0.0.1:{app.server_port}", EVIDENCE_MAX_FILE_MB="10")
    (tmp_path / "nginx.conf").write_text(conf)
    proc = subprocess.Popen(["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                             "-g", "daemon off;"], stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            break
        except OSError:
            time.sleep(0.05)
    yield port
    proc.terminate()
    proc.wait(10)
    app.shutdown()
    shutil.rmtree(tmp_path, ignore_errors=True)


def _post(port, path, size):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", path, body=b"x" * size,
                 headers={"Content-Type": "application/octet-stream"})
    r = conn.getresponse()
    return r.status, r.getheader("Content-Type") or "", r.read().decode()


def test_an_upload_over_the_apps_limit_is_refused_by_nginx_in_the_apps_words(nginx):
    status, kind, body = _post(nginx, "/milestones/7/files", 13 * MB)
    assert status == 413 and "charset=utf-8" in kind
    assert "Tệp quá lớn (tối đa 10 MB một tệp)" in body
    assert "Request Entity" not in body and "nginx" not in body


def test_an_upload_under_the_limit_reaches_the_app(nginx):
    status, _kind, body = _post(nginx, "/milestones/7/files", 9 * MB)
    assert (status, body) == (200, f"đã nhận {9 * MB}")


def test_a_large_body_elsewhere_gets_the_vietnamese_answer_too(nginx):
    status, _kind, body = _post(nginx, "/units/ban-mau-01/comments", 3 * MB)
    assert status == 413 and "Dữ liệu gửi lên quá lớn" in body and "Request Entity" not in body
