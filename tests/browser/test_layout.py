"""Journey 7: the home and post pages at desktop and phone widths, saved for people to look at."""

import pytest
from django.core.management import call_command

from tests.support.browser import DESKTOP, PHONE, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JUDGED_SEED = "/posts/the-5-5-million-number-is-wrong-and-it-doesnt-matter/"
HEADINGS_SEED = "/posts/the-5-5-million-question-why-deepseek-just-rewrote-the-rules/"

PAGES = [
    ("home", "/"),
    ("post", JUDGED_SEED),
    ("post-with-headings", HEADINGS_SEED),
    ("hindsight", "/hindsight/"),
    ("tag", "/tags/deepseek/"),
    ("tags", "/tags/"),
    ("search", "/search/?q=deepseek"),
    ("not-found", "/posts/no-such-post/"),
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width_name, viewport", [("1280", DESKTOP), ("390", PHONE)])
def test_home_and_post_pages_fit_and_are_saved_as_screenshots(
    new_page, artifacts, watch, width_name, viewport, scheme
):
    call_command("load_seeds", verbosity=0)
    page = new_page(viewport=viewport, color_scheme=scheme)

    for name, path in PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=artifacts / f"{name}-{width_name}-{scheme}.png", full_page=True)
        assert horizontal_overflow(page) == 0, f"{path} overflows horizontally at {width_name} px"

    assert watch.errors == []


def test_post_text_keeps_a_readable_measure(page):
    call_command("load_seeds", verbosity=0)
    page.goto(JUDGED_SEED)

    # 45 to 80 characters a line is the span typographers agree on.
    chars_per_line = page.evaluate(
        """() => {
            const p = document.querySelector('.post-body p');
            const style = getComputedStyle(p);
            const probe = document.createElement('span');
            probe.textContent = 'abcdefghijklmnopqrstuvwxyz'.repeat(4);
            probe.style.font = style.font;
            probe.style.visibility = 'hidden';
            probe.style.position = 'absolute';
            document.body.append(probe);
            const perChar = probe.getBoundingClientRect().width / 104;
            probe.remove();
            return p.getBoundingClientRect().width / perChar;
        }"""
    )
    assert 45 <= chars_per_line <= 85, chars_per_line


def test_each_verdict_banner_has_its_own_colour(page):
    from blog.models import Verdict
    from tests.support.factories import make_post

    colours = {}
    for verdict in Verdict.values:
        post = make_post(verdict=verdict)
        page.goto(post.get_absolute_url())
        banner = page.locator(".hindsight-banner")
        colours[verdict] = banner.evaluate("el => getComputedStyle(el).borderLeftColor")

    assert len(set(colours.values())) == len(colours), colours
