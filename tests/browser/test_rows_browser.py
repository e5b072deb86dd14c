"""A table of rows on a phone, in Chromium: "Add a row" gives a third row and more, up to the table's
most, and what is typed in it is saved and comes back on a reload."""
from helpers import answer_everything, submit
from support import browser_sign_in, signed_in
from therapist_app.engine.presentation import definition_of, sections_for


def test_a_partner_adds_rows_to_a_table_and_they_are_saved(app, factory, new_page):
    couple = factory.couple()
    assignment = factory.assign(couple, "new-boundaries")
    section = next(view.index for view in sections_for(definition_of(assignment.worksheet_version), None)
                   if any(f.id == "privacy_communication_boundaries" for f in view.fields))
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{assignment.id}?section={section}&edit=1")
    table = page.locator(".rows")
    assert table.locator(".row-entry").count() == 2 and page.locator(".rows-more").count() == 0
    add = page.get_by_role("button", name="Add a row")
    add.click()
    third = table.locator(".row-entry").nth(2)
    assert third.locator(".row-number").inner_text() == "Row 3"
    assert page.evaluate("document.activeElement.name") == "a__privacy_communication_boundaries-2-area"
    third.get_by_label("Area").fill("Phones")
    third.get_by_label("What I ask for").fill("A call if you'll be late")
    page.get_by_text("Saved", exact=True).wait_for()
    page.reload()
    assert page.locator("[name='a__privacy_communication_boundaries-0-area']").input_value() == "Phones"
    for _ in range(7):  # up to the table's most, 8 rows, and no further
        if add.is_visible():
            add.click()
    assert table.locator(".row-entry").count() == 8 and not add.is_visible()


def test_a_sent_table_of_rows_fits_a_phone_screen(app, factory, new_page):
    """Four columns of sentences made the page 415 px wide on a 390 px phone: it scrolled sideways and
    the header was cut off. On a phone each row now reads as a small card, each value under its name."""
    couple = factory.couple()
    assignment = factory.assign(couple, "new-boundaries")
    browser = signed_in(app, couple.partner_a)
    answer_everything(browser, assignment, text="Somewhere quiet, after the children are asleep, with phones away")
    assert submit(browser, assignment.id).status_code == 302
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{assignment.id}")
    table = page.locator("table.rows-table").first
    table.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    first_cell = table.locator("td").first
    label = first_cell.get_attribute("data-label")
    assert page.evaluate("cell => getComputedStyle(cell, '::before').content", first_cell.element_handle()) == f'"{label}"'
