"""Issue 15: after sending a counterpoint, the thank-you and the status link are where the reader looks."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from counterpoints import services
from counterpoints.models import Counterpoint
from tests.support.browser import DESKTOP, PHONE, fill_counterpoint_form
from tests.support.factories import make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def long_post_with_counterpoints():
    """A post whose form is thousands of pixels below the top, as on a real, discussed post."""
    body = "\n\n".join(
        f"Paragraph {n}: a claim, argued at some length so that it fills a line." for n in range(40)
    )
    post = make_post(title="A long, discussed post", body=body)
    for n in range(6):
        services.submit_counterpoint(
            post=post, stance="extend", author_name=f"Reader {n}", body=f"Point {n}, made at length. " * 12
        )
    Counterpoint.objects.update(status=Counterpoint.Status.APPROVED)
    return post


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_thank_you_and_status_link_are_in_view_and_focused_after_sending(
    new_page, artifacts, watch, viewport, javascript
):
    post = long_post_with_counterpoints()
    page = new_page(viewport=viewport, java_script_enabled=javascript)
    page.goto(post.get_absolute_url())

    fill_counterpoint_form(page, name="Rosa Reader", body="The form is far down; the answer should not be.")
    page.get_by_role("button", name="Send for review").click()
    page.wait_for_url("**#counterpoint-sent")

    thanks = page.locator("#counterpoint-sent")
    expect(thanks).to_contain_text("awaits review")
    status_link = thanks.locator("a.status-link")
    sent = Counterpoint.objects.get(author_name="Rosa Reader")
    expect(status_link).to_have_attribute("href", settings.SITE_URL + sent.get_status_url())
    # In the viewport as it is, without scrolling: the whole box, the link included.
    expect(thanks).to_be_in_viewport(ratio=1)
    expect(status_link).to_be_in_viewport(ratio=1)
    # The fragment moved the focus there, so a screen reader starts reading at the thank-you.
    expect(thanks).to_be_focused()
    # The form follows it, ready for another: the reader is not back at the top of the page.
    assert page.evaluate("() => window.scrollY") > 1000
    name = f"counterpoint-sent-{viewport['width']}-{'js' if javascript else 'no-js'}.png"
    page.screenshot(path=artifacts / name)
    assert watch.errors == []
