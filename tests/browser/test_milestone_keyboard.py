"""A milestone's status buttons with a keyboard and a screen reader (issue 18): grouped
under the milestone's title, the current one reachable and announced as pressed, the focus
kept on the row after the change (htmx's autofocus: no script of ours) and the change said
in a live region (an out-of-band part of the answer)."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_status_buttons_speak_their_milestone_and_keep_the_keyboard(page, live_server):
    sign_in(page, live_server.url, "ban01")
    expect(page).to_have_url(re.compile(r"/units/ban-mau-01$"))
    group = page.get_by_role("group", name=re.compile(r"^Trạng thái của mốc ")).first
    title = group.get_attribute("aria-label").removeprefix("Trạng thái của mốc ")
    current = group.locator('button[aria-pressed="true"]')
    expect(current).to_have_count(1)
    expect(current).to_be_enabled()  # reachable: pressed, not disabled
    current.focus()
    expect(current).to_be_focused()
    done = group.get_by_role("button", name="Hoàn thành")
    if done.get_attribute("aria-pressed") == "true":
        done = group.get_by_role("button", name="Đang thực hiện")
    name = done.inner_text()
    done.focus()
    with page.expect_response(re.compile(r"/milestones/\d+/status$")):
        page.keyboard.press("Enter")
    row = page.get_by_role("group", name=f"Trạng thái của mốc {title}")
    pressed = row.get_by_role("button", name=name)
    expect(pressed).to_have_attribute("aria-pressed", "true")
    expect(pressed).to_be_focused()  # the swap did not drop the keyboard to the page
    expect(page.locator("#ms-said")).to_have_text(f"{title}: {name}")
    # the accessibility tree: the buttons sit in a group named with the milestone
    tree = row.aria_snapshot()
    assert tree.startswith(f'- group "Trạng thái của mốc {title}"'), tree
    assert f'- button "{name}" [pressed]' in tree, tree
    assert tree.count("[pressed]") == 1, tree
