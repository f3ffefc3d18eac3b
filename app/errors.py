"""The one way the app refuses a request: raise Refused(message, status, fields).

A service raises it for a rule the request breaks (a closed year, a report not at this
step, a figure out of bounds, a record changed by someone else); web.py's one handler
answers it as the request needs — the page's message area for an htmx request, the error
page otherwise — with the session rolled back. A view that has a form to show again (so
nothing typed is lost) catches it first and puts `fields` on the form.
"""


class Refused(Exception):
    """message: what the person reads (Vietnamese, a lazy string is fine); status: a 4xx;
    fields: form field name → message; current: for a 409, the record as it is stored now,
    shown beside what the person typed."""

    def __init__(self, message, status: int = 422, fields=None, current=None):
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.fields = dict(fields or {})
        self.current = current

    @property
    def conflict(self) -> bool:
        return self.status == 409

    def apply_to(self, form) -> None:
        """Put the field messages on a WTForms form, beside what the person typed."""
        for name, message in self.fields.items():
            if name in form:
                form[name].errors = [*form[name].errors, str(message)]
