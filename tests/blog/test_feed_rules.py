"""
Every feed against the elements RFC 4287 (Atom) and RSS 2.0 require, and no
relative URL anywhere, content included (issue 15: ``/hindsight/feed/atom/``
had entries without ``updated``; feed content carried ``/tags/…`` links).

The feed's own XML is read with ElementTree, not a forgiving parser, so a
missing element is missing.
"""

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from blog.models import Series, SeriesPart, Verdict
from tests.support.factories import make_counterpoint, make_hindsight, make_post

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"

RELATIVE_BODY = (
    "See [the tag](/tags/ai/), [a section](#why) and [a sibling](../other/).\n\n"
    "![A chart](/media/uploads/chart.png)\n\n## Why\n\nBecause."
)

# (url, kind): every feed the site serves, given the data made below.
FEEDS = [
    ("/feed/", "rss"),
    ("/feed/atom/", "atom"),
    ("/tags/ai/feed/", "rss"),
    ("/tags/ai/feed/atom/", "atom"),
    ("/hindsight/feed/", "rss"),
    ("/hindsight/feed/atom/", "atom"),
    ("/series/linked/feed/", "rss"),
    ("/series/linked/feed/atom/", "atom"),
    ("/counterpoints/feed/", "rss"),
    ("/counterpoints/feed/atom/", "atom"),
    ("/posts/links-everywhere/counterpoints/feed/", "rss"),
    ("/posts/links-everywhere/counterpoints/feed/atom/", "atom"),
]


@pytest.fixture
def site_with_relative_links():
    post = make_post(title="Links everywhere", slug="links-everywhere", body=RELATIVE_BODY, tags=["ai"])
    series = Series.objects.create(title="Linked", slug="linked")
    SeriesPart.objects.create(series=series, post=post, position=1)
    make_counterpoint(
        post, body="See [the tag](/tags/ai/) and [above](#why).", author_reply="Read [this](#why)."
    )
    make_hindsight(post, verdict=Verdict.PARTLY_RIGHT, note="Compare [the tag](/tags/ai/) and [this](#why).")
    make_post(title="Plain", tags=["ai"], verdict=Verdict.WRONG)
    return post


def is_absolute(url):
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def urls_in_html(fragment):
    return re.findall(r'(?:href|src)="([^"]*)"', fragment)


def atom_problems(root):
    problems = []
    if root.tag != f"{ATOM}feed":
        return [f"root is {root.tag}, not atom:feed"]
    for name in ("id", "title", "updated"):
        if root.find(f"{ATOM}{name}") is None:
            problems.append(f"feed lacks {name}")
    feed_has_author = root.find(f"{ATOM}author") is not None
    entries = root.findall(f"{ATOM}entry")
    if not entries:
        problems.append("no entries")
    for n, entry in enumerate(entries):
        for name in ("id", "title", "updated"):
            if entry.find(f"{ATOM}{name}") is None:
                problems.append(f"entry {n} lacks {name}")
        if not feed_has_author and entry.find(f"{ATOM}author/{ATOM}name") is None:
            problems.append(f"entry {n} has no author and the feed has none")
        content = entry.find(f"{ATOM}content")
        summary = entry.find(f"{ATOM}summary")
        alternate = [
            link for link in entry.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"
        ]
        if content is None and not alternate:
            problems.append(f"entry {n} has neither content nor an alternate link")
        for text in (content, summary):
            if text is not None:
                problems += [
                    f"entry {n}: relative URL {u!r}"
                    for u in urls_in_html(text.text or "")
                    if not is_absolute(u)
                ]
    for link in root.iter(f"{ATOM}link"):
        if not is_absolute(link.get("href", "")):
            problems.append(f"relative link {link.get('href')!r}")
    for element in root.iter(f"{ATOM}id"):
        if not urlsplit(element.text or "").scheme:
            problems.append(f"id {element.text!r} is not an IRI")
    return problems


def rss_problems(root):
    problems = []
    channel = root.find("channel")
    if root.tag != "rss" or root.get("version") != "2.0" or channel is None:
        return ["not an RSS 2.0 document"]
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            problems.append(f"channel lacks {name}")
    if not is_absolute(channel.findtext("link") or ""):
        problems.append("channel link is relative")
    items = channel.findall("item")
    if not items:
        problems.append("no items")
    for n, item in enumerate(items):
        if item.find("title") is None and item.find("description") is None:
            problems.append(f"item {n} has neither title nor description")
        link = item.findtext("link")
        if link is not None and not is_absolute(link):
            problems.append(f"item {n}: relative link {link!r}")
        guid = item.find("guid")
        if (
            guid is not None
            and guid.get("isPermaLink", "true") == "true"
            and not is_absolute(guid.text or "")
        ):
            problems.append(f"item {n}: permalink guid is relative")
        problems += [
            f"item {n}: relative URL {u!r}"
            for u in urls_in_html(item.findtext("description") or "")
            if not is_absolute(u)
        ]
    return problems


def problems_of(content, kind):
    root = ET.fromstring(content)  # noqa: S314 - our own feed, rendered by the test
    return atom_problems(root) if kind == "atom" else rss_problems(root)


@pytest.mark.usefixtures("site_with_relative_links")
@pytest.mark.parametrize(("url", "kind"), FEEDS)
def test_feed_has_every_required_element_and_only_absolute_urls(client, url, kind):
    response = client.get(url)

    assert response.status_code == 200
    assert problems_of(response.content, kind) == []


def test_relative_links_in_a_post_are_made_absolute_against_its_page(client, site_with_relative_links):
    post = site_with_relative_links
    content = client.get("/feed/atom/").content.decode()

    base = settings.SITE_URL
    assert f'href="{base}/tags/ai/"' in content
    assert f'href="{base}{post.get_absolute_url()}#why"' in content
    assert f'src="{base}/media/uploads/chart.png"' in content
    assert f'href="{base}/posts/other/"' in content


def test_the_check_catches_an_atom_entry_without_updated():
    broken = (
        f'<feed xmlns="{ATOM[1:-1]}"><id>https://x.example/</id><title>t</title><updated>2025-01-01T00:00:00Z</updated>'
        '<author><name>a</name></author><link href="https://x.example/"/>'
        '<entry><id>https://x.example/1</id><title>one</title><link href="https://x.example/1"/></entry></feed>'
    )
    assert problems_of(broken.encode(), "atom") == ["entry 0 lacks updated"]
