"""Journey 6: axe-core on every reading page, in light and dark, and the form by keyboard alone."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from core.caching import Scope
from core.freshness import refresh_after_commit
from counterpoints import services
from counterpoints.models import Counterpoint
from tests.support.browser import PHONE, describe, fill_counterpoint_form, run_axe, serious
from tests.support.factories import make_post

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
    "hindsight-tags": "/hindsight/tags/",
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


def post_with_counterpoints():
    post = make_post(
        title="A post with replies", body="A claim.\n\nAnother claim, *stated firmly*.", tags=["ai"]
    )
    for stance, name in [("push_back", "Ann"), ("extend", "Ben"), ("sharpen", "Cy")]:
        services.submit_counterpoint(
            post=post,
            stance=stance,
            author_name=name,
            quote="A claim.",
            body=f"{name} says: [source](https://example.com).",
        )
    Counterpoint.objects.update(
        status=Counterpoint.Status.APPROVED, response=Counterpoint.AuthorResponse.PARTLY_CONCEDED
    )
    Counterpoint.objects.filter(author_name="Ann").update(
        author_reply="Fair.", reply_html="<p>Fair, and I said so.</p>"
    )
    # update() sends no signal: refresh as code that writes with it does (core/freshness.py).
    refresh_after_commit(post_ids={post.pk}, scope=Scope.RESPONSES)
    return post


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_counterpoints_and_the_form_have_no_serious_accessibility_violations(
    new_page, axe_source, artifacts, scheme
):
    post = post_with_counterpoints()
    page = new_page(color_scheme=scheme)
    page.goto(post.get_absolute_url())
    expect(page.locator("#counterpoints .counterpoint")).to_have_count(3)
    page.screenshot(path=artifacts / f"post-with-counterpoints-1280-{scheme}.png", full_page=True)

    violations = serious(run_axe(page, axe_source))
    assert violations == [], f"post with counterpoints and the form ({scheme}):\n{describe(violations)}"

    # The form sent back with mistakes: errors shown beside the fields, text kept.
    fill_counterpoint_form(page, body="Three links: https://a.example https://b.example https://c.example")
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator("#counterpoint-form .errorlist").first).to_be_visible()
    page.locator("#counterpoint-form").screenshot(path=artifacts / f"counterpoint-form-errors-{scheme}.png")
    violations = serious(run_axe(page, axe_source))
    assert violations == [], f"the form with errors ({scheme}):\n{describe(violations)}"


FORM_TAB_ORDER = [
    "id_stance",
    "id_author_name",
    "id_author_email",
    "id_author_website",
    "id_quote",
    "id_body",
]


def test_counterpoint_form_can_be_filled_and_sent_with_the_keyboard_alone(page, watch):
    post = make_post(title="Keyboard readers welcome", body="A claim worth answering.")
    page.goto(post.get_absolute_url())

    # From the top of the page, Tab until the form's first field: every stop on the way shows its focus.
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const el = document.activeElement; const s = getComputedStyle(el);"
            " return {id: el.id, outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0}; }"
        )
        assert focused["outline"], f"no visible focus on #{focused['id'] or '?'}"
        if focused["id"] == FORM_TAB_ORDER[0]:
            break
    else:
        pytest.fail("Tab never reached the counterpoint form")

    typed = {
        "id_author_name": "Kay Keyboard",
        "id_author_email": "kay@example.com",
        "id_author_website": "https://kay.example",
        "id_quote": "A claim worth answering.",
        "id_body": "Answered without touching the mouse, as *promised*.",
    }
    page.keyboard.press("ArrowDown")  # the first stance after "Choose one…"
    for field in FORM_TAB_ORDER[1:]:
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.id") == field  # no trap, no hidden stop
        page.keyboard.type(typed[field])
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send for review")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("awaits review")
    sent = Counterpoint.objects.get(post=post)
    assert sent.stance == Counterpoint.Stance.PUSH_BACK
    assert sent.author_name == "Kay Keyboard"
    assert sent.author_website == "https://kay.example"
    assert sent.quote == "A claim worth answering."
    assert watch.errors == []
