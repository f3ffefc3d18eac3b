"""The evidence store in an S3-compatible bucket (EVIDENCE_STORE=s3, issue 21), against a real
S3 server: s3rver (Node, objects on disk), which `make test` installs with npm into
tests/s3rver/. Without npm these tests skip, unless REQUIRE_S3=1 (CI), when they fail.

What a deployment with a bucket relies on: a file goes to the bucket named by its SHA-256
(the same photo once), the database keeps only its row and thumbnail, downloads and the
restore check read it back, and a bucket that does not answer is a 503 in words, nothing
half stored."""
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.evidence.models import EvidenceBlob, EvidenceChunk
from app.core.extensions import db
from tests.conftest import free_port
from tests.factories import PDF, files_of, own_milestone, photo, send

S3RVER = Path(__file__).parent / "s3rver" / "node_modules" / ".bin" / "s3rver"
BUCKET = "thidua-minh-chung"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """The endpoint of an s3rver with the bucket, for this test process."""
    if not S3RVER.exists() or shutil.which("node") is None:
        if os.environ.get("REQUIRE_S3") == "1":
            pytest.fail(f"s3rver is required but missing: {S3RVER} (make s3rver needs npm)")
        pytest.skip("s3rver is missing (make s3rver installs it where npm is)")
    port, folder = free_port(), tmp_path_factory.mktemp("s3rver")
    server = subprocess.Popen([str(S3RVER), "--silent", "-d", str(folder), "-a", "127.0.0.1",
                               "-p", str(port), "--configure-bucket", BUCKET],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"s3rver stopped: {server.stderr.read().decode()[-500:]}")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


def _bucket_config(endpoint):
    return {"EVIDENCE_STORE": "s3", "EVIDENCE_S3_ENDPOINT": endpoint,
            "EVIDENCE_S3_BUCKET": BUCKET, "EVIDENCE_S3_REGION": "us-east-1",
            "EVIDENCE_S3_KEY": "S3RVER", "EVIDENCE_S3_SECRET": "S3RVER"}


@pytest.fixture
def s3_app(app, s3_server):
    app.config.update(_bucket_config(s3_server))
    return app


def bucket(endpoint):
    import boto3
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="S3RVER", aws_secret_access_key="S3RVER")


def stored_object(endpoint, key) -> bytes:
    return bucket(endpoint).get_object(Bucket=BUCKET, Key=key)["Body"].read()


def test_a_file_goes_to_the_bucket_named_by_its_hash_and_comes_back(s3_app, s3_server, login):
    mid = own_milestone(s3_app)
    c = login("ban01", on=s3_app)
    picture = photo(2400, 1800)
    assert send(c, f"/milestones/{mid}/files", picture, "Đường bê tông.jpg").status_code == 303
    assert send(c, f"/milestones/{mid}/files", PDF, "Biên bản.pdf").status_code == 303
    jpg, pdf = files_of(s3_app, mid)
    with s3_app.app_context():
        blobs = {b.id: b for b in db.session.scalars(select(EvidenceBlob))}
        has_thumb = {b.id: b.thumb is not None for b in blobs.values()}
        assert db.session.scalar(select(func.count()).select_from(EvidenceChunk)) == 0
        db.session.expunge_all()
    for f in (jpg, pdf):
        blob = blobs[f.blob_id]
        assert blob.store == "s3" and blob.chunks == 0
        # the object is the stored file itself: the server's scaled JPEG, the PDF as sent
        assert stored_object(s3_server, blob.sha256) == c.get(f"/evidence/milestone/{f.id}").get_data()
    assert stored_object(s3_server, blobs[pdf.blob_id].sha256) == PDF
    assert has_thumb[jpg.blob_id]  # the thumbnail stays in the database: a list needs no bucket
    # the same photo attached again is one object
    assert send(c, f"/milestones/{mid}/files", picture, "lần hai.jpg").status_code == 303
    listed = bucket(s3_server).list_objects_v2(Bucket=BUCKET)["Contents"]
    assert {o["Key"] for o in listed} >= {blobs[jpg.blob_id].sha256, blobs[pdf.blob_id].sha256}
    assert sum(o["Key"] == blobs[jpg.blob_id].sha256 for o in listed) == 1


def test_backup_says_the_files_are_elsewhere_and_restore_checks_the_bucket(s3_app, s3_server,
                                                                          login, tmp_path):
    mid = own_milestone(s3_app)
    c = login("ban01", on=s3_app)
    assert send(c, f"/milestones/{mid}/files", PDF, "Biên bản.pdf").status_code == 303
    [f] = files_of(s3_app, mid)
    runner = s3_app.test_cli_runner()
    made = runner.invoke(args=["backup", str(tmp_path / "backup.bin")])
    assert made.exit_code == 0 and "không nằm trong bản sao" in made.output
    restored = runner.invoke(args=["restore", "--yes", str(tmp_path / "backup.bin")])
    assert restored.exit_code == 0 and "nội dung khớp SHA-256" in restored.output
    # an object changed in the bucket behind the app's back is found by the restore's check
    with s3_app.app_context():
        digest = db.session.get(EvidenceBlob, f.blob_id).sha256
    bucket(s3_server).put_object(Bucket=BUCKET, Key=digest, Body=b"%PDF-1.4 changed later")
    again = runner.invoke(args=["restore", "--yes", str(tmp_path / "backup.bin")])
    assert again.exit_code != 0 and "không khớp" in again.output and digest in again.output


def test_a_bucket_that_does_not_answer_is_a_503_in_words_and_nothing_half_stored(app, s3_server,
                                                                                 login):
    mid = own_milestone(app)
    app.config.update(_bucket_config(s3_server))
    c = login("ban01", on=app)
    assert send(c, f"/milestones/{mid}/files", PDF, "Biên bản.pdf").status_code == 303
    [kept] = files_of(app, mid)
    app.config["EVIDENCE_S3_ENDPOINT"] = f"http://127.0.0.1:{free_port()}"  # nobody there
    answer = send(c, f"/milestones/{mid}/files", photo(800, 600), "Ảnh.jpg")
    assert answer.status_code == 503
    assert "Kho lưu tệp minh chứng đang không trả lời" in answer.get_data(as_text=True)
    assert [f.id for f in files_of(app, mid)] == [kept.id]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EvidenceBlob)) == 1
    # reading a file from it: refused before a byte is sent, in words
    download = c.get(f"/evidence/milestone/{kept.id}")
    assert download.status_code == 503
    assert "Kho lưu tệp minh chứng đang không trả lời" in download.get_data(as_text=True)
