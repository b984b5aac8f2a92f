"""Journey 6: axe-core on every reading page, in light and dark, and the form by keyboard alone."""

import pytest
from django.core.management import call_command

from .support import PHONE, describe, run_axe, serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JUDGED_SEED = "/posts/the-5-5-million-number-is-wrong-and-it-doesnt-matter/"
OPEN_SEED = "/posts/the-5-5-million-lie-is-the-best-part/"

READING_PAGES = {
    "home": "/",
    "post": JUDGED_SEED,
    "post-still-open": OPEN_SEED,
    "tag": "/tags/deepseek/",
    "tags": "/tags/",
    "hindsight": "/hindsight/",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", READING_PAGES)
def test_reading_pages_have_no_serious_accessibility_violations(new_page, axe_source, name, scheme):
    call_command("load_seeds", verbosity=0)
    page = new_page(color_scheme=scheme)
    page.goto(READING_PAGES[name])

    violations = serious(run_axe(page, axe_source))

    assert violations == [], f"{READING_PAGES[name]} ({scheme}):\n{describe(violations)}"


def test_reading_pages_on_a_phone_have_no_serious_accessibility_violations(new_page, axe_source):
    call_command("load_seeds", verbosity=0)
    page = new_page(viewport=PHONE)
    for path in READING_PAGES.values():
        page.goto(path)
        violations = serious(run_axe(page, axe_source))
        assert violations == [], f"{path} at 390 px:\n{describe(violations)}"
