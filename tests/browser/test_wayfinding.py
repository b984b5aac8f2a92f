"""A reader finds their way from one post to the next, its month, its series and the feeds (issue 15)."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from blog.models import Series, SeriesPart
from tests.support.browser import PHONE, horizontal_overflow
from tests.support.factories import make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_walks_a_series_then_the_archive_on_a_phone(new_page, watch):
    first = make_post(title="Costs, part one", published_at=datetime(2025, 3, 2, 9, tzinfo=UTC), tags=["ai"])
    second = make_post(title="Costs, part two", published_at=datetime(2025, 3, 9, 9, tzinfo=UTC), tags=["ai"])
    make_post(title="Something else", published_at=datetime(2025, 4, 1, 9, tzinfo=UTC), tags=["cooking"])
    series = Series.objects.create(title="What models cost", slug="what-models-cost")
    SeriesPart.objects.create(series=series, post=first, position=1)
    SeriesPart.objects.create(series=series, post=second, position=2)
    page = new_page(viewport=PHONE)

    page.goto(first.get_absolute_url())
    box = page.get_by_role("navigation", name="Series")
    expect(box).to_contain_text("Part 1 of 2 in the series What models cost")
    box.get_by_role("link", name="Part 2: Costs, part two →").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Costs, part two")
    expect(page.get_by_role("navigation", name="Series")).to_contain_text("Part 2 of 2")
    related = page.get_by_role("region", name="Related posts")
    expect(related.get_by_role("link", name="Costs, part one")).to_be_visible()
    expect(related).not_to_contain_text("Something else")
    assert horizontal_overflow(page) == 0

    page.locator(".post .meta").get_by_role("link", name="9 Mar 2025").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("March 2025")
    expect(page.locator(".post-card")).to_have_count(2)
    page.get_by_role("link", name="← April 2025").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("April 2025")

    footer = page.locator("footer")
    footer.get_by_role("link", name="Series").click()
    expect(page.get_by_role("link", name="What models cost")).to_be_visible()
    page.get_by_role("link", name="What models cost").click()
    expect(page.get_by_text("Subscribe to this series: RSS · Atom")).to_be_visible()
    assert watch.errors == []
