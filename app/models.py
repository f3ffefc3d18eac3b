"""Imports every domain's models so Alembic and the app see the whole schema."""
from app.communes.models import Commune  # noqa: F401
from app.audit.models import AuditEvent  # noqa: F401
from app.auth.models import LoginAttempt, User, UserSession  # noqa: F401
from app.comments.models import Comment  # noqa: F401
from app.core.idempotency import Submission  # noqa: F401
from app.core.settings import Setting  # noqa: F401
from app.plans.models import (Area, Indicator, IndicatorValue, Plan,  # noqa: F401
                              PlanSection, indicator_contributor)
from app.milestones.models import Milestone  # noqa: F401
from app.reports.models import (PeriodDeadline, Report, ReportingPeriod,  # noqa: F401
                                ReportValue, period_unit)
from app.units.models import Unit  # noqa: F401
from app.emulation.models import (AwardTitle, Criterion, GoodModel, Proposal,  # noqa: F401
                                  ProposalEvidence, ProposalVote, Review, ScoreLine,
                                  ScoreSheet)
from app.notifications.models import (Notification, NotificationSetting,  # noqa: F401
                                      OutboxMessage, Reminder)
from app.evidence.models import EvidenceBlob, EvidenceChunk, EvidenceFile  # noqa: F401
