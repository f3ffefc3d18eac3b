"""The rules of administration as plain functions (issue 9): no account gives rights it
does not hold, nobody locks themselves out, usernames and temporary passwords."""
import pytest

from app.auth.passwords import password_problem
from app.admin.rules import (account_problems, archive_problem, grantable_roles,
                             parent_problem, temporary_password, username_problem)
from app.auth.models import ROLES, User
from app.units.models import Unit


def person(id, *roles, unit_id=None):
    user = User(id=id, username=f"u{id}", full_name=f"Người {id}", unit_id=unit_id, active=True)
    user.roles = roles
    return user


ADMIN = person(1, "admin")


def test_an_administrator_may_grant_every_role_of_a_commune_and_none_of_the_province():
    assert grantable_roles(ADMIN) == frozenset(ROLES) - {"province_admin", "province_board"}
    problems = account_problems(ADMIN, None, ["province_board"], True, None)
    assert any("Ban Thi đua – Khen thưởng tỉnh" in p for p in problems)


@pytest.mark.parametrize("roles", [("chair", "council"), ("secretariat", "editor"),
                                   ("supervisor",), ("editor",)])
def test_nobody_but_an_administrator_may_grant_anything(roles):
    # the secretariat holds 'secretariat', yet cannot hand it (or anything) to others
    assert grantable_roles(person(2, *roles, unit_id=4)) == frozenset()
    assert account_problems(person(2, *roles, unit_id=4), None, ["editor"], True, 4)


def test_a_role_not_held_cannot_be_given_or_taken():
    clerk = person(2, "secretariat", unit_id=4)
    target = person(3, "chair")
    problems = account_problems(clerk, target, ["editor"], True, 4)
    assert any("cấp vai trò “Cán bộ đơn vị”" in p for p in problems)
    assert any("thu hồi vai trò “Chủ tịch UBND xã”" in p for p in problems)


def test_an_administrator_may_create_a_village_head_and_another_administrator():
    assert account_problems(ADMIN, None, ["editor"], True, 15) == []
    assert account_problems(ADMIN, None, ["admin"], True, None) == []


def test_an_administrator_cannot_lock_themselves_out():
    me = person(1, "admin")
    assert any("tự bỏ vai trò quản trị" in p
               for p in account_problems(me, me, ["editor"], True, 4))
    assert any("tự khóa" in p for p in account_problems(me, me, ["admin"], False, None))
    # another administrator can be changed or locked
    other = person(9, "admin")
    assert account_problems(me, other, ["chair"], False, 1) == []


def test_an_editor_needs_a_unit_and_an_account_needs_a_role():
    assert any("phải thuộc một đơn vị" in p
               for p in account_problems(ADMIN, None, ["editor"], True, None))
    assert any("ít nhất một vai trò" in p for p in account_problems(ADMIN, None, [], True, 1))


@pytest.mark.parametrize("name,ok", [("ban03", True), ("Bản03", True), ("nguyen.van-a_1", True),
                                     ("ab", False), ("có dấu cách", False), ("a/b", False),
                                     ("x" * 61, False), ("...", True)])
def test_usernames(name, ok):
    assert (username_problem(name) is None) == ok


def test_temporary_passwords_pass_the_password_rules_and_differ():
    seen = {temporary_password() for _ in range(50)}
    assert len(seen) == 50
    for password in seen:
        assert password_problem(password) is None
        assert len(password) == 14 and not set(password) & set("01lio")


def test_a_unit_cannot_move_under_itself_or_its_own_subunit():
    parents = {1: None, 2: 1, 3: 2, 4: 3}
    assert parent_problem(2, 4, parents)  # 4 is under 3 under 2
    assert parent_problem(2, 2, parents)
    assert parent_problem(3, 1, parents) is None
    assert parent_problem(None, 4, parents) is None  # a new unit
    assert parent_problem(2, 5, {5: 6, 6: 5}) is None  # a broken loop elsewhere ends


def test_what_blocks_archiving_a_unit():
    unit = Unit(slug="ban-x", name="Bản X", kind="village")
    assert archive_problem(unit, 0, False) is None
    assert "trực thuộc" in archive_problem(unit, 2, False)
    assert "chủ trì kế hoạch" in archive_problem(unit, 0, True)
    from app.core.columns import utcnow
    unit.archived_at = utcnow()
    assert "đã được lưu trữ" in archive_problem(unit, 0, False)
