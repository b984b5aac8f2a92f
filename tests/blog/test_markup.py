"""The Markdown pipeline: rendered on save, sanitised, the same for the preview."""

from html.parser import HTMLParser

import pytest

from core.markup import render_post_markdown
from tests.support.factories import make_post

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<div onclick="alert(1)">x</div>',
    "![x](javascript:alert(1))",
]


class Elements(HTMLParser):
    """The elements and attributes a browser would build from some HTML."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("markdown", HOSTILE)
def test_post_markdown_cannot_carry_script(markdown):
    post = make_post(body=f"Intro.\n\n{markdown}\n")

    for tag, attrs in Elements(post.body_html).found:
        assert tag != "script"
        assert not [name for name in attrs if name.startswith("on")]
        for url in (attrs.get("href"), attrs.get("src")):
            assert not (url or "").strip().lower().startswith(("javascript:", "data:"))


def test_raw_html_is_shown_as_text_not_markup():
    html = render_post_markdown('<img src=x onerror="alert(1)">')

    assert "<img" not in html
    assert "&lt;img" in html


def test_body_is_rendered_once_on_save_with_word_count_and_reading_time(settings):
    settings.WORDS_PER_MINUTE = 100
    post = make_post(body="**Bold** words " * 101)

    assert post.body_html.startswith("<p><strong>Bold</strong> words")
    assert post.word_count == 202
    assert post.reading_minutes == 3


def test_reading_time_is_at_least_one_minute():
    assert make_post(body="Short.").reading_minutes == 1


def test_excerpt_is_plain_text():
    post = make_post(body="# Title\n\nSome **bold** & plain words.")

    assert post.excerpt == "Title Some bold & plain words."
