"""WTForms fields for Vietnamese input: app/core/fields.py (plain wtforms.Form, no Flask)."""

import datetime as dt
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, TextAreaField
from wtforms.validators import InputRequired, Length

from app.core.fields import (
    NFCStringField,
    NFCTextAreaField,
    VNDateField,
    VNDecimalField,
    no_control_chars,
    strip_nfc,
)
from app.core.vietnamese import VNInputError, parse_number


class IndicatorForm(Form):
    value = VNDecimalField("Số liệu")
    target = VNDecimalField("Chỉ tiêu", [InputRequired()])  # not DataRequired: 0 is falsy
    due = VNDateField("Hạn")
    note = NFCStringField("Ghi chú", [Length(max=20)])
    body = TextAreaField("Nội dung", filters=[strip_nfc], validators=[no_control_chars])


def make(obj=None, **fields):
    return IndicatorForm(MultiDict(fields) if fields else None, obj=obj)


class Row:
    value, target, due, note, body = Decimal("16.90"), 92, dt.date(2026, 6, 14), "x", ""


def test_good_input_becomes_decimal_and_date():
    form = make(value="9.950,3", target="58,39 %", due="14/06/2026", note=" Bản Phiêng ", body="a\r\nb")
    assert form.validate(), form.errors
    assert form.value.data == Decimal("9950.3") and isinstance(form.value.data, Decimal)
    assert form.target.data == Decimal("58.39")
    assert form.due.data == dt.date(2026, 6, 14)
    assert form.note.data == "Bản Phiêng"
    assert form.body.data == "a\r\nb"  # tab/newlines are fine in text


def test_good_values_redisplay_in_vietnamese_format():
    form = make(value="9950,30", target="33.515", due="2026-01-05")
    assert form.value._value() == "9.950,30"
    assert form.target._value() == "33.515"
    assert form.due._value() == "05/01/2026"


def test_blank_is_none():
    form = make(value="  ", target="0", due="")
    assert form.validate(), form.errors
    assert form.value.data is None and form.due.data is None
    assert form.target.data == Decimal("0")
    assert form.value._value() == "" and form.due._value() == ""


@pytest.mark.parametrize("typed", ["33.51", "9,950.3", "NaN", "1e5", "３３", "12 a", "+5", "1" * 100])
def test_bad_number_fails_with_message_and_keeps_typed_text(typed):
    form = make(value=typed, target="1")
    assert not form.validate()
    assert form.value.data is None
    [message] = form.errors["value"]
    with pytest.raises(VNInputError) as expected:
        parse_number(typed)
    assert message == str(expected.value)  # the parser's own Vietnamese message
    assert form.value._value() == typed  # exactly what was typed, spaces and all
    assert f'value="{typed}"' in form.value()


def test_bad_date_fails_with_message_and_keeps_typed_text():
    form = make(target="1", due="31/02/2026")
    assert not form.validate()
    assert form.errors["due"] == ["Ngày không hợp lệ: tháng 2 năm 2026 chỉ có 28 ngày."]
    assert form.due.data is None
    assert form.due._value() == "31/02/2026"


def test_error_replaces_the_stored_value():
    # A bad edit must not leave the old database value in .data behind the error.
    form = make(Row(), value="1.2.3", target="1")
    assert not form.validate()
    assert form.value.data is None and form.value._value() == "1.2.3"


def test_object_data_is_shown_formatted():
    form = make(Row())
    assert form.value._value() == "16,90"
    assert form.target.data == Decimal("92") and form.target._value() == "92"
    assert form.due._value() == "14/06/2026"


def test_absent_field_keeps_object_value():
    form = make(Row(), target="5")
    assert form.value.data == Decimal("16.90")


def test_widgets_render_text_inputs_with_inputmode():
    form = make()
    html = form.value()
    assert 'type="text"' in html and 'inputmode="decimal"' in html
    html = form.due()
    assert 'type="text"' in html and 'inputmode="numeric"' in html and 'placeholder="dd/mm/yyyy"' in html
    # Callers may still add or override attributes.
    class F(Form):
        x = VNDecimalField(render_kw={"class": "n", "inputmode": "numeric"})

    html = F().x()
    assert 'inputmode="numeric"' in html and 'class="n"' in html


def test_nfc_and_strip_on_text():
    form = make(target="1", note="  Nguye\u0302\u0303n  ")
    assert form.validate(), form.errors
    assert form.note.data == "Nguyễn" and len(form.note.data) == 6


@pytest.mark.parametrize("bad", ["a\x00b", "a\x1bb", "a\x7fb", "\x08"])
def test_control_characters_are_refused(bad):
    form = make(target="1", note=bad, body=bad)
    assert not form.validate()
    for name in ("note", "body"):
        [message] = form.errors[name]
        assert "ký tự điều khiển" in message


def test_user_validators_still_run_on_nfc_fields():
    form = make(target="1", note="x" * 21)
    assert not form.validate()
    assert "note" in form.errors


def test_nfc_textarea_field():
    class F(Form):
        text = NFCTextAreaField()

    form = F(MultiDict({"text": " Ca\u0300 Mau\n\n"}))
    assert form.validate() and form.text.data == "Cà Mau"


def test_strip_nfc_passes_non_strings():
    assert strip_nfc(None) is None
    assert strip_nfc(5) == 5


def test_typed_markup_is_escaped_when_shown_back():
    form = make(value='<b>"1', target="1")
    assert not form.validate()
    assert form.value._value() == '<b>"1'
    assert 'value="&lt;b&gt;&#34;1"' in form.value()


# ---- fast_html_params: WTForms' output, cheaper ------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402
from markupsafe import Markup  # noqa: E402

from app.core.speedups import fast_html_params, wtforms_html_params  # noqa: E402

_keys = st.sampled_from(["id", "name", "class_", "for_", "data_row_id", "aria_describedby",
                         "aria_invalid", "maxlength", "rows", "value", "type", "checked",
                         "disabled", "a<b", 'q"k', "x&y_"])
_values = st.one_of(st.booleans(), st.integers(), st.text(),
                    st.text(alphabet='<>&"\' aá').map(Markup), st.none(),
                    st.decimals(allow_nan=False, allow_infinity=False))


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_keys, _values, max_size=6))
def test_fast_html_params_renders_exactly_what_wtforms_renders(attrs):
    fast = fast_html_params(**attrs)
    assert isinstance(fast, Markup)
    assert str(fast) == str(wtforms_html_params(**attrs))


def test_every_widget_renders_through_fast_html_params(app):
    """create_app installs it where WTForms' widgets and labels look for it."""
    from wtforms import Form, SelectField, StringField, SubmitField, TextAreaField, widgets
    from wtforms.fields.choices import SelectChoice
    from wtforms.widgets import core

    assert core.html_params is fast_html_params and widgets.html_params is fast_html_params
    assert core.Input.html_params is fast_html_params
    assert core.Button.html_params is fast_html_params

    class Sample(Form):
        name = StringField("Tên <b>")
        body = TextAreaField("Nội dung")
        kind = SelectField("Loại", choices=[SelectChoice("a", 'A "1"'), SelectChoice("b", "B & 2")])
        go = SubmitField("Gửi")

    form = Sample(data={"name": 'x"<y>', "body": "a & b", "kind": "b"})
    quoted = '1"2'
    html = "".join(f"{f(data_x=quoted, aria_invalid='true')}{f.label}" for f in form)
    assert 'value="x&#34;&lt;y&gt;"' in html and 'data-x="1&#34;2"' in html
    assert '<option selected value="b">B &amp; 2</option>' in html
    assert '<label for="name">Tên &lt;b&gt;</label>' in html
