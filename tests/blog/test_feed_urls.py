"""Every address in every feed (src, href, srcset) is absolute: a feed reader cannot resolve /media/…."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from blog.models import Verdict
from tests.support.factories import make_hindsight, make_post

pytestmark = pytest.mark.django_db

BODY = """\
A chart: ![A bar chart](/media/uploads/2026/12/chart.png)

A photo with renditions: ![A photo](/media/uploads/2026/12/0123456789abcdef0123456789abcdef_2000x1000.jpg)

See [the notes](#notes), [an older post](/posts/older/) and [elsewhere](https://example.org/x).
"""

FEEDS = [
    "/feed/",
    "/feed/atom/",
    "/tags/charts/feed/",
    "/tags/charts/feed/atom/",
    "/hindsight/feed/",
    "/hindsight/feed/atom/",
]


class Addresses(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found += [(tag, name, value) for name, value in attrs if name in ("src", "href")]
        for name, value in attrs:
            if name == "srcset":
                self.found += [(tag, name, candidate.split()[0]) for candidate in value.split(",")]


def addresses_in(feed_xml):
    """Every URL in a feed: link elements and attributes, and src/href inside its HTML content."""
    found = []
    for element in ET.fromstring(feed_xml).iter():  # noqa: S314 (our own feed, in a test)
        name = element.tag.rsplit("}", 1)[-1]
        if name == "link":
            found.append(("link", "href", element.get("href") or element.text))
        elif name in ("description", "content", "summary") and element.text:
            parser = Addresses()
            parser.feed(element.text)
            found += parser.found
    return found


@pytest.mark.parametrize("url", FEEDS)
def test_every_src_and_href_in_the_feed_is_absolute(client, settings, url):
    settings.SITE_URL = "https://blog.example.com"
    post = make_post(slug="with-a-chart", body=BODY, tags=["charts"])
    make_hindsight(post, verdict=Verdict.WRONG, note="As [the follow-up](/posts/follow-up/) shows.")

    response = client.get(url)

    assert response.status_code == 200
    found = addresses_in(response.content)
    contents = [value for tag, _, value in found if tag in ("img", "a")]
    assert contents, "the feed's HTML content carries addresses"
    relative = [entry for entry in found if not entry[2].startswith(("https://", "http://"))]
    assert relative == []
    if "hindsight" in url:
        assert "https://blog.example.com/posts/follow-up/" in contents
    else:
        assert "https://blog.example.com/media/uploads/2026/12/chart.png" in contents
        assert "https://blog.example.com/posts/with-a-chart/#notes" in contents
        assert "https://example.org/x" in contents
        stem = "https://blog.example.com/media/uploads/2026/12/0123456789abcdef0123456789abcdef_2000x1000"
        assert f"{stem}-480w.webp" in [value for tag, _, value in found if tag == "source"]
