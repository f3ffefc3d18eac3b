"""Routes of this domain; see the issue that builds it."""
from app.reports import bp  # noqa: F401
