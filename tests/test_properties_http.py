"""
Property-based tests (hypothesis) through the whole request cycle: arbitrary
text sent to the counterpoint form and typed into the search box (issue 6).

Whatever is sent, the answer is never a 500: a counterpoint is accepted
(302) or handed back with its errors (400); a search is a page. And no page
the site then shows, the form handed back, the search results or the post
with the counterpoint approved, carries script a reader wrote: its only
script elements are the site's own files, no element has an event-handler
attribute, and no link or source is a ``javascript:``, ``vbscript:`` or
``data:`` URL. The Markdown pipeline on its own is covered in
test_properties.py; these go through forms, views and templates.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from core.markup import COUNTERPOINT_ATTRIBUTES, COUNTERPOINT_TAGS
from counterpoints.antispam import issue_token
from counterpoints.models import BODY_MAX_LENGTH, Counterpoint, body_fingerprint
from counterpoints.services import moderate_counterpoint
from tests.support.factories import make_post, make_user
from tests.test_properties import XSS_FRAGMENTS, assert_safe, markdown_documents

pytestmark = pytest.mark.django_db

SUBMIT_SETTINGS = {"COUNTERPOINT_MIN_SECONDS": 0, "COUNTERPOINT_RATE_LIMIT": "1000/60"}
HYPOTHESIS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "data"}


class _Page(HTMLParser):
    """Every element of a page, and the text inside its script elements."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.script_text = []
        self._in_script = self._in_data_block = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))
        # A JSON-LD block is data, not script (the CSP does not run it): checked as JSON below.
        self._in_script = tag == "script" and dict(attrs).get("type") != "application/ld+json"
        self._in_data_block = tag == "script" and not self._in_script

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_endtag(self, tag):
        self._in_script = self._in_data_block = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)
        if self._in_data_block:
            json.loads(data)  # one JSON value, nothing a reader's text could close early


def assert_page_runs_only_the_sites_own_script(html):
    page = _Page(html)
    assert page.script_text == [], "inline script on the page"
    for tag, attrs in page.elements:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("type") != "application/ld+json":
            assert (attributes.get("src") or "").startswith("/static/"), attrs
        for name, value in attrs:
            assert not name.startswith("on"), f"<{tag} {name}=…> on the page"
            if name in URL_ATTRIBUTES and value:
                assert not IGNORED_IN_URL.sub("", value).lower().startswith(DANGEROUS_SCHEMES), attrs


# What a reader, or a bot, may put in each field: anything at all, or a
# form that is otherwise valid around hostile text, so both the refusal and
# the saved-and-published sides are reached.
hostile_line = st.one_of(st.text(max_size=120), st.sampled_from(XSS_FRAGMENTS))
websites = st.sampled_from(
    [
        "https://ada.example.com/",
        "ada.example.com",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://exa\x00mple.com/",
        "https://example.com/" + "a" * 300,
    ]
)
arbitrary_submissions = st.fixed_dictionaries(
    {
        "stance": st.one_of(st.sampled_from(Counterpoint.Stance.values), st.text(max_size=20)),
        "author_name": hostile_line,
        "author_email": st.one_of(st.just(""), st.emails(), st.text(max_size=40)),
        "author_website": st.one_of(st.just(""), websites, st.text(max_size=40)),
        "quote": st.one_of(st.just(""), markdown_documents),
        "body": markdown_documents,
        "subject": st.one_of(st.just(""), st.text(max_size=10)),
    }
)
plausible_submissions = st.fixed_dictionaries(
    {
        "stance": st.sampled_from(Counterpoint.Stance.values),
        "author_name": st.one_of(st.just("Ada Reader"), st.sampled_from(XSS_FRAGMENTS).map(lambda s: s[:80])),
        "author_email": st.one_of(st.just(""), st.emails()),
        "author_website": st.one_of(st.just(""), websites),
        "quote": st.one_of(st.just(""), st.sampled_from(XSS_FRAGMENTS)),
        "body": markdown_documents.map("A counterpoint to this: {}".format),
        "subject": st.just(""),
    }
)
submissions = st.one_of(arbitrary_submissions, plausible_submissions)


