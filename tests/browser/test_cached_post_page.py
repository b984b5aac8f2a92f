"""Two readers with JavaScript off send counterpoints from the one stored copy of a post page (issue 11)."""

import pytest
from playwright.sync_api import expect

from counterpoints.models import Counterpoint
from tests.support.browser import fill_counterpoint_form
from tests.support.factories import make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_readers_without_javascript_send_counterpoints_from_the_cached_page(new_page, watch):
    post = make_post(title="Served from the cache")
    readers = [new_page(java_script_enabled=False) for _ in range(2)]

    for reader in readers:  # the second reader's page comes from the cache
        reader.goto(post.get_absolute_url())
        expect(reader.get_by_role("heading", level=1)).to_have_text("Served from the cache")
    tokens = [reader.locator("input[name=csrfmiddlewaretoken]").get_attribute("value") for reader in readers]
    cookies = [reader.context.cookies()[0]["value"] for reader in readers]
    assert tokens[0] != tokens[1]
    assert cookies[0] != cookies[1]

    for reader, name in zip(readers, ["Ada", "Grace"], strict=True):
        fill_counterpoint_form(reader, name=name, body=f"{name} thinks the argument skips its hardest step.")
        reader.get_by_role("button", name="Send for review").click()
        expect(reader.get_by_role("status")).to_contain_text("awaits review")

    assert sorted(Counterpoint.objects.values_list("author_name", flat=True)) == ["Ada", "Grace"]
    assert watch.errors == []
