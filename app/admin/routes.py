"""Routes of this domain; see the issue that builds it."""
from app.admin import bp  # noqa: F401
