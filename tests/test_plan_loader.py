"""Another commune starts with its own plan (issue 9, item 5): the loader reads the
documented format, names the line of every mistake, and loads into an empty database on
SQLite and PostgreSQL; it refuses a database that already has a plan."""
import os
import re
import textwrap

import pytest
from sqlalchemy import func, select, text

from app import create_app
from app.core.extensions import db
from app.plans.loader import DEFAULT_PLAN_FILE, PlanFileError, locate_lines, read_plan_file
from tests.conftest import _pg_admin_engine, _pg_url, make_config

# A small commune, written the way docs/plan-format.md says.
OTHER_COMMUNE = textwrap.dedent('''\
    format = "thidua-plan/1"

    [commune]
    name = "Nậm Tăm"
    province = "Lai Châu"
    committee = "Ủy ban nhân dân xã Nậm Tăm"

    [plan]
    year = 2026
    number = "07/KH-UBND"
    date_text = "ngày 20 tháng 01 năm 2026"
    title = "Phát động phong trào thi đua năm 2026"
    basis = ""
    theme = "Đoàn kết, sáng tạo"
    signer_title = "Chủ tịch"
    signer_name = "Lò Văn Mẫu"
    recipients = ["Các bản", "Lưu: VT"]

    [[plan.sections]]
    key = "muc_dich"
    heading = "I.1. Mục đích"
    body = """
    Đoạn một.

    Đoạn hai."""

    [[units]]
    slug = "ubnd-nam-tam"
    name = "Ủy ban nhân dân xã Nậm Tăm"
    short_name = "UBND xã"
    kind = "commune"
    parent = ""

    [[units]]
    slug = "ban-na-hi"
    name = "Bản Nà Hì"
    short_name = "Nà Hì"
    kind = "village"
    parent = "ubnd-nam-tam"

    [[areas]]
    code = "III.1"
    title = "Thi đua phát triển kinh tế"
    body = ""
    lead = "ubnd-nam-tam"

    [[indicators]]
    code = "III.1-01"
    area = "III.1"
    name = "Tỷ lệ che phủ rừng"
    unit_of_measure = "%"
    semantics = "at_least"
    target = "61,5"
    total = ""
    baseline = ""
    lead = "ubnd-nam-tam"
    contributors = ["ban-na-hi"]
    source = "tỷ lệ che phủ rừng đạt 61,5%"

    [[indicators]]
    code = "III.1-02"
    area = "III.1"
    name = "Thu ngân sách"
    unit_of_measure = "triệu đồng"
    semantics = "sum_flow"
    target = "1.250"
    total = ""
    baseline = ""
    lead = "ubnd-nam-tam"
    contributors = []
    source = "thu ngân sách 1.250 triệu đồng"
    ''')


