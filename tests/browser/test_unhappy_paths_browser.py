"""The unhappy paths a real person takes, in Chromium: leaving a page a second after typing, the wrong
person at the keyboard after an idle sign-out, a counselor signed out mid-comment."""
import time
from datetime import timedelta

import pytest
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import func, select

from support import PASSWORD, browser_sign_in, signed_out_soon
from helpers import answer_everything, both_partners_submit, sample_answer, save_section, submit
from support import csrf_token, signed_in
from therapist_app.engine.presentation import definition_of, sections_for
from therapist_app.extensions import session as db_session
from therapist_app.models import Response, ResponseRevision
from therapist_app.services import practice_admin

WORDS = "The last words, typed a moment ago"
OTHER_TAB_WORDS = "Written in the other tab"


@pytest.fixture
def homework(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    return couple, assignment


def _draft_values(assignment, partner) -> list:
    db_session.expire_all()
    response = db_session.scalar(select(Response).where(Response.assignment_id == assignment.id,
                                                        Response.partner_id == partner.id))
    return list(response.draft["values"].values()) if response else []


def _open_and_type(page, assignment, text=WORDS):
    page.goto(f"/my/homework/{assignment.id}")
    box = page.locator("textarea").first
    box.click()
    box.press_sequentially(text, delay=1)  # no pause long enough for the 2.5 s autosave


def test_typing_then_reloading_within_a_second_keeps_the_words(homework, new_page):
    couple, assignment = homework
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    _open_and_type(page, assignment)
    page.reload()
    assert page.locator("textarea").first.input_value() == WORDS


def test_a_reload_stays_on_the_part_shown_when_its_questions_were_answered_meanwhile(homework, app, new_page):
    """Opened from My homework, an exercise opens where the partner stopped. Answering a part's last
    question moves that on; a reload must still show the part the partner was on, not the next one."""
    couple, assignment = homework
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.get_by_role("link", name="Understanding each other").first.click()
    page.get_by_text("Part 1 of").wait_for()
    first_part = sections_for(definition_of(assignment.worksheet_version), None)[0]
    answers = {}
    for field in first_part.fields:
        answers.update(sample_answer(field, "Answered just now"))
    assert save_section(signed_in(app, couple.partner_a), assignment.id, answers).status_code == 302
    page.reload()
    assert page.get_by_text("Part 1 of").is_visible()
    assert "Answered just now" in page.locator("textarea").first.input_value()


def test_a_paste_too_long_for_its_question_survives_a_reload_and_its_message_goes_once_shortened(homework, new_page):
    couple, assignment = homework
    field = next(f for f in sections_for(definition_of(assignment.worksheet_version), None)[0].fields
                 if f.type == "long_text")
    pasted = ("Everything I wanted to say about that night. " * (field.max_length // 40))[: field.max_length + 500]
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{assignment.id}?section=0&edit=1")
    box = page.locator(f"#a__{field.id}")
    box.fill(pasted)
    page.get_by_text("Saved. Please look at the answers marked below.").wait_for()
    page.reload()
    assert box.input_value() == pasted
    message = page.locator(f"#a__{field.id}-error")
    assert "please shorten it by 500" in message.inner_text() and box.get_attribute("aria-invalid") == "true"
    question = page.locator(f'.question[data-field="{field.id}"]')
    assert question.get_by_text("over the limit").count() == 0  # said once, not again by the live count
    box.press("End")
    box.press("Backspace")  # still 499 over: the live count takes over from the page's message
    page.get_by_text("Saved. Please look at the answers marked below.").wait_for()
    assert message.count() == 0 and question.locator(".errors").count() == 0
    assert "499 over the limit" in question.locator(".limit-count").inner_text()
    assert box.get_attribute("aria-invalid") == "true"
    box.fill(pasted[: field.max_length])
    page.get_by_text("Saved", exact=True).wait_for()
    assert message.count() == 0 and box.get_attribute("aria-invalid") is None


def test_an_answer_of_emoji_and_line_breaks_is_counted_as_the_person_sees_it(homework, new_page):
    """The live count said an emoji was two characters (JavaScript's length), and the server counted each
    line break twice (a browser sends CR LF): an answer within its limit was marked over it, in red."""
    couple, assignment = homework
    field = next(f for f in sections_for(definition_of(assignment.worksheet_version), None)[0].fields
                 if f.type == "long_text")
    line = "Я скучаю 💔🙏 and I am trying\n"  # 29 characters as anyone counts them
    typed = (line * (field.max_length // len(line) + 1))[: field.max_length]
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{assignment.id}?section=0&edit=1")
    box = page.locator(f"#a__{field.id}")
    box.fill(typed)
    page.get_by_text("Saved", exact=True).wait_for()
    question = page.locator(f'.question[data-field="{field.id}"]')
    assert f"{field.max_length:,} of {field.max_length:,} characters" in question.locator(".limit-count").inner_text()
    assert box.get_attribute("aria-invalid") is None and question.locator(".errors").count() == 0
    page.reload()
    assert box.input_value() == typed and page.locator(f"#a__{field.id}-error").count() == 0


def test_the_wait_for_unsaved_typing_is_asked_for_while_typing_and_dropped_once_saved(homework, new_page):
    """The page that loads next waits for the last save only if the browser's request carries the
    marker. Written only as the page unloaded, the marker once lost the race with the reload's own
    request on a busy machine, and the reloaded page showed an empty answer (seen once in a full run).
    It is written while typing now, and dropped once everything is saved, so that coming back later
    never waits."""
    couple, assignment = homework
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    _open_and_type(page, assignment)
    assert f"ta_unload_save={assignment.id}:0" in page.evaluate("document.cookie")
    page.wait_for_function("() => !document.cookie.includes('ta_unload_save=')", timeout=10_000)  # the autosave
    assert _draft_values(assignment, couple.partner_a) == [WORDS]


class _SlowSaves:
    """A slow phone network, in front of the app: each autosave reaches the server `delays[kind]`
    seconds late ("autosave", or "leaving" for the save a page sends as it unloads)."""

    def __init__(self, wsgi_app, delays):
        self.wsgi_app, self.delays = wsgi_app, delays
        self.arrived = {"autosave": 0, "leaving": 0}

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"].endswith("/draft") and environ["REQUEST_METHOD"] == "POST":
            kind = "leaving" if "beacon=1" in environ.get("QUERY_STRING", "") else "autosave"
            self.arrived[kind] += 1
            time.sleep(self.delays[kind])
        return self.wsgi_app(environ, start_response)


@pytest.mark.parametrize("delays", [{"autosave": 1.0, "leaving": 2.5}, {"autosave": 3.0, "leaving": 0.3}],
                         ids=["the autosave lands first", "the leaving save lands first"])
def test_reloading_while_an_autosave_is_on_its_way_keeps_the_words_typed_after_it(app, homework, new_page, delays):
    """An autosave is still on its way when the partner types a few more words and reloads, and the
    autosave and the page's leaving save reach the server in either order. The reloaded page shows the
    later words and the draft holds them, with nothing kept aside as a conflict: both saves are the
    same page's. The leaving save is sent once, though a reload fires two leaving events (the second,
    with the autosave still on its way, would carry nothing new)."""
    couple, assignment = homework
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    _open_and_type(page, assignment)
    slow = app.wsgi_app = _SlowSaves(app.wsgi_app, delays)
    try:
        page.locator("textarea").first.blur()  # leaving the box sends the autosave now
        page.locator(".save-status", has_text="Saving").wait_for()
        box = page.locator("textarea").first
        box.click()
        box.press("End")
        box.press_sequentially(", and then a few more", delay=1)
        page.reload()
        assert page.locator("textarea").first.input_value() == WORDS + ", and then a few more"
        page.wait_for_timeout(max(delays.values()) * 1000 + 500)  # every save has arrived and been answered
        assert slow.arrived == {"autosave": 1, "leaving": 1}
    finally:
        app.wsgi_app = app.wsgi_app.wsgi_app
    assert _draft_values(assignment, couple.partner_a) == [WORDS + ", and then a few more"]
    assert db_session.scalar(select(func.count()).select_from(ResponseRevision)) == 0


def test_typing_then_going_back_within_a_second_keeps_the_words(homework, new_page):
    couple, assignment = homework
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto("/my/")
    _open_and_type(page, assignment)
    page.go_back()
    page.wait_for_url("**/my/")
    page.goto(f"/my/homework/{assignment.id}")
    assert page.locator("textarea").first.input_value() == WORDS


def test_typing_then_closing_the_tab_within_a_second_keeps_the_words(homework, new_page):
    couple, assignment = homework
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    _open_and_type(page, assignment)
    page.close(run_before_unload=True)
    reopened = page.context.new_page()
    reopened.goto(f"/my/homework/{assignment.id}")
    assert reopened.locator("textarea").first.input_value() == WORDS


def test_quick_exit_a_second_after_typing_saves_the_words_and_signs_out(homework, new_page, live_server, app):
    couple, assignment = homework
    app.config["THERAPIST_QUICK_EXIT_URL"] = f"{live_server}/login?neutral=1"
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    _open_and_type(page, assignment)
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url("**/login?neutral=1")  # the exit itself waited for nothing
    version = couple.partner_a.session_version
    for _ in range(50):  # the save and the sign-out travel on after the page is gone
        db_session.expire_all()
        if WORDS in _draft_values(assignment, couple.partner_a) and couple.partner_a.session_version != version:
            break
        page.wait_for_timeout(100)
    assert WORDS in _draft_values(assignment, couple.partner_a)
    page.goto("/my/")
    assert "/login" in page.url  # and the partner is signed out


def test_quick_exit_with_a_text_too_long_to_outlive_the_page_still_signs_out(homework, new_page, live_server, app):
    """A long letter in characters of three bytes each passes the 64 KB a request that outlives the
    page may carry: the sign-out must not ride on it, or the browser drops both."""
    couple, assignment = homework
    app.config["THERAPIST_QUICK_EXIT_URL"] = f"{live_server}/login?neutral=1"
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{assignment.id}")
    box = page.locator("textarea").first
    box.fill("語" * 22_500)  # 67.5 KB as UTF-8
    box.press("End")
    box.press_sequentially("x", delay=1)  # typing not yet saved
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url("**/login?neutral=1")
    assert signed_out_soon(page)  # the sign-out travels on after the page is gone


def test_after_an_idle_sign_out_the_other_partner_cannot_sign_in_on_the_page(app, homework, new_page):
    couple, assignment = homework
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{assignment.id}")
    app.config["THERAPIST_IDLE_TIMEOUT_CLIENT"] = timedelta(seconds=2)
    page.wait_for_timeout(2500)
    box = page.locator("textarea").first
    box.fill("Robin's words, typed after the quiet spell")
    box.blur()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    app.config["THERAPIST_IDLE_TIMEOUT_CLIENT"] = timedelta(minutes=30)
    dialog.get_by_label("Email or sign-in name").fill(couple.partner_b.email)
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Sign in and continue").click()
    dialog.get_by_text("belongs to someone else's session").wait_for()
    assert dialog.get_by_role("button", name="Sign out").is_visible()
    assert _draft_values(assignment, couple.partner_b) == []
    # The page's owner signs in instead, and the words are saved to their own draft.
    dialog.get_by_label("Email or sign-in name").fill(couple.partner_a.email)
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Sign in and continue").click()
    page.locator(".save-status", has_text="Saved").first.wait_for()
    assert "Robin's words, typed after the quiet spell" in _draft_values(assignment, couple.partner_a)


def test_typing_when_the_password_was_changed_on_another_device_says_so_and_keeps_the_words(app, homework, new_page):
    """The dialog said "after a quiet spell" to a partner who was typing: the real reason, a new password
    set elsewhere (perhaps not by them), was never told."""
    couple, assignment = homework
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{assignment.id}")
    laptop = signed_in(app, couple.partner_a)
    new_password = "a new and longer passphrase"
    changed = laptop.post("/account/password", data={"current": PASSWORD, "password": new_password,
                                                     "confirm": new_password, "csrf_token": csrf_token(laptop)})
    assert changed.status_code == 302
    box = page.locator("textarea").first
    box.fill("Typed on the phone after the change")
    box.blur()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("this account's password was changed").wait_for()
    assert not dialog.get_by_text("quiet spell").is_visible()
    assert dialog.get_by_role("button", name="Sign out").is_visible()  # if it wasn't them: out, then recover
    dialog.get_by_label("Password").fill(new_password)
    dialog.get_by_role("button", name="Sign in and continue").click()
    page.locator(".save-status", has_text="Saved").first.wait_for()
    assert "Typed on the phone after the change" in _draft_values(assignment, couple.partner_a)


def test_a_counselor_signed_out_mid_comment_signs_in_again_in_place_and_the_comment_is_kept(app, factory, new_page):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    partner = signed_in(app, couple.partner_a)
    answer_everything(partner, assignment)
    submit(partner, assignment.id)
    page = new_page(phone=False)
    browser_sign_in(page, couple.counselor.email)
    page.goto(f"/counselor/assignments/{assignment.id}")
    app.config["THERAPIST_IDLE_TIMEOUT_COUNSELOR"] = timedelta(seconds=2)
    comment = "You named something that took courage to name."
    page.get_by_label("A short comment for the partner (optional)").fill(comment)
    page.wait_for_timeout(2500)
    page.get_by_role("button", name="Mark reviewed").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    app.config["THERAPIST_IDLE_TIMEOUT_COUNSELOR"] = timedelta(minutes=15)
    assert page.get_by_label("A short comment for the partner (optional)").input_value() == comment
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Sign in and continue").click()
    page.get_by_text("Marked as reviewed.").wait_for()
    db_session.expire_all()
    response = db_session.scalar(select(Response).where(Response.assignment_id == assignment.id))
    assert response.counselor_comment == comment and response.reviewed_at is not None


def test_a_counselor_deactivated_mid_comment_is_told_so_and_offered_only_sign_out(app, factory, new_page):
    """Told "your password was changed", a deactivated counselor tried their password in the dialog and
    met "doesn't match". The dialog now says the practice deactivated the account, and asks for nothing."""
    practice = factory.practice()
    admin, counselor = factory.admin(practice), factory.counselor(practice)
    couple = factory.couple(counselor=counselor)
    assignment = factory.assign(couple, "empathy-exchange")
    partner = signed_in(app, couple.partner_a)
    answer_everything(partner, assignment)
    submit(partner, assignment.id)
    page = new_page(phone=False)
    browser_sign_in(page, counselor.email)
    page.goto(f"/counselor/assignments/{assignment.id}")
    practice_admin.set_active(admin, counselor.id, False, transfer_to=factory.counselor(practice).id)
    page.get_by_label("A short comment for the partner (optional)").fill("A comment never sent")
    page.get_by_role("button", name="Mark reviewed").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("your practice has deactivated this account").wait_for()
    assert dialog.get_by_role("heading", name="You have been signed out").is_visible()  # not "sign in again"
    assert not dialog.get_by_text("password was changed").is_visible()
    assert not dialog.get_by_label("Password").is_visible()
    assert not dialog.get_by_role("button", name="Sign in and continue").is_visible()
    dialog.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login**")


def test_side_by_side_columns_are_equal_however_long_one_answer_is(app, factory, new_page):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    both_partners_submit(app, couple, assignment, text="A long answer that goes on. " * 9, text_b="Short")
    page = new_page(phone=False)
    browser_sign_in(page, couple.counselor.email)
    page.goto(f"/counselor/assignments/{assignment.id}")
    widths = page.locator("table.side-by-side thead th").evaluate_all(
        "cells => cells.map(cell => cell.getBoundingClientRect().width)")
    assert abs(widths[1] - widths[2]) < 2 and widths[2] > 250


def test_an_unused_page_veils_itself_when_the_session_ends_and_the_owner_lifts_the_veil(app, homework, new_page):
    couple, assignment = homework
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    # The limit counts from the sign-in: 6 s leaves a slow machine time to open the page before it ends.
    app.config["THERAPIST_IDLE_TIMEOUT_CLIENT"] = timedelta(seconds=6)
    page.goto(f"/my/homework/{assignment.id}")
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=20_000)  # nobody touched the phone
    assert not page.locator("main").is_visible() or page.evaluate(
        "getComputedStyle(document.querySelector('main')).visibility") == "hidden"
    app.config["THERAPIST_IDLE_TIMEOUT_CLIENT"] = timedelta(minutes=30)
    # Escape closed the dialog and left a blank page with no way back but a reload: it stays open.
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert dialog.is_visible() and dialog.get_by_label("Password").is_visible()
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Sign in and continue").click()
    dialog.wait_for(state="hidden")
    assert page.evaluate("getComputedStyle(document.querySelector('main')).visibility") == "visible"


def test_quick_exit_works_while_the_sign_in_dialog_covers_a_veiled_page(app, homework, new_page, live_server):
    """The dialog makes the page behind it inert: the header's "Quick exit" could not be tapped, and a
    partner in danger had no way off the screen but signing in or closing the tab."""
    couple, assignment = homework
    app.config["THERAPIST_QUICK_EXIT_URL"] = f"{live_server}/login?neutral=1"
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    app.config["THERAPIST_IDLE_TIMEOUT_CLIENT"] = timedelta(seconds=6)
    page.goto(f"/my/homework/{assignment.id}")
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=20_000)
    app.config["THERAPIST_IDLE_TIMEOUT_CLIENT"] = timedelta(minutes=30)
    dialog.get_by_role("link", name="Quick exit").click()
    page.wait_for_url("**/login?neutral=1")


def _open_then_another_tab_saves_first(new_page, couple, assignment):
    """The exercise open in a tab; then a second tab of the same person saves OTHER_TAB_WORDS into the
    first answer. Returns the first tab, now out of date."""
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{assignment.id}")
    other_tab = page.context.new_page()
    other_tab.goto(f"/my/homework/{assignment.id}")
    other_tab.locator("textarea").first.fill(OTHER_TAB_WORDS)
    other_tab.locator("textarea").first.blur()
    other_tab.locator(".save-status", has_text="Saved").wait_for()
    return page


def test_save_pressed_while_an_autosave_meets_another_tabs_answer_waits_for_the_person_to_see_both(
        app, homework, new_page):
    """Another tab saved first; this page's autosave is on its way when Save is pressed. The autosave
    meets the other tab's answer (a conflict): the page shows both and saves nothing over the other
    answer until the person has looked and presses Save again."""
    couple, assignment = homework
    page = _open_then_another_tab_saves_first(new_page, couple, assignment)
    slow = app.wsgi_app = _SlowSaves(app.wsgi_app, {"autosave": 1.0, "leaving": 0})
    try:
        box = page.locator("textarea").first
        box.fill(WORDS)
        box.blur()
        page.locator(".save-status", has_text="Saving").wait_for()
        page.get_by_role("button", name="Save", exact=True).last.click()
        page.get_by_text(OTHER_TAB_WORDS).wait_for()  # the conflict, shown under the answer
        page.wait_for_timeout(1000)  # time enough for a held-back Save to have been sent
        assert slow.arrived["autosave"] == 1
    finally:
        app.wsgi_app = app.wsgi_app.wsgi_app
    assert _draft_values(assignment, couple.partner_a) == [OTHER_TAB_WORDS]
    assert box.input_value() == WORDS


def test_reloading_again_while_the_first_reload_waits_still_waits_for_the_last_words(app, homework, new_page):
    """On a slow network the first reload hangs while it waits for the leaving save, and the partner
    reloads again. The autosave that was on its way answers meanwhile; the second reload must still
    wait for the leaving save, not show the answer without its last words."""
    couple, assignment = homework
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    _open_and_type(page, assignment)
    app.wsgi_app = _SlowSaves(app.wsgi_app, {"autosave": 1.0, "leaving": 4.0})
    try:
        page.locator("textarea").first.blur()
        page.locator(".save-status", has_text="Saving").wait_for()
        box = page.locator("textarea").first
        box.click()
        box.press("End")
        box.press_sequentially(", and then a few more", delay=1)
        page.evaluate("window.typedOn = true; setTimeout(() => location.reload(), 0)")  # the first reload, hanging
        time.sleep(1.8)  # the autosave has answered the page still showing
        try:
            page.reload()  # the second: the partner presses reload again
        except PlaywrightError:  # "aborted": it cut the first one short, as a person's second press does
            pass
        assert _once_reloaded(page).locator("textarea").first.input_value() == WORDS + ", and then a few more"
    finally:
        app.wsgi_app = app.wsgi_app.wsgi_app


def _once_reloaded(page):
    """The page once a new document has replaced the one marked `typedOn` (the typed-on page shows
    every word typed, and must not be mistaken for the reloaded one)."""
    for _ in range(150):
        try:
            if page.evaluate("document.readyState === 'complete' && !window.typedOn"):
                return page
        except PlaywrightError:  # between the two documents
            pass
        time.sleep(0.1)
    raise AssertionError("the page did not reload")


# Two saves of one page sent at the same moment (a phone's stalled requests go out together): the
# earlier text first, then the later, as the page numbers them.
SEND_TOGETHER = """async ([trial, pageId]) => {
  const form = document.querySelector('form[data-autosave]');
  const box = form.querySelector('textarea');
  const csrf = form.querySelector('input[name=csrf_token]').value;
  const numbered = (text, number) => {
    box.value = text;
    const body = new FormData(form);
    body.append('page', pageId); body.append('page_save', String(number));
    return {method: 'POST', body: body, credentials: 'same-origin',
            headers: {'Accept': 'application/json', 'X-CSRFToken': csrf}};
  };
  const earlier = numbered('earlier ' + trial, 2 * trial - 1), later = numbered('later ' + trial, 2 * trial);
  const answers = await Promise.all([fetch(form.dataset.autosave, earlier), fetch(form.dataset.autosave, later)]);
  return answers.map(answer => answer.status);
}"""


def test_a_pages_two_saves_arriving_together_always_leave_the_later_text(homework, new_page):
    couple, assignment = homework
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{assignment.id}")
    outcomes = []
    for trial in range(1, 21):
        statuses = page.evaluate(SEND_TOGETHER, [trial, "00112233445566ff"])
        outcomes.append((statuses, _draft_values(assignment, couple.partner_a)))
    assert outcomes == [([200, 200], [f"later {trial}"]) for trial in range(1, 21)]


def test_after_a_conflict_nothing_is_saved_over_the_other_version_until_the_person_presses_save(
        app, homework, new_page):
    couple, assignment = homework
    page = _open_then_another_tab_saves_first(new_page, couple, assignment)
    box = page.locator("textarea").first
    box.fill(WORDS)
    box.blur()
    page.get_by_text(OTHER_TAB_WORDS).wait_for()  # the conflict, shown under the answer
    box.press_sequentially(" More.", delay=1)
    box.blur()  # on a phone, closing the keyboard
    page.locator(".save-status", has_text="then press Save").wait_for()
    assert _draft_values(assignment, couple.partner_a) == [OTHER_TAB_WORDS]
    page.get_by_role("button", name="Save", exact=True).last.click()
    page.get_by_text("Saved.").first.wait_for()
    assert _draft_values(assignment, couple.partner_a) == [WORDS + " More."]


@pytest.mark.parametrize("leaving_delay", [0, 1.0], ids=["the leaving save lands first", "the reload lands first"])
def test_reloading_a_tab_whose_last_words_met_a_newer_version_shows_them_to_take_from(
        app, homework, new_page, leaving_delay):
    """Another tab saved a newer answer; this tab's typing goes with its leaving save, which meets it
    and is kept aside. The reloaded page shows the newer answer in the box and this tab's words beside
    it, whichever of the leaving save and the reload reaches the server first."""
    couple, assignment = homework
    page = _open_then_another_tab_saves_first(new_page, couple, assignment)
    app.wsgi_app = _SlowSaves(app.wsgi_app, {"autosave": 0, "leaving": leaving_delay})
    try:
        box = page.locator("textarea").first  # this tab was opened before the other saved
        box.click()
        box.press_sequentially("Typed here a moment before reloading", delay=1)
        page.reload()
        assert page.locator("textarea").first.input_value() == OTHER_TAB_WORDS
        kept = page.locator(".conflict", has_text="wasn't saved over a newer version")
        assert "Typed here a moment before reloading" in kept.text_content(timeout=1000)
    finally:
        app.wsgi_app = app.wsgi_app.wsgi_app
    page.goto(f"/my/homework/{assignment.id}")  # later visits don't show it again
    assert not page.locator(".conflict", has_text="wasn't saved over").count()
