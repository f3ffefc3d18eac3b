from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from app.core.idempotency import SubmissionField
from app.core.vietnamese import _l


class AttachForm(FlaskForm):
    """A plain multipart POST with the CSRF token and a submission token: what the offline
    outbox can keep and send later, and what a retry sends again without a second file."""
    file = FileField(_l("Ảnh hoặc tệp minh chứng"))
    token = SubmissionField()


class RemoveForm(FlaskForm):
    pass
