"""axe-core over every reader page type (tests/reader_pages.py): no violation of any impact (issue 15)."""

import pytest

from tests.reader_pages import make_reader_site
from tests.support.browser import DESKTOP, PHONE, describe, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("viewport", "scheme"),
    [(DESKTOP, "light"), (DESKTOP, "dark"), (PHONE, "light")],
    ids=["1280", "dark", "390"],
)
def test_every_reader_page_has_no_axe_violation(new_page, axe_source, viewport, scheme):
    pages = make_reader_site()
    page = new_page(viewport=viewport, color_scheme=scheme)
    found = {}
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == (404 if name == "not found" else 200), path
        violations = run_axe(page, axe_source)
        if violations:
            found[f"{name} ({path})"] = describe(violations)

    assert found == {}, "\n".join(f"{name}:\n{violations}" for name, violations in found.items())
