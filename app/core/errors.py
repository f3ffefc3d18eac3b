"""The one way the app refuses a request: raise Refused(message, status, fields).

A service raises it for a rule the request breaks (a closed year, a report not at this
step, a figure out of bounds, a record changed by someone else); web.py's one handler
answers it as the request needs — the page's message area for an htmx request, the error
page otherwise — with the session rolled back. A view that has a form to show again (so
nothing typed is lost) catches it first and puts `fields` on the form.
"""


class Refused(Exception):
    """message: what the person reads (Vietnamese, a lazy string is fine; None: the
    status's general sentence, web.ERROR_TEXT); status: a 4xx; fields: form field name → its
    message (or list of messages); current: for a 409, the record as it is stored now, shown
    beside what the person typed."""

    def __init__(self, message=None, status: int = 422, fields=None, current=None):
        super().__init__(str(message or status))
        self.message = message
        self.status = status
        self.fields = dict(fields or {})
        self.current = current

    @property
    def conflict(self) -> bool:
        return self.status == 409

    def apply_to(self, form, default_field=None) -> None:
        """Put the field messages on a WTForms form, beside what the person typed; a
        refusal that names no field puts its message on default_field, if given."""
        fields = self.fields or ({default_field: self.message} if default_field else {})
        for name, messages in fields.items():
            if name in form:
                if not isinstance(messages, (list, tuple)):
                    messages = [messages]
                form[name].errors = [*form[name].errors, *map(str, messages)]

    @property
    def messages(self) -> list[str]:
        """Every message of the refusal, its fields' or else its own."""
        found = [str(m) for ms in self.fields.values()
                 for m in (ms if isinstance(ms, (list, tuple)) else [ms])]
        return found or ([str(self.message)] if self.message else [])
