"""Journeys 1 and 2: a reader sends a counterpoint; a moderator approves it; the reader sees it."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from blog.models import Post
from counterpoints import services
from counterpoints.models import Counterpoint
from tests.support.admin import make_moderator
from tests.support.browser import fill_counterpoint_form, log_in, wait_until_scrolled_to_fragment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED_TITLE = "The $5.5 Million Number Is Wrong and It Doesn't Matter"
SEED_SLUG = "the-5-5-million-number-is-wrong-and-it-doesnt-matter"
REPLY = "The final run is the *only* number that is comparable across labs, so it is the fair one to quote."


def test_reader_sends_a_counterpoint_that_waits_for_review(page, artifacts, watch):
    call_command("load_seeds", verbosity=0)

    page.goto("/")
    page.get_by_role("link", name=SEED_TITLE).click()
    page.wait_for_url(f"**/posts/{SEED_SLUG}/")

    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    banner = page.get_by_role("complementary", name="Hindsight verdict")
    expect(banner).to_contain_text("hindsight — nailed it", ignore_case=True)
    expect(banner).to_contain_text("the $5.5M was the last coat of paint")
    meta = page.locator(".post .meta")
    expect(meta).to_contain_text("2 min read")
    expect(meta).to_contain_text("355 words")
    for tag in ["open-source", "deepseek", "ai", "llm"]:
        expect(meta.get_by_role("link", name=f"#{tag}", exact=True)).to_be_visible()
    section = page.locator("#counterpoints")
    expect(section.get_by_role("heading", name="Counterpoints")).to_be_visible()
    expect(section).to_contain_text("No approved counterpoints yet.")

    fill_counterpoint_form(
        page, stance="push_back", name="Rosa Reader", body=REPLY, quote="the cost of the last coat of paint"
    )
    page.get_by_role("button", name="Send for review").click()

    # The reader lands on the notice: chromium scrolls to the fragment after "load",
    # so "in view" is checked once it has, not in the moment before.
    page.wait_for_url(f"**/posts/{SEED_SLUG}/#counterpoint-sent")
    wait_until_scrolled_to_fragment(page)
    notice = page.get_by_role("status")
    expect(notice).to_contain_text("awaits review")
    expect(notice).to_be_in_viewport()
    page.screenshot(path=artifacts / "counterpoint-sent-1280.png")
    expect(section).to_contain_text("No approved counterpoints yet.")
    expect(page.locator("#counterpoints")).not_to_contain_text("only number that is comparable")
    expect(page.get_by_text("Rosa Reader")).to_have_count(0)

    counterpoint = Counterpoint.objects.get()
    assert counterpoint.status == Counterpoint.Status.PENDING
    assert counterpoint.stance == Counterpoint.Stance.PUSH_BACK
    assert counterpoint.quote == "the cost of the last coat of paint"

    # Reading the post again later, still nothing: it waits for a moderator.
    page.reload()
    expect(page.get_by_text("Rosa Reader")).to_have_count(0)
    assert watch.errors == []
    assert watch.csp_violations == []


def test_moderator_approves_from_the_queue_and_the_reader_sees_it(new_page, watch):
    call_command("load_seeds", verbosity=0)
    post = Post.objects.get(slug=SEED_SLUG)
    services.submit_counterpoint(post=post, stance="extend", author_name="Rosa Reader", body=REPLY)
    services.submit_counterpoint(
        post=post, stance="push_back", author_name="Sam Spammer", body="Buy cheap GPUs now!!"
    )
    make_moderator(username="mod")

    reader = new_page()
    reader.goto(post.get_absolute_url())
    expect(reader.get_by_text("Rosa Reader")).to_have_count(0)

    moderator = new_page()
    log_in(moderator, "mod")
    pending = moderator.locator("#pending-counterpoints")
    expect(pending).to_have_text("2 counterpoints awaiting review")
    pending.get_by_role("link").click()

    # The queue opens on pending counterpoints.
    moderator.wait_for_url("**/admin/counterpoints/counterpoint/**")
    rows = moderator.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    rows.filter(has_text="Rosa Reader").get_by_role("checkbox").check()
    moderator.get_by_label("Action:").select_option(label="Approve selected counterpoints")
    moderator.get_by_role("button", name="Run").or_(moderator.get_by_role("button", name="Go")).click()
    expect(moderator.locator(".messagelist")).to_contain_text("1 counterpoint was approved.")
    expect(moderator.locator("#result_list tbody tr")).to_have_count(1)
    expect(moderator.locator("#result_list")).to_contain_text("Sam Spammer")

    approved = Counterpoint.objects.get(author_name="Rosa Reader")
    assert approved.status == Counterpoint.Status.APPROVED
    assert approved.reviewed_by.username == "mod"
    assert approved.reviewed_at is not None

    reader.reload()
    shown = reader.locator("#counterpoints .counterpoint")
    expect(shown).to_have_count(1)
    expect(shown).to_contain_text("Rosa Reader")
    expect(shown.locator(".stance-badge")).to_have_text("extends")
    expect(shown.locator("em")).to_have_text("only")
    expect(reader.locator("#counterpoints")).not_to_contain_text("No approved counterpoints yet.")
    expect(reader.get_by_text("Sam Spammer")).to_have_count(0)

    # The home page counts it too.
    reader.goto("/")
    card = reader.locator(".post-card", has=reader.get_by_role("link", name=SEED_TITLE))
    expect(card).to_contain_text("1 counterpoint")
    assert watch.errors == []
