"""Online backup and restore: SQLite's backup API, pg_dump / pg_restore for PostgreSQL."""
import shutil
import sqlite3
import subprocess  # nosec B404 - fixed argv lists of pg_dump/pg_restore, never a shell
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    pass


def _libpq_url(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name):
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return path


def backup(database_url: str, target: Path) -> Path:
    url = make_url(database_url)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        # the backup API copies a consistent snapshot while the app keeps writing
        src = sqlite3.connect(url.database)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    elif url.get_backend_name() == "postgresql":
        argv = [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}",
                _libpq_url(url)]
        run = subprocess.run(argv, capture_output=True, text=True)  # nosec B603 - our own argv
        if run.returncode != 0:
            raise BackupError(run.stderr.strip())
    else:
        raise BackupError(f"no backup for {url.get_backend_name()}")
    return target


def restore(database_url: str, source: Path) -> None:
    url = make_url(database_url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    if url.get_backend_name() == "sqlite":
        src = sqlite3.connect(source)
        dst = sqlite3.connect(url.database)
        try:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{source} fails SQLite's integrity check")
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    elif url.get_backend_name() == "postgresql":
        argv = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                "--single-transaction", f"--dbname={_libpq_url(url)}", str(source)]
        run = subprocess.run(argv, capture_output=True, text=True)  # nosec B603 - our own argv
        if run.returncode != 0:
            raise BackupError(run.stderr.strip())
    else:
        raise BackupError(f"no restore for {url.get_backend_name()}")


S3_NOTE = ("Lưu ý: tệp minh chứng nằm trong kho S3 (EVIDENCE_STORE=s3), không nằm trong bản sao "
           "lưu này; hãy sao lưu kho đó riêng (README, mục Evidence files).")
