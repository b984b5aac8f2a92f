"""
Property-based tests (hypothesis): hostile and arbitrary input never breaks
the Markdown pipeline or the seed loader (issue 6).

The Markdown properties say what a browser could be made to run: no script,
style, iframe, object, embed or svg element, no event-handler attribute, no
``javascript:``, ``vbscript:`` or ``data:`` URL, and nothing outside the
allow-list, whatever the text.
"""

import contextlib
import io
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import example, given, settings
from hypothesis import strategies as st

from blog.models import Post
from blog.seeds import Seed, SeedError, parse_seed
from core.markup import (
    COUNTERPOINT_ATTRIBUTES,
    COUNTERPOINT_TAGS,
    post_allow_list,
    render_counterpoint_markdown,
    render_post_markdown,
)
from tests.support.timing import cpu_time

# Markdown.

XSS_FRAGMENTS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><a xlink:href='javascript:alert(1)'><text>x</text></a></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    "<div onmouseover=alert(1)>x</div>",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](jav&#9;ascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](\x01javascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:image/png;base64,iVBORw0KGgo=)",
    '[x](http://example.com "onmouseover=alert(1)")',
    "[<img src=x onerror=alert(1)>](http://example.com)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    '![x"onerror="alert(1)](http://example.com/a.png)',
    "[ref]: javascript:alert(1)\n\n[ref]",
    "[ref]: <data:text/html,<script>alert(1)</script>>\n\n[x][ref]",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "<http://example.com/?q=<script>>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```\n",
    "    <script>alert(1)</script>\n",
    "| a | <script> |\n|---|---|\n| [x](javascript:alert(1)) | b |\n",
    "~~<script>~~",
]
MARKDOWN_SYNTAX = [
    "[", "]", "(", ")", "<", ">", "!", "*", "_", "`", "~", "&", ";", "#", "\\", ":", "\n", "\n\n",
    "  \n", "> ", "- ", "1. ", "# ", "---\n", "&amp;", "&#0;", "&#x0;", "\x00", "\u2028", "\ufeff",
]  # fmt: skip

fragments = st.one_of(
    st.text(max_size=20),
    st.sampled_from(XSS_FRAGMENTS),
    st.sampled_from(MARKDOWN_SYNTAX),
)
markdown_documents = st.one_of(st.text(), st.lists(fragments, max_size=16).map("".join))

FORBIDDEN_ELEMENTS = {"script", "style", "iframe", "object", "embed", "svg"}
FORBIDDEN_ELEMENTS |= {"math", "form", "base", "meta", "link", "frame", "frameset"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite", "data"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
# What a browser ignores in a URL before reading its scheme (WHATWG URL:
# leading C0 controls and spaces, tabs and newlines anywhere); dropping
# every control character and space is stricter still.
IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]")


