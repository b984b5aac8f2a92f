"""
The public readers' record (issue 16), as a reader meets it: the box on the
form, the confirmation page that asks, their name on /hindsight/, and the
button that takes it off again.
"""

import re

import pytest
from playwright.sync_api import expect

from claims.services import judge_claim
from counterpoints import services as counterpoint_services
from counterpoints.models import Counterpoint
from counterpoints.outbox import deliver_due
from tests.support.browser import (
    PHONE,
    describe,
    fill_counterpoint_form,
    horizontal_overflow,
    run_axe,
    serious,
)
from tests.support.factories import make_post, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = """\
An opinion about metals.

::: claim 70% {#tungsten}
Tungsten prices double within a year.
:::
"""


def test_opt_in_confirm_and_appear_in_the_readers_record(
    new_page, axe_source, artifacts, watch, settings, mailoutbox, live_server
):
    settings.SITE_URL = live_server.url
    post = make_post(title="Metals", slug="metals", body=BODY)
    reader = new_page()
    reader.goto(post.get_absolute_url())

    form = fill_counterpoint_form(reader, name="Rosa Reader", body="Stockpiles say otherwise, and soon.")
    form.get_by_label("E-mail (optional, never shown)").fill("rosa@example.com")
    form.get_by_label("The claim you answer (optional)").select_option("tungsten")
    form.get_by_label("Your probability that it holds, in % (optional)").fill("90")
    box = form.get_by_label("List my forecasts in the public readers’ record")
    expect(box).not_to_be_checked()
    box.check()
    form.get_by_label("Name in the record (optional)").fill("Rosa R.")
    form.get_by_role("button", name="Send for review").click()
    expect(reader.get_by_role("status")).to_contain_text("awaits review")

    counterpoint_services.moderate_counterpoints(
        counterpoints=Counterpoint.objects.all(),
        status=Counterpoint.Status.APPROVED,
        by=make_user(superuser=True, username="mod"),
    )
    deliver_due()
    (mail,) = mailoutbox
    link = re.search(r"https?://\S+/counterpoints/confirm/\S+/", mail.body).group(0)
    judge_claim(claim=post.claims.get(), verdict="true")

    reader.goto(link)
    record_box = reader.get_by_label(re.compile("List my forecasts in the public readers’ record as Rosa R."))
    expect(record_box).to_be_checked()
    reader.get_by_role("button", name="Confirm rosa@example.com").click()
    expect(reader.get_by_role("heading", name="Your address is confirmed")).to_be_visible()
    expect(reader.locator(".record-state")).to_contain_text("listed on the hindsight page as Rosa R.")

    reader.goto("/hindsight/")
    table = reader.get_by_role("table", name="Readers’ Brier scores against the author’s, claim for claim")
    # Rosa: (0.9 - 1)² = 0.01; the author: (0.7 - 1)² = 0.09.
    expect(table.locator("tbody tr")).to_have_text(
        [re.compile(r"Rosa R\.\s*1\s*0\.010\s*0\.090\s*1 of 1 claim")]
    )
    violations = serious(run_axe(reader, axe_source))
    assert violations == [], describe(violations)

    for scheme in ("light", "dark"):
        phone = new_page(viewport=PHONE, color_scheme=scheme)
        phone.goto("/hindsight/")
        assert horizontal_overflow(phone) == 0
        phone.locator(".readers-record").screenshot(path=artifacts / f"readers-record-390-{scheme}.png")

    # Off again from the private status page.
    reader.goto(Counterpoint.objects.get().get_status_url())
    reader.get_by_role("button", name="Leave the readers’ record").click()
    expect(reader.get_by_role("status")).to_contain_text("You are not in the public readers’ record")
    reader.goto("/hindsight/")
    expect(reader.locator(".readers-record")).to_contain_text("No reader is listed yet.")
    assert watch.errors == []
    assert watch.csp_violations == []
