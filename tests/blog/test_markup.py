"""The Markdown pipeline: rendered on save, sanitised, the same for the preview."""

from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError

from core import markup
from core.markup import render_counterpoint_markdown, render_post_markdown
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


@pytest.fixture
def highlighter_plugin():
    """A plugin as an app would register one: ``==word==`` marks a word; ``==`` alone is a mistake."""

    def rule(state, silent):
        if not state.src.startswith("==", state.pos):
            return False
        end = state.src.find("==", state.pos + 2)
        if end < 0 or end == state.pos + 2:
            return False
        if not silent:
            state.push(
                "html_inline", "", 0
            ).content = f'<mark class="hl">{state.src[state.pos + 2 : end]}</mark>'
        state.pos = end + 2
        return True

    plugin = markup.Plugin(
        name="test-highlighter",
        extend=lambda md: md.inline.ruler.before("emphasis", "highlight", rule),
        tags=frozenset({"mark"}),
        classes={"mark": {"hl"}},
        words=lambda text: text.replace("==", " "),
        problems=lambda md, text: ["An empty highlight."] if "====" in text else [],
    )
    markup.register(plugin)
    yield plugin
    markup._plugins.pop(plugin.name)
    markup._post_pipeline.cache_clear()


def test_a_registered_plugin_adds_syntax_to_posts_only(highlighter_plugin):
    assert render_post_markdown("A ==bold== claim.") == '<p>A <mark class="hl">bold</mark> claim.</p>\n'
    assert "<mark" not in render_counterpoint_markdown("A ==bold== claim.")  # readers' language is unchanged


def test_a_plugin_counts_its_words_and_stops_a_malformed_post(highlighter_plugin):
    post = make_post(body="==Marked== ==words== == == count.")
    assert post.word_count == 3  # a plain split would count 5

    post.body = "An empty ==== highlight."
    with pytest.raises(ValidationError) as raised:
        post.clean()
    assert raised.value.message_dict["body"] == ["An empty highlight."]