class _Elements(HTMLParser):
    """Tags and attributes of some HTML; attribute values arrive unescaped."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_safe(html, *, tags, attributes, extra_attributes=(), classes=None):
    """Only allowed tags and attributes; a class only from ``classes`` (tag -> allowed class names)."""
    assert not re.search(r"<\s*/?\s*(script|style|iframe|object|embed|svg)\b", html, re.IGNORECASE)
    for tag, attrs in _Elements(html).elements:
        assert tag not in FORBIDDEN_ELEMENTS, html
        assert tag in tags, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            if name == "class" and classes and tag in classes:
                assert set(value.split()) <= classes[tag], html
                continue
            assert name in attributes.get(tag, set()) | set(extra_attributes), html
            if name in URL_ATTRIBUTES and value:
                url = IGNORED_IN_URL.sub("", value).lower()
                assert not url.startswith(DANGEROUS_SCHEMES), html


@settings(max_examples=200)
@given(markdown_documents)
@example("[x](jav&#x09;ascript:alert(1))")
@example("<javascript:alert(1)>")
@example("![x](data:image/png;base64,iVBORw0KGgo=)")
def test_post_markdown_never_raises_and_never_lets_script_through(text):
    html = render_post_markdown(text)

    tags, attributes, classes = post_allow_list()  # with the claims plugin's
    assert_safe(html, tags=tags, attributes=attributes, classes=classes)


@settings(max_examples=200)
@given(markdown_documents)
@example("[x](vbscript:msgbox(1))")
@example("![x](http://example.com/a.png)\n\n# heading")
def test_counterpoint_markdown_never_raises_and_keeps_to_its_small_allow_list(text):
    html = render_counterpoint_markdown(text)

    assert_safe(html, tags=COUNTERPOINT_TAGS, attributes=COUNTERPOINT_ATTRIBUTES, extra_attributes={"rel"})


def test_counterpoint_of_5000_open_brackets_renders_in_well_under_a_second():
    # Python-Markdown (markdownx's default) goes quadratic here and takes seconds.
    with cpu_time() as cpu:
        render_counterpoint_markdown("[" * 5000)
    assert cpu.seconds < 1.0


# Seed files.

TOML_KEYS = ["title", "slug", "dek", "date", "tags", "draft", "hindsight", "unknown"]
TOML_KEYS += ["decided", "verdict", "note"]
TOML_VALUES = [
    '"A title"', '""', '"  "', '"x"', '"Ünïcödé title"', '"ﬃ"', '"<script>alert(1)</script>"',
    '"a-valid-slug"', '"Not A Slug!"', "2025-01-28T09:00:00Z", "2025-01-28", "2025-01-28T09:00:00",
    "09:00:00", "0001-01-01T00:00:00", "9999-12-31", "1979-05-27T00:32:00.999999-07:00",
    "[]", '["ai", "llm"]', '["ai", "AI"]', '["a b", "a-b"]', '["", " "]', "[1, 2]", '[["nested"]]',
    "true", "false", "1", "-0", "nan", "inf", "{}", '{verdict = "wrong"}',
    '[{verdict = "nailed it"}]', '[{verdict = "nailed_it", decided = 2025-09-14T12:00:00Z, note = "n"}]',
    '[{verdict = "maybe"}]', '[{verdict = 1}]', '[{decided = "soon"}]', '[{note = ["x"]}]',
    "'''multi\nline'''", '"""\nmulti\n"""', '"unterminated', "= =", "[[hindsight]]", "[table]",
]  # fmt: skip
TOML_LINES = [
    '[[hindsight]]\nverdict = "still open"\n',
    '[[hindsight]]\nverdict = "partly right"\ndecided = 2025-01-01\nnote = "*note*"\n',
    "[[hindsight]]\n",
    "[hindsight]\n",
    "+++",
    "\ufeff",
    "\r\n",
]

toml_line = st.one_of(
    st.builds(
        "{} = {}\n".format,
        st.sampled_from(TOML_KEYS),
        st.one_of(st.sampled_from(TOML_VALUES), st.text(max_size=10).map(repr)),
    ),
    st.sampled_from(TOML_LINES),
    st.text(max_size=30),
)
front_matter = st.one_of(
    st.text(),
    st.lists(toml_line, max_size=10).map("".join),
    # A valid head first, so the later checks are reached too.
    st.builds(
        'title = "T"\ndate = {}\n{}'.format,
        st.sampled_from(
            ["2025-01-28", "2025-01-28T09:00:00Z", "2025-01-28T09:00:00", "1979-05-27T00:32:00-07:00"]
        ),
        st.lists(toml_line, max_size=6).map("".join),
    ),
)
body = st.one_of(st.text(), st.sampled_from(["", "\n", "   ", "Body *text*.", "+++", *XSS_FRAGMENTS]))
seed_text = st.one_of(
    st.text(),
    st.builds("+++\n{}\n+++\n{}".format, front_matter, body),
    st.builds("{}+++\n{}\n+++\n{}".format, st.sampled_from(["\ufeff", " ", "\n"]), front_matter, body),
)


@settings(max_examples=300)
@given(seed_text)
@example("+++\ntitle = 'T'\ndate = 2025-01-01\n+++\nBody.")
@example("+++\ntitle = 'T'\ndate = 0001-01-01T00:00:00+01:00\n+++\nBody.")
@example("+++\ntitle = 'T'\ndate = 2025-01-01\nx = " + "{a = " * 5000 + "\n+++\nBody.")
def test_seed_parser_returns_a_seed_or_raises_seed_error(text):
    try:
        seed = parse_seed(text)
    except SeedError as error:
        assert str(error)
    else:
        assert isinstance(seed, Seed)
        assert seed.title and seed.slug and seed.body.strip()


@settings(max_examples=200)
@given(
    st.fixed_dictionaries(
        {
            "title": st.sampled_from(["T", "ﬃ" * 200, "x" * 200]),
            "slug": st.sampled_from(["", "s", "s" * 201]),
            "dek": st.sampled_from(["", "d" * 301]),
            "tag": st.sampled_from(["t", "t" * 101]),
        }
    )
)
def test_a_parsed_seed_fits_the_post_columns(fields):
    text = (
        f'+++\ntitle = "{fields["title"]}"\nslug = "{fields["slug"]}"\ndek = "{fields["dek"]}"\n'
        f'tags = ["{fields["tag"]}"]\ndate = 2025-01-01\n+++\nBody.'
    )
    with contextlib.suppress(SeedError):
        seed = parse_seed(text)
        assert len(seed.slug) <= Post._meta.get_field("slug").max_length
        assert len(seed.dek) <= Post._meta.get_field("dek").max_length
        assert all(len(tag) <= 100 for tag in seed.tags)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(seed_text)
@example("+++\ntitle = 'T'\ndate = 2025-01-01\ntags = ['ai', 'AI']\n+++\nBody.")
@example('+++\rtitle="0"\rdate=0001-01-01\r+++\r\x00')
def test_load_seeds_loads_a_file_or_names_it_and_loads_nothing_from_it(text):
    # The command reads with universal newlines; predict from what it will read.
    try:
        parse_seed(text.replace("\r\n", "\n").replace("\r", "\n"))
        parses = True
    except SeedError:
        parses = False
    with tempfile.TemporaryDirectory() as directory, transaction.atomic():
        Path(directory, "hostile.md").write_text(text, encoding="utf-8")
        stderr = io.StringIO()
        try:
            call_command("load_seeds", directory, stdout=io.StringIO(), stderr=stderr)
        except CommandError as error:
            assert not parses
            assert "hostile.md" in str(error)
            assert "hostile.md" in stderr.getvalue()
            assert not Post.objects.exists()
        else:
            assert parses
            assert Post.objects.count() == 1
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("date", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-12:00"])
def test_date_outside_the_utc_range_is_named_not_a_crash(tmp_path, date):
    (tmp_path / "ancient.md").write_text(f'+++\ntitle = "T"\ndate = {date}\n+++\nBody.\n', encoding="utf-8")

    with pytest.raises(CommandError, match=r"ancient\.md"):
        call_command("load_seeds", tmp_path, stdout=io.StringIO(), stderr=io.StringIO())
    assert not Post.objects.exists()
