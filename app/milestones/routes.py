"""Routes of this domain; see the issue that builds it."""
from app.milestones import bp  # noqa: F401
