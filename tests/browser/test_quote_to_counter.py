"""Journey 5: select a passage of the post, press "Counter this", and answer exactly that."""

import pytest
from playwright.sync_api import expect

from counterpoints.models import QUOTE_MAX_LENGTH, Counterpoint
from tests.support.browser import PHONE, fill_counterpoint_form
from tests.support.factories import make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = """\
Chip exports will not slow anyone down.

The real constraint is power: data centres wait years for a grid connection, \
and no export rule changes that. Watch the substations, not the customs forms.

""" + "\n\n".join(
    f"Paragraph {n} goes on about transformers and permits, so the form starts well below the fold."
    for n in range(3, 12)
)

PASSAGE = "data centres wait years for a grid connection"

# Longer than static/js/quote-to-counter.js waits for a selection to settle (150 ms).
SETTLE_MS = 1_000


def select_by_mouse(page, phrase, attempts=3):
    """
    Drag the mouse across ``phrase`` in the post text, as a reader selects it.
    The text is measured once the fonts are in (a late font moves the words);
    a drag that a layout shift under load still cut short is measured and
    made again, so the test waits for the selection, not for time.
    """
    paragraph = page.locator(".post-body p", has_text=phrase)
    paragraph.scroll_into_view_if_needed()
    page.evaluate("() => document.fonts.ready")
    for _ in range(attempts):
        box = paragraph.evaluate(
            """(p, phrase) => {
                const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
                while (walker.nextNode()) {
                    const at = walker.currentNode.data.indexOf(phrase);
                    if (at === -1) continue;
                    const range = document.createRange();
                    range.setStart(walker.currentNode, at);
                    range.setEnd(walker.currentNode, at + phrase.length);
                    const rects = [...range.getClientRects()];
                    const first = rects[0], last = rects[rects.length - 1];
                    return {x0: first.left + 1, y0: first.top + first.height / 2,
                            x1: last.right - 1, y1: last.top + last.height / 2};
                }
                return null;
            }""",
            phrase,
        )
        assert box, f"{phrase!r} is not in the post text"
        page.mouse.move(box["x0"], box["y0"])
        page.mouse.down()
        page.mouse.move(box["x1"], box["y1"], steps=8)
        page.mouse.up()
        selected = page.evaluate("() => window.getSelection().toString()")
        if selected.strip() == phrase:
            break
    return selected


def selection_bottom(page):
    return page.evaluate(
        "() => { const r = window.getSelection().getRangeAt(0).getClientRects();"
        " const last = r[r.length - 1]; return {bottom: last.bottom, right: last.right}; }"
    )


def test_reader_counters_a_selected_passage(page, artifacts, watch):
    post = make_post(title="Power, not chips", body=BODY)
    page.goto(post.get_absolute_url())
    button = page.get_by_role("button", name="Counter this")
    expect(button).to_be_hidden()

    selected = select_by_mouse(page, PASSAGE)
    assert PASSAGE in selected

    # A small button appears right by the selection, not somewhere on the page.
    expect(button).to_be_visible()
    end = selection_bottom(page)
    spot = button.bounding_box()
    assert end["bottom"] <= spot["y"] <= end["bottom"] + 24
    assert abs((spot["x"] + spot["width"] / 2) - end["right"]) <= spot["width"]
    page.screenshot(path=artifacts / "quote-to-counter-1280.png")
    form = page.locator("#counterpoint-form")
    expect(form).not_to_be_in_viewport()

    button.click()

    quote = page.get_by_label("Quoted passage (optional)", exact=True)
    expect(quote).to_have_value(selected.strip())
    expect(form).to_be_in_viewport()
    expect(page.get_by_label("Counterpoint", exact=True)).to_be_focused()
    expect(button).to_be_hidden()

    fill_counterpoint_form(page, stance="push_back", body="Substations get built faster than fabs do.")
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_role("status")).to_contain_text("awaits review")

    counterpoint = Counterpoint.objects.get(post=post)
    assert counterpoint.quote == selected.strip()
    assert counterpoint.status == Counterpoint.Status.PENDING
    assert watch.csp_violations == []
    assert watch.errors == []


