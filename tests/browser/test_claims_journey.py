"""Claims: the author states two, a reader answers one with a probability, the author judges both."""

import re

import pytest
from playwright.sync_api import expect

from blog.models import Post
from claims.models import Forecast
from counterpoints import services as counterpoint_services
from counterpoints.models import Counterpoint
from tests.support.browser import (
    PHONE,
    describe,
    fill_counterpoint_form,
    horizontal_overflow,
    log_in,
    run_axe,
    serious,
)
from tests.support.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = """\
Cheap open models change the economics of AI.

::: claim 70% by 2020-06-30 {#gpu-prices}
GPU rental prices fall by half.
:::

- And one more thing:

  ::: claim 40%
  A second open model matches the frontier within a year.
  :::
"""


def judge_in_admin(page, claim_text, verdict):
    page.goto("/admin/claims/claim/")
    page.get_by_role("link", name=claim_text).click()
    page.locator("select[name='verdicts-0-verdict']").select_option(label=verdict)
    page.locator("textarea[name='verdicts-0-note']").fill(f"Judged {verdict}.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator(".messagelist .success").wait_for()


def assert_accessible(page, axe_source, what):
    violations = serious(run_axe(page, axe_source))
    assert violations == [], f"{what}:\n{describe(violations)}"


def test_author_states_claims_reader_forecasts_author_judges_calibration_shows(
    new_page, axe_source, artifacts, watch, settings
):
    settings.COUNTERPOINT_MIN_SECONDS = 0  # a test types faster than anyone
    moderator = make_user(superuser=True, username="ada")

    # The author writes two claims; the preview shows them as the page will.
    author = new_page()
    log_in(author, "ada")
    author.goto("/admin/blog/post/add/")
    author.get_by_label("Title:").press_sequentially("Two predictions about open models")
    expect(author.get_by_label("Slug:")).to_have_value("two-predictions-about-open-models")
    with author.expect_response(re.compile(r"/markdownx/markdownify/$")):
        author.locator("#id_body").fill(BODY)
    preview = author.locator(".post-editor-preview")
    preview.locator("#claim-gpu-prices").wait_for()
    assert "70% confident" in preview.locator("#claim-gpu-prices .claim-meta").inner_text()
    assert preview.locator(".claim").count() == 2
    author.get_by_label("Status:").select_option("published")
    author.get_by_role("button", name="Save", exact=True).click()
    author.locator(".messagelist .success").wait_for()
    post = Post.objects.get(slug="two-predictions-about-open-models")
    assert [(c.key, c.confidence) for c in post.claims.order_by("order")] == [
        ("gpu-prices", 70),
        ("a-second-open-model-matches-the", 40),
    ]
    # Past its check-back date and unjudged: the admin index says so.
    author.goto("/admin/")
    expect(author.locator("#claims-due-for-verdict")).to_have_text("1 claim due for a verdict")

    # A reader answers the second claim with their own probability.
    reader = new_page()
    reader.goto("/posts/two-predictions-about-open-models/")
    summary = reader.get_by_role("region", name="Claims in this post")
    expect(summary).to_contain_text("2 claims: 2 not judged yet.")
    form = fill_counterpoint_form(reader, body="A year is far too short for that.")
    form.get_by_label("The claim you answer (optional)").select_option(
        label="40%: A second open model matches the frontier within a year."
    )
    form.get_by_label("Your probability that it holds, in % (optional)").fill("15")
    form.get_by_role("button", name="Send for review").click()
    expect(reader.get_by_role("status")).to_contain_text("awaits review")
    forecast = Forecast.objects.get()
    assert (forecast.claim.key, forecast.probability) == ("a-second-open-model-matches-the", 15)
    counterpoint_services.moderate_counterpoints(
        counterpoints=Counterpoint.objects.all(), status=Counterpoint.Status.APPROVED, by=moderator
    )

    # The author judges both claims on their admin pages.
    judge_in_admin(author, "GPU rental prices fall by half.", "true")
    judge_in_admin(author, "A second open model matches the frontier within a year.", "false")

    reader.goto("/posts/two-predictions-about-open-models/")
    expect(reader.locator("#claim-gpu-prices .claim-verdict")).to_have_text("verdict: true")
    expect(reader.locator("#claim-a-second-open-model-matches-the .claim-verdict")).to_have_text(
        "verdict: false"
    )
    expect(summary).to_contain_text("2 claims: 1 true, 1 false.")
    expect(reader.locator(".counterpoint-forecast")).to_contain_text("gives it 15% (the author said 40%)")
    assert_accessible(reader, axe_source, "post page")
    reader.locator("article.post").screenshot(path=artifacts / "claims-post-1280.png")

    reader.goto("/hindsight/")
    chart = reader.get_by_role("img", name="Calibration chart")
    expect(chart).to_be_visible()
    assert "40–49%: stated 40%, held 0% of 1." in reader.locator("#calibration-chart-desc").text_content()
    rows = reader.locator(".calibration-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_text(re.compile(r"40–49%\s*1\s*40%\s*0%"))
    expect(rows.nth(1)).to_have_text(re.compile(r"70–79%\s*1\s*70%\s*100%"))
    # ((0.7 - 1)² + (0.4 - 0)²) / 2 = 0.125
    expect(reader.locator(".calibration-headline")).to_contain_text(
        "Brier score 0.125 over 2 resolved claims"
    )
    expect(reader.locator(".calibration-caveat")).to_have_text(
        "2 resolved claims: too few to judge calibration."
    )
    assert_accessible(reader, axe_source, "hindsight, light")

    for scheme in ("light", "dark"):
        phone = new_page(viewport=PHONE, color_scheme=scheme)
        phone.goto("/hindsight/")
        assert horizontal_overflow(phone) == 0
        phone.locator(".calibration").screenshot(path=artifacts / f"calibration-390-{scheme}.png")
        assert_accessible(phone, axe_source, f"hindsight at 390 px, {scheme}")
    assert watch.errors == []
    assert watch.csp_violations == []


def test_countering_a_passage_of_a_claim_picks_that_claim(new_page, settings):
    from tests.support.factories import make_post

    from .test_quote_to_counter import select_by_mouse

    make_post(slug="claimed", body=BODY)
    page = new_page()
    page.goto("/posts/claimed/")
    choice = page.get_by_label("The claim you answer (optional)")
    select_by_mouse(page, "GPU rental prices fall")
    page.get_by_role("button", name="Counter this").click()
    expect(choice).to_have_value("gpu-prices")
    expect(page.get_by_label("Quoted passage (optional)")).to_have_value("GPU rental prices fall")
    # A passage outside any claim answers the post as a whole.
    select_by_mouse(page, "Cheap open models")
    page.get_by_role("button", name="Counter this").click()
    expect(choice).to_have_value("")
