"""Settings, read from the environment.

APP_ENV picks the class: development (default), test or production. Production has no
default secret and no default database, so a missing one fails at start, not at 2 a.m.
"""
import os
import tempfile
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class BaseConfig:
    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'thidua.sqlite'}"
    )
    # PostgreSQL connections can go stale (a server restart): test each one as it leaves the
    # pool. create_app turns this off for SQLite, a file that never goes away under us.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    DEMO_MODE = _bool("DEMO_MODE", True)
    # the day the demo's story is built for (yyyy-mm-dd); unset: today in Vietnam
    DEMO_TODAY = os.environ.get("DEMO_TODAY") or None
    # PostgreSQL: the tables' owner, for backups and restores (the app's own role, in
    # DATABASE_URL, sees one commune at a time; README, Production)
    OWNER_DATABASE_URL = os.environ.get("OWNER_DATABASE_URL") or None
    # the province whose communes the deployment holds (its pages name it)
    PROVINCE_NAME = os.environ.get("PROVINCE_NAME", "Lai Châu")
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    # Sessions: the cookie only carries a random id; the row in user_session decides.
    SESSION_COOKIE_NAME = "thidua_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    SESSION_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "120")))
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")))
    PERMANENT_SESSION_LIFETIME = SESSION_ABSOLUTE_TIMEOUT
    # The row, not the cookie, carries the idle timeout: no need to re-send the cookie
    # (~500 bytes) with every answer; it is sent when the session changes.
    SESSION_REFRESH_EACH_REQUEST = False
    # Sign-in throttling (app/auth/throttle.py says why each rule), counted in the database
    # so every worker shares it. Per (address, username) and per address, in the window:
    LOGIN_WINDOW = timedelta(minutes=int(os.environ.get("LOGIN_WINDOW_MINUTES", "15")))
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_ADDRESS_MAX_FAILURES = int(os.environ.get("LOGIN_ADDRESS_MAX_FAILURES", "100"))
    # Per account, since its holder's last sign-in (at most LOGIN_ACCOUNT_MEMORY back): after
    # the free failures each try waits FIRST, 2×FIRST, 4×FIRST … up to MAX.
    LOGIN_ACCOUNT_FREE_FAILURES = int(os.environ.get("LOGIN_ACCOUNT_FREE_FAILURES", "5"))
    LOGIN_DELAY_FIRST = timedelta(minutes=int(os.environ.get("LOGIN_DELAY_FIRST_MINUTES", "1")))
    LOGIN_DELAY_MAX = timedelta(minutes=int(os.environ.get("LOGIN_DELAY_MAX_MINUTES", "30")))
    LOGIN_ACCOUNT_MEMORY = timedelta(hours=int(os.environ.get("LOGIN_ACCOUNT_MEMORY_HOURS", "24")))
    # failures from this many addresses: a guesser hopping addresses, every unknown browser waits
    LOGIN_SPREAD_ADDRESSES = int(os.environ.get("LOGIN_SPREAD_ADDRESSES", "3"))
    # A lead's commune figure and the sum of the units' parts may differ by this much (%)
    # before the figure is flagged for the office (issue 28, app/plans/assignments.py).
    PARTS_TOLERANCE_PCT = int(os.environ.get("PARTS_TOLERANCE_PCT", "5"))
    # how long a browser remembers the accounts signed in on it (and is let through)
    LOGIN_KNOWN_BROWSER = timedelta(days=int(os.environ.get("LOGIN_KNOWN_BROWSER_DAYS", "180")))
    # failed tries older than this are deleted (a holder back from a longer absence is told
    # of this much)
    LOGIN_ATTEMPTS_KEPT = timedelta(days=int(os.environ.get("LOGIN_ATTEMPTS_KEPT_DAYS", "90")))
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session does
    # WTForms has no Vietnamese catalogue and our forms carry their own messages; with this on,
    # Flask-WTF searched the disk for a catalogue on every request that built a form.
    WTF_I18N_ENABLED = False
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 512 * 1024
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIN_SIZE = 300
    COMPRESS_MIMETYPES = [
        "text/html", "text/css", "text/csv", "text/plain", "text/javascript",
        "application/javascript", "application/json", "image/svg+xml",
    ]
    SEND_FILE_MAX_AGE_DEFAULT = 3600
    # the load test reads how many SQL statements each request ran; off unless asked
    SQL_COUNT_HEADER = _bool("SQL_COUNT_HEADER", False)
    BEHIND_PROXY = _bool("BEHIND_PROXY", False)
    # Where `flask backup` notes the audit log's head (id and hash). The hash chain shows a
    # row altered or removed in the middle; only a head kept outside the database shows a
    # log cut at its end. Copy this file off the machine with the backups.
    AUDIT_ANCHORS = os.environ.get("AUDIT_ANCHORS", str(BASE_DIR / "instance" / "audit-anchors.txt"))
    # Notifications by e-mail and webhook (issue 19; README "Notifications, e-mail and
    # reminders"): nothing is sent unless SMTP_HOST (e-mail) or WEBHOOK_URL is set.
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = _bool("SMTP_STARTTLS", True)
    SMTP_TIMEOUT = int(os.environ.get("SMTP_TIMEOUT", "20"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "")
    # no mail server (the demo): each e-mail is written as a .eml file in this folder, which
    # any mail program opens; never in production (refused at start)
    MAIL_SINK_DIR = os.environ.get("MAIL_SINK_DIR", "")
    APP_BASE_URL = os.environ.get("APP_BASE_URL", "http://localhost:8000")
    WEBHOOK_URL = os.environ.get("WEBHOOK_URL", "")
    WEBHOOK_SECRET = os.environ.get("WEBHOOK_SECRET", "")
    WEBHOOK_TIMEOUT = int(os.environ.get("WEBHOOK_TIMEOUT", "10"))
    # a gateway on this machine or a private network must be named here (e.g. 10.20.0.0/16)
    WEBHOOK_ALLOWED_NETWORKS = os.environ.get("WEBHOOK_ALLOWED_NETWORKS", "")
    # `flask remind`: the first reminder goes this many days before a deadline
    REMIND_DAYS_BEFORE = int(os.environ.get("REMIND_DAYS_BEFORE", "3"))
    # Evidence files (issue 21; README "Evidence files"): a file as sent (a phone photo
    # before the server scales it, with JavaScript off), what one record may hold once
    # stored, the pixels an image may declare, the longest side kept.
    EVIDENCE_MAX_FILE_MB = int(os.environ.get("EVIDENCE_MAX_FILE_MB", "10"))
    EVIDENCE_MAX_RECORD_MB = int(os.environ.get("EVIDENCE_MAX_RECORD_MB", "40"))
    EVIDENCE_MAX_RECORD_FILES = int(os.environ.get("EVIDENCE_MAX_RECORD_FILES", "30"))
    EVIDENCE_MAX_PIXELS = int(os.environ.get("EVIDENCE_MAX_PIXELS", "40000000"))
    EVIDENCE_IMAGE_SIDE = int(os.environ.get("EVIDENCE_IMAGE_SIDE", "1600"))
    # images decoded at once on the machine, whatever the app processes (a near-limit one
    # takes a few hundred MB and a core); their lock files live in EVIDENCE_DECODE_LOCKS
    EVIDENCE_DECODE_SLOTS = int(os.environ.get("EVIDENCE_DECODE_SLOTS", "1"))
    EVIDENCE_DECODE_LOCKS = os.environ.get("EVIDENCE_DECODE_LOCKS",
                                           str(Path(tempfile.gettempdir()) / "thidua-decode"))
    # "db" (default: chunks in the database) or "s3" (an S3-compatible bucket; needs boto3)
    EVIDENCE_STORE = os.environ.get("EVIDENCE_STORE", "db")
    EVIDENCE_S3_ENDPOINT = os.environ.get("EVIDENCE_S3_ENDPOINT", "")
    EVIDENCE_S3_BUCKET = os.environ.get("EVIDENCE_S3_BUCKET", "")
    EVIDENCE_S3_REGION = os.environ.get("EVIDENCE_S3_REGION", "")
    EVIDENCE_S3_KEY = os.environ.get("EVIDENCE_S3_KEY", "")
    EVIDENCE_S3_SECRET = os.environ.get("EVIDENCE_S3_SECRET", "")


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    MAIL_SINK_DIR = os.environ.get("MAIL_SINK_DIR", str(BASE_DIR / "instance" / "mail"))


class TestConfig(BaseConfig):
    ENV_NAME = "test"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    # the throttle's defaults, whatever the developer's environment says
    LOGIN_WINDOW = timedelta(minutes=15)
    LOGIN_MAX_FAILURES = 5
    LOGIN_ADDRESS_MAX_FAILURES = 100
    LOGIN_ACCOUNT_FREE_FAILURES = 5
    LOGIN_DELAY_FIRST = timedelta(minutes=1)
    LOGIN_DELAY_MAX = timedelta(minutes=30)
    LOGIN_ACCOUNT_MEMORY = timedelta(hours=24)
    LOGIN_SPREAD_ADDRESSES = 3
    LOGIN_KNOWN_BROWSER = timedelta(days=180)
    LOGIN_ATTEMPTS_KEPT = timedelta(days=90)
    AUDIT_ANCHORS = None  # a test that wants anchors names its own file
    # no mail or webhook from a developer's environment; a test sets its own servers
    SMTP_HOST = ""
    WEBHOOK_URL = ""
    REMIND_DAYS_BEFORE = 3
    EVIDENCE_MAX_FILE_MB = 10
    EVIDENCE_MAX_RECORD_MB = 40
    EVIDENCE_MAX_RECORD_FILES = 30
    EVIDENCE_MAX_PIXELS = 40_000_000
    EVIDENCE_IMAGE_SIDE = 1600
    EVIDENCE_STORE = "db"


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    DEMO_MODE = False
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env():
    name = os.environ.get("APP_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"APP_ENV={name!r}: use one of {', '.join(CONFIGS)}")
    return CONFIGS[name]
