"""Templates' _(): Jinja's newstyle gettext semantics, translated labels kept per catalogue."""
from app.core import i18n


def render(app, source, lang=None, **context):
    headers = {"Cookie": f"lang={lang}"} if lang else {}
    with app.test_request_context("/", headers=headers):
        app.preprocess_request()
        return app.jinja_env.from_string(source).render(**context)


def test_fixed_labels_variables_and_percent_signs(app):
    assert render(app, '{{ _("Xem") }}') == "Xem"
    assert render(app, '{{ _("Xem") }}', lang="en") != "Xem"  # the English catalogue
    # always a format string, as Jinja's newstyle gettext: "%%" is one "%"
    assert render(app, '{{ _("100%% xong") }}') == "100% xong"
    # variables escaped, the translation itself not
    assert render(app, '{{ _("Năm %(y)s", y=y) }}', y="<b>") == "Năm &lt;b&gt;"
    assert render(app, '{{ _(h|e|replace("%", "%%")) }}', h="<i>50%</i>") == "&lt;i&gt;50%&lt;/i&gt;"
    assert render(app, '{{ ngettext("%(num)s mốc", "%(num)s mốc", n) }}', n=3) == "3 mốc"


def test_the_kept_labels_do_not_grow_without_end(app, monkeypatch):
    monkeypatch.setattr(i18n, "LABELS_KEPT", 3)
    with app.test_request_context("/"):
        app.preprocess_request()
        i18n._translations().__dict__.pop("_thidua_labels", None)  # shared by the process
        template = app.jinja_env.from_string('{% for w in words %}{{ _(w) }},{% endfor %}')
        words = [f"nhãn số {i}" for i in range(10)]
        assert template.render(words=words) == ",".join(words) + ","
        kept = i18n._translations().__dict__["_thidua_labels"]
        assert len(kept) <= 3
        assert template.render(words=words) == ",".join(words) + ","  # still right past the cap