@HYPOTHESIS
@given(submissions)
@example(
    {
        "stance": "push_back",
        "author_name": "<img src=x onerror=alert(1)>",
        "author_email": "",
        "author_website": "https://ada.example.com/",
        "quote": "<script>alert(1)</script>",
        "body": "Read [this](javascript:alert(1)) and <svg onload=alert(1)>, then think again.",
        "subject": "",
    }
)
@example(
    {
        "stance": "extend",
        "author_name": "N\x00body",
        "author_email": "",
        "author_website": "",
        "quote": "",
        "body": "Nul bytes\x00 in a counterpoint are refused, never stored.",
        "subject": "",
    }
)
def test_any_counterpoint_is_accepted_or_handed_back_and_never_runs_script(data):
    with override_settings(**SUBMIT_SETTINGS), transaction.atomic():
        post = make_post()
        moderator = make_user(staff=True)
        response = Client().post(
            reverse("counterpoints:submit", args=[post.slug]), {**data, "issued": issue_token(post)}
        )

        assert response.status_code in (302, 400), response.status_code
        event(f"answered {response.status_code}")
        if response.status_code == 400:
            html = response.content.decode()
            assert "Your counterpoint has not been sent yet" in html
            assert not Counterpoint.objects.filter(post=post).exists()
            assert_page_runs_only_the_sites_own_script(html)
        else:
            saved = Counterpoint.objects.get(post=post, body_hash=body_fingerprint(data["body"]))
            assert saved.status == Counterpoint.Status.PENDING
            assert "\x00" not in saved.body + saved.author_name + saved.quote
            assert_safe(
                saved.body_html,
                tags=COUNTERPOINT_TAGS,
                attributes=COUNTERPOINT_ATTRIBUTES,
                extra_attributes={"rel"},
            )
            moderate_counterpoint(saved, Counterpoint.Status.APPROVED, by=moderator)
            page = Client().get(post.get_absolute_url())
            assert page.status_code == 200
            html = page.content.decode()
            assert f'id="counterpoint-{saved.pk}"' in html
            assert_page_runs_only_the_sites_own_script(html)
        transaction.set_rollback(True)


too_long_or_nul = st.one_of(
    st.fixed_dictionaries(
        {"author_name": st.text(min_size=81, max_size=200).filter(lambda s: len(s.strip()) > 80)}
    ),
    st.fixed_dictionaries({"body": st.text(min_size=BODY_MAX_LENGTH + 1, max_size=BODY_MAX_LENGTH + 500)}),
    st.fixed_dictionaries(
        {"quote": st.text(min_size=1001, max_size=1500).filter(lambda s: len(s.strip()) > 1000)}
    ),
    st.fixed_dictionaries({"author_email": st.just("a" * 250 + "@example.com")}),
    st.fixed_dictionaries({"author_website": st.just("https://example.com/" + "a" * 200)}),
    st.builds(
        lambda name, before, after: {name: f"Long enough text {before}\x00{after}"},
        st.sampled_from(["author_name", "body", "quote"]),
        st.text(max_size=20),
        st.text(max_size=20),
    ),
)


@HYPOTHESIS
@given(too_long_or_nul)
def test_over_long_fields_and_nul_bytes_are_a_form_error_not_a_crash(overrides):
    valid = {
        "stance": "sharpen",
        "author_name": "Ada Reader",
        "author_email": "",
        "author_website": "",
        "quote": "",
        "body": "A perfectly ordinary counterpoint, apart from one field.",
        "subject": "",
    }
    with override_settings(**SUBMIT_SETTINGS), transaction.atomic():
        post = make_post()
        response = Client().post(
            reverse("counterpoints:submit", args=[post.slug]),
            {**valid, **overrides, "issued": issue_token(post)},
        )

        assert response.status_code == 400
        html = response.content.decode()
        assert "Your counterpoint has not been sent yet" in html
        assert 'class="field field-invalid"' in html
        assert not Counterpoint.objects.exists()
        transaction.set_rollback(True)


search_queries = st.one_of(
    st.text(),
    st.lists(st.one_of(st.text(max_size=12), st.sampled_from(XSS_FRAGMENTS)), max_size=8).map(" ".join),
    st.sampled_from(["&", "|", "!", ":*", '"', '"unclosed', "-", "or", "OR -", "<->", "a & !b", "%", "_"]),
    st.text(min_size=190, max_size=400),
)


def names_the_first_page(page):
    """Whether ``?page=`` asks for page 1: empty, or what int() reads as 1 (" 1", "01", "١")."""
    try:
        return page == "" or int(page) == 1
    except ValueError:
        return False


@HYPOTHESIS
@given(query=search_queries, page=st.one_of(st.just(""), st.text(max_size=6)))
@example(query="<script>alert(1)</script>", page="")
@example(query="nul\x00byte", page="2")
@example(query="0", page="\x85")  # whitespace to str.strip(), not a number to int()
@example(query="0", page=" 1\x85")  # int() reads 1
@example(query="'; DROP TABLE blog_post; --", page="")
def test_any_search_is_a_page_and_never_runs_script(query, page):
    with transaction.atomic():
        make_post(
            title="Searching <script> is safe", body="A body with javascript: in the text.", tags=["ai"]
        )
        response = Client().get(reverse("blog:search"), {"q": query, "page": page})

        # Past the first page of results is a 404 (tests/blog/test_pagination.py); a query with
        # nothing to search for is answered with advice on page 1, whatever the page.
        assert response.status_code == 200 or (response.status_code == 404 and not names_the_first_page(page))
        assert_page_runs_only_the_sites_own_script(response.content.decode())
        transaction.set_rollback(True)
