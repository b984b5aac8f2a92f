"""The German interface (LANGUAGE_CODE=de) in a real browser: axe finds nothing on any reader page."""

import pytest

from tests.reader_pages import make_reader_site
from tests.support.browser import DESKTOP, describe, run_axe

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