def test_counter_this_works_on_a_phone(new_page, artifacts, watch):
    post = make_post(title="Power, not chips", body=BODY)
    page = new_page(viewport=PHONE, has_touch=True)
    page.goto(post.get_absolute_url())

    selected = select_by_mouse(page, "no export rule changes that")
    button = page.get_by_role("button", name="Counter this")
    expect(button).to_be_visible()
    page.screenshot(path=artifacts / "quote-to-counter-390.png")
    spot = button.bounding_box()
    assert spot["x"] >= 0 and spot["x"] + spot["width"] <= PHONE["width"]

    button.tap()
    expect(page.get_by_label("Quoted passage (optional)", exact=True)).to_have_value(selected.strip())
    expect(page.locator("#counterpoint-form")).to_be_in_viewport()
    assert watch.errors == []


def test_a_long_selection_is_shortened_to_what_the_form_accepts(page):
    sentence = "Grid queues, not chip rules, decide who trains the next model. "
    post = make_post(title="A long argument", body=sentence * 40)
    page.goto(post.get_absolute_url())

    page.locator(".post-body p").first.click(click_count=3)
    page.get_by_role("button", name="Counter this").click()

    quote = page.get_by_label("Quoted passage (optional)", exact=True).input_value()
    assert len(quote) <= QUOTE_MAX_LENGTH
    assert quote.startswith(sentence.strip())
    assert quote.endswith("…")


def test_only_the_post_text_can_be_countered(page):
    post = make_post(title="Power, not chips", dek="A dek that is not the argument.", body=BODY)
    # The script measures a selection once it has settled (a timer); the page's
    # clock is driven by the test, so "settled" is a fact rather than a guess.
    page.clock.install()
    page.goto(post.get_absolute_url())
    button = page.get_by_role("button", name="Counter this")

    page.locator(".dek").first.click(click_count=3)
    assert "not the argument" in page.evaluate("() => window.getSelection().toString()")
    page.clock.run_for(SETTLE_MS)
    expect(button).to_be_hidden()

    page.locator("#counterpoints h2").click(click_count=3)
    assert "Counterpoints" in page.evaluate("() => window.getSelection().toString()")
    page.clock.run_for(SETTLE_MS)
    expect(button).to_be_hidden()

    # The same wait does show the button for the post's own text.
    page.locator(".post-body p").first.click(click_count=3)
    page.clock.run_for(SETTLE_MS)
    expect(button).to_be_visible()


def test_escape_and_collapsing_the_selection_hide_the_button(page):
    post = make_post(title="Power, not chips", body=BODY)
    page.goto(post.get_absolute_url())
    button = page.get_by_role("button", name="Counter this")

    select_by_mouse(page, PASSAGE)
    expect(button).to_be_visible()
    page.keyboard.press("Escape")
    expect(button).to_be_hidden()

    select_by_mouse(page, "Chip exports will not slow anyone down")
    expect(button).to_be_visible()
    page.locator(".post-title").click()
    expect(button).to_be_hidden()


def test_pages_without_the_form_are_left_alone(page, watch):
    closed = make_post(title="Closed to replies", body=BODY, counterpoints_open=False)

    for path in ["/", closed.get_absolute_url(), "/hindsight/"]:
        page.goto(path)  # the deferred script has run once "load" fires
        assert page.locator("script[src$='js/quote-to-counter.js']").count() == 1
        if page.locator(".post-body p").count():
            select_by_mouse(page, PASSAGE)
        assert page.locator(".quote-to-counter").count() == 0

    assert watch.errors == []
    assert watch.csp_violations == []


def test_the_form_works_without_javascript(new_page):
    post = make_post(title="Power, not chips", body=BODY)
    page = new_page(java_script_enabled=False)
    page.goto(post.get_absolute_url())
    assert page.locator(".quote-to-counter").count() == 0

    fill_counterpoint_form(
        page,
        stance="sharpen",
        quote="Watch the substations, not the customs forms.",
        body="Which substations? Name the three that matter.",
    )
    page.get_by_role("button", name="Send for review").click()

    expect(page.get_by_role("status")).to_contain_text("awaits review")
    counterpoint = Counterpoint.objects.get(post=post)
    assert counterpoint.quote == "Watch the substations, not the customs forms."
    assert counterpoint.stance == Counterpoint.Stance.SHARPEN
