"""WTForms fields that read and show Vietnamese numbers, dates and text (docs/design.md §3).

A value that cannot be read becomes a form error with a Vietnamese message, and the field
shows back exactly what was typed, so a failed save never loses the person's input.
"""

from __future__ import annotations

from decimal import Decimal

from wtforms import Field, StringField, TextAreaField
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from app.core.vietnamese import (
    VNInputError,
    _l,
    format_date,
    format_number,
    nfc,
    parse_optional_date,
    parse_optional_number,
)

__all__ = [
    "VNDecimalField",
    "VNDateField",
    "NFCStringField",
    "NFCTextAreaField",
    "strip_nfc",
    "no_control_chars",
    "one_line",
]


class _VNParsedField(Field):
    """Text input whose raw text is parsed by ``_parse``; shown back raw if it failed."""

    widget = TextInput()
    default_render_kw: dict = {}

    def __init__(self, label=None, validators=None, render_kw=None, **kwargs):
        render_kw = {**self.default_render_kw, **(render_kw or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _parse(self, text):
        raise NotImplementedError

    def _format(self, value) -> str:
        raise NotImplementedError

    def process_formdata(self, valuelist):
        if not valuelist:
            return  # field absent from the post: keep the object's / default value
        try:
            self.data = self._parse(valuelist[0])
        except VNInputError as e:
            self.data = None  # never keep the old value behind an error
            # str() now, inside the request, so the message is in the user's language.
            raise ValueError(str(e.message)) from e

    def _parse_failed(self) -> bool:
        return bool(self.raw_data) and self.data is None and bool(self.raw_data[0].strip())

    def _value(self) -> str:
        if self._parse_failed():
            return self.raw_data[0]
        return "" if self.data is None else self._format(self.data)


class VNDecimalField(_VNParsedField):
    """Number typed the Vietnamese way (``9.950,3``); ``data`` is a Decimal or None."""

    default_render_kw = {"inputmode": "decimal"}

    def _parse(self, text):
        return parse_optional_number(text)

    def _format(self, value) -> str:
        return format_number(value)

    def process_data(self, value):
        # Object data comes from the database or code: int, float or Decimal.
        if value is None or isinstance(value, Decimal):
            self.data = value
        elif isinstance(value, (int, float)):
            self.data = Decimal(str(value))
        else:
            raise ValueError(f"VNDecimalField cannot hold {type(value).__name__}")


class VNDateField(_VNParsedField):
    """Date typed ``dd/mm/yyyy`` (ISO ``yyyy-mm-dd`` also read); ``data`` is a date or None."""

    default_render_kw = {"inputmode": "numeric", "placeholder": "dd/mm/yyyy"}

    def _parse(self, text):
        return parse_optional_date(text)

    def _format(self, value) -> str:
        return format_date(value)


def strip_nfc(value):
    """Filter: strip surrounding whitespace and NFC-normalise; non-str passes through."""
    return nfc(value.strip()) if isinstance(value, str) else value


# C0 controls except tab, LF, CR, plus DEL: invisible, and NUL is refused by PostgreSQL.
_CONTROL_CHARS = frozenset(chr(c) for c in [*range(0x20), 0x7F]) - {"\t", "\n", "\r"}


def no_control_chars(form, field):
    """Validator: refuse NUL and other invisible control characters."""
    if isinstance(field.data, str) and not _CONTROL_CHARS.isdisjoint(field.data):
        raise ValidationError(str(_l(
            "Nội dung có ký tự điều khiển không hiển thị được (ví dụ ký tự NUL); "
            "hãy xoá chúng rồi lưu lại."
        )))


# a one-line field (a name, a title) holds no line break or tab of any alphabet: a name
# with a line break breaks every e-mail header and CSV row it is written into
_LINE_BREAKS = frozenset("\t\n\r\x0b\x0c\x85\u2028\u2029")


def one_line(form, field):
    """Validator: refuse line breaks and tabs in a field that is one line."""
    if isinstance(field.data, str) and not _LINE_BREAKS.isdisjoint(field.data):
        raise ValidationError(str(_l("Chỉ viết trên một dòng: hãy bỏ dấu xuống dòng hoặc "
                                     "ký tự tab rồi lưu lại.")))


class NFCStringField(StringField):
    """StringField that strips, NFC-normalises and refuses control characters and line
    breaks (it is one line: a name, a title)."""

    def __init__(self, label=None, validators=None, filters=(), **kwargs):
        # after the caller's own
        validators = [*(validators or []), no_control_chars, one_line]
        super().__init__(label, validators, filters=[strip_nfc, *filters], **kwargs)


class NFCTextAreaField(TextAreaField):
    """TextAreaField with the same cleaning as :class:`NFCStringField`."""

    def __init__(self, label=None, validators=None, filters=(), **kwargs):
        validators = [*(validators or []), no_control_chars]  # after the caller's own
        super().__init__(label, validators, filters=[strip_nfc, *filters], **kwargs)