def write(tmp_path, content, name="plan.toml"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def errors_of(tmp_path, content):
    with pytest.raises(PlanFileError) as err:
        read_plan_file(write(tmp_path, content))
    return err.value.errors


def test_the_projects_own_2026_file_is_an_example_of_the_format():
    pf = read_plan_file(DEFAULT_PLAN_FILE)
    assert pf.data["plan"]["year"] == 2026 and len(pf.data["indicators"]) == 24


def test_the_small_example_is_valid(tmp_path):
    assert read_plan_file(write(tmp_path, OTHER_COMMUNE)).data["commune"]["name"] == "Nậm Tăm"


def mark_errors(content: str, edits: dict) -> tuple[str, set]:
    """Apply {old line: new line} edits; return the text and the line numbers changed."""
    lines = content.splitlines()
    changed = set()
    for old, new in edits.items():
        n = lines.index(old)
        lines[n] = new
        changed.add(n + 1)
    return "\n".join(lines) + "\n", changed


def test_every_validation_error_names_the_line_of_the_mistake(tmp_path):
    bad, lines = mark_errors(OTHER_COMMUNE, {
        'format = "thidua-plan/1"': 'format = "thidua-plan/2"',
        "year = 2026": 'year = "2026"',
        'slug = "ban-na-hi"': 'slug = "Bản Nà Hì"',
        'kind = "village"': 'kind = "hamlet"',
        'lead = "ubnd-nam-tam"': 'lead = "ubnd-khac"',          # the area's lead
        'code = "III.1-02"': 'code = "III.1-01"',               # duplicate
        'semantics = "sum_flow"': 'semantics = "tong"',
        'target = "61,5"': 'target = "61.5"',                   # English decimal point
        'target = "1.250"': "target = 1250",                    # not a string
        'contributors = ["ban-na-hi"]': 'contributors = ["ban-khong-co"]',
        'unit_of_measure = "%"': 'unit_of_measure = 5',
        'source = "thu ngân sách 1.250 triệu đồng"': 'sourse = "thu ngân sách"',  # a typo
        'heading = "I.1. Mục đích"': 'heading = ""',
    })
    errors = errors_of(tmp_path, bad)
    named = {int(re.match(r"dòng (\d+)", e).group(1)) for e in errors}
    assert all(re.match(r"dòng \d+( \(chỉ tiêu [^)]*\))?: ", e) for e in errors), errors
    assert named == lines, (sorted(named), sorted(lines), errors)
    text = "\n".join(errors)
    for phrase in ('khóa format phải là "thidua-plan/1"', "year phải là số nguyên",
                   'kind "hamlet" không hợp lệ', 'lead "ubnd-khac" không có',
                   "(chỉ tiêu III.1-01): code bị trùng", 'semantics "tong" không hợp lệ',
                   "dấu chấm chỉ dùng để phân cách hàng nghìn",
                   "target phải là chuỗi số kiểu Việt Nam", 'contributors có "ban-khong-co"',
                   "unit_of_measure phải là chuỗi", 'khóa "sourse" không có trong định dạng',
                   "heading đang để trống"):
        assert phrase in text, phrase


def test_a_missing_key_is_named_at_its_table(tmp_path):
    bad = OTHER_COMMUNE.replace('name = "Tỷ lệ che phủ rừng"\n', "")
    errors = errors_of(tmp_path, bad)
    header = OTHER_COMMUNE.splitlines().index("[[indicators]]") + 1
    assert errors == [f"dòng {header} (chỉ tiêu III.1-01): thiếu name."]


def test_keys_inside_multi_line_strings_and_arrays_are_not_keys():
    text = 'a = """\nb = 1\n"""\nc = [\n  "d = 2",\n  "]",\n]\ne = 3\n'
    headers, keys = locate_lines(text)
    assert keys == {("", None, "a"): 1, ("", None, "c"): 4, ("", None, "e"): 8}


@pytest.mark.parametrize("content,expected", [
    ('format = "thidua-plan/1"\n[plan\nyear = 2026\n', r"^dòng 2, cột \d+: lỗi cú pháp TOML"),
    ('format = "thidua-plan/1"\nx = "a\n', r"^dòng 2, cột \d+: lỗi cú pháp TOML"),
    ('format = "thidua-plan/1"\n\n\ntitle = "Kế hoạch"\n'.encode("utf-8").replace(
        "ế".encode(), b"\xe1\xba"), r"^dòng 4: tệp phải mã hóa UTF-8"),
    ('format = "thidua-plan/1"\nunits = "không phải bảng"\n',
     r"^dòng 2: units phải là danh sách bảng \[\[units\]\]"),
    ('format = "thidua-plan/1"\nplan = 5\n', r"^dòng 2: plan phải là một bảng"),
])
def test_unreadable_files_are_named_by_line_never_a_crash(tmp_path, content, expected):
    errors = errors_of(tmp_path, content)
    assert re.search(expected, errors[0]), errors


def test_an_empty_file_says_what_is_missing(tmp_path):
    errors = errors_of(tmp_path, "")
    assert errors == ['dòng 1: khóa format phải là "thidua-plan/1".', "dòng 1: thiếu bảng [plan].",
                      "dòng 1: tệp chưa có đơn vị nào ([[units]])."]


def test_a_byte_order_mark_is_accepted(tmp_path):
    with_bom = read_plan_file(write(tmp_path, "\ufeff" + OTHER_COMMUNE))
    without = read_plan_file(write(tmp_path, OTHER_COMMUNE))
    assert with_bom == without  # the mark is not part of the first key


# ---- loading into an empty database, through the CLI ----

def _empty_app(url):
    app = create_app(make_config(url))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return app


def _load_and_check(app, tmp_path):
    runner = app.test_cli_runner()
    bad = write(tmp_path, OTHER_COMMUNE.replace('kind = "village"', 'kind = "hamlet"'), "bad.toml")
    checked = runner.invoke(args=["plan", "check", str(bad)])
    assert checked.exit_code != 0 and re.search(r"dòng \d+: kind", checked.output)
    good = write(tmp_path, OTHER_COMMUNE, "nam-tam.toml")
    assert "2 chỉ tiêu" in runner.invoke(args=["plan", "check", str(good)]).output
    loaded = runner.invoke(args=["plan", "load", str(good)])
    assert loaded.exit_code == 0, loaded.output
    from app.plans.models import Indicator, Plan
    from app.units.models import Unit
    with app.app_context():
        plan = db.session.scalar(Plan.commune_plan_stmt(2026))
        assert plan.number == "07/KH-UBND" and plan.recipient_list == ["Các bản", "Lưu: VT"]
        assert plan.sections[0].body == "Đoạn một.\n\nĐoạn hai."
        assert plan.unit.slug == "ubnd-nam-tam"
        village = db.session.scalar(select(Unit).where(Unit.slug == "ban-na-hi"))
        assert village.parent_id == plan.unit_id
        targets = dict(db.session.execute(select(Indicator.code, Indicator.target)).all())
        assert {k: format(v.normalize(), "f") for k, v in targets.items()} == {
            "III.1-01": "61.5", "III.1-02": "1250"}
        # one implementation plan per unit
        assert db.session.scalar(select(func.count(Plan.id)).where(
            Plan.parent_id == plan.id)) == 2
        db.session.remove()
    # a commune that has a plan is refused, even with another year's file (the next year is
    # started from the app, which carries the plan over)
    again = runner.invoke(args=["plan", "load", str(write(
        tmp_path, OTHER_COMMUNE.replace("year = 2026", "year = 2027"), "2027.toml"))])
    assert again.exit_code != 0 and "đã có kế hoạch" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Plan.id)).where(Plan.parent_id.is_(None))) == 1
        db.session.remove()
    # the first administrator, then the app serves the other commune's plan
    created = runner.invoke(args=["create-admin", "--username", "quantri",
                                  "--full-name", "Quản trị xã Nậm Tăm"],
                            input="mat-khau-rat-dai-2026\n")
    assert created.exit_code == 0, created.output
    from tests.conftest import Client
    c = Client(app)
    assert c.login("quantri", "mat-khau-rat-dai-2026").status_code == 302
    page = c.get("/plan").get_data(as_text=True)
    assert "Đoàn kết, sáng tạo" in page and "61,5 %" in page
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_loads_another_communes_plan_into_an_empty_sqlite_database(tmp_path):
    _load_and_check(_empty_app(f"sqlite:///{tmp_path / 'empty.sqlite'}"), tmp_path)


def test_loads_another_communes_plan_into_an_empty_postgresql_database(pg_template, tmp_path):
    name = f"thidua_load_{os.getpid()}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _load_and_check(_empty_app(_pg_url(name)), tmp_path)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.parametrize("db_kind", ["sqlite", "postgresql"])
def test_the_2026_file_loads_into_an_empty_database(db_kind, tmp_path, request):
    if db_kind == "sqlite":
        url, cleanup = f"sqlite:///{tmp_path / 'e.sqlite'}", None
    else:
        request.getfixturevalue("pg_template")  # skips or fails as the suite says
        name = f"thidua_load26_{os.getpid()}"
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = _pg_url(name)

        def cleanup():
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    try:
        app = _empty_app(url)
        result = app.test_cli_runner().invoke(args=["plan", "load", str(DEFAULT_PLAN_FILE)])
        assert result.exit_code == 0 and "Đã nạp kế hoạch 2026" in result.output
        from app.plans.models import Indicator
        with app.app_context():
            assert db.session.scalar(select(func.count(Indicator.id))) == 24
            db.session.remove()
            db.engine.dispose()
    finally:
        if cleanup:
            cleanup()
