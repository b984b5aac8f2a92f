"""German (LANGUAGE_CODE=de) in a real browser: axe passes every reader page; the script speaks German."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_quote_to_counter import BODY, PASSAGE, select_by_mouse
from tests.reader_pages import make_reader_site
from tests.support.browser import DESKTOP, describe, run_axe
from tests.support.factories import make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_reader_page_in_german_has_no_axe_violation(new_page, axe_source, settings):
    settings.LANGUAGE_CODE = "de"
    pages = make_reader_site()
    page = new_page(viewport=DESKTOP)
    found = {}
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == (404 if name == "not found" else 200), path
        assert page.locator("html").get_attribute("lang") == "de"
        violations = run_axe(page, axe_source)
        if violations:
            found[f"{name} ({path})"] = describe(violations)

    assert found == {}, "\n".join(f"{name}:\n{violations}" for name, violations in found.items())


def test_counter_this_button_speaks_german(page, settings):
    settings.LANGUAGE_CODE = "de"
    post = make_post(title="Strom, nicht Chips", body=BODY)
    page.goto(post.get_absolute_url())

    select_by_mouse(page, PASSAGE)
    page.get_by_role("button", name="Dagegenhalten").click()

    expect(page.get_by_role("button", name="Counter this")).to_have_count(0)
    expect(page.locator("#id_quote")).to_have_value(PASSAGE)
