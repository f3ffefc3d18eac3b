"""Routes of this domain; see the issue that builds it."""
from app.dashboard import bp  # noqa: F401
