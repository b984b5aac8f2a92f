"""RSS and Atom feeds, read back with a real feed parser."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, Verdict
from tests.support import html
from tests.support.factories import make_post, make_user
from tests.support.feeds import read_feed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["blog:feed", "blog:feed-atom"])
def test_feed_has_full_sanitised_content_author_tags_dates_and_verdict(client, name):
    author = make_user(first_name="Ada", last_name="Writer")
    published = timezone.now() - timedelta(days=2)
    make_post(
        title="A judged call",
        body="Full **body** here.\n\n<script>alert(1)</script>",
        author=author,
        tags=["ai", "markets"],
        verdict=Verdict.NAILED_IT,
        published_at=published,
    )

    feed = read_feed(client, reverse(name))

    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.title == "A judged call"
    content = entry.get("content", [{}])[0].get("value") or entry.summary
    assert "Full <strong>body</strong> here." in content
    assert "<script>" not in content
    assert "hindsight — nailed it" in content
    assert entry.author == "Ada Writer"
    terms = {tag.term for tag in entry.tags}
    assert {"ai", "markets", "hindsight: nailed it"} <= terms
    assert entry.published_parsed[:5] == published.utctimetuple()[:5]
    assert entry.link.endswith("/posts/" + Post.objects.get().slug + "/")


@pytest.mark.parametrize("name", ["blog:feed", "blog:feed-atom"])
def test_feed_never_shows_drafts_or_scheduled_posts(client, name):
    make_post(title="Public one")
    make_post(title="Draft one", status=Post.Status.DRAFT)
    make_post(title="Future one", published_at=timezone.now() + timedelta(days=1))

    feed = read_feed(client, reverse(name))

    assert [entry.title for entry in feed.entries] == ["Public one"]


@pytest.mark.parametrize("name", ["blog:tag-feed", "blog:tag-feed-atom"])
def test_tag_feed_lists_only_that_tag(client, name):
    make_post(title="Tagged", tags=["ai"])
    make_post(title="Untagged", tags=["other"])

    feed = read_feed(client, reverse(name, args=["ai"]))

    assert [entry.title for entry in feed.entries] == ["Tagged"]
    assert "#ai" in feed.feed.title


def test_tag_feed_of_unknown_tag_is_404(client):
    assert client.get(reverse("blog:tag-feed", args=["nope"])).status_code == 404


def test_feed_is_newest_first(client):
    make_post(title="Older", published_at=timezone.now() - timedelta(days=5))
    make_post(title="Newer", published_at=timezone.now() - timedelta(days=1))

    feed = read_feed(client, reverse("blog:feed"))

    assert [entry.title for entry in feed.entries] == ["Newer", "Older"]


def test_pages_advertise_their_feeds(client):
    make_post(tags=["ai"])

    home = advertised_feeds(client.get(reverse("blog:post-list")))
    tag_page = advertised_feeds(client.get(reverse("blog:tag-detail", args=["ai"])))

    assert ("application/rss+xml", "/feed/") in home
    assert ("application/atom+xml", "/feed/atom/") in home
    assert ("application/rss+xml", "/tags/ai/feed/") in tag_page
    assert ("application/atom+xml", "/tags/ai/feed/atom/") in tag_page


def advertised_feeds(response):
    """``(type, href)`` of each feed the page's head names for feed readers."""
    return [
        (link["type"], link["href"]) for link in html.parse(response).select('head link[rel="alternate"]')
    ]


def test_feed_query_count_does_not_grow(client, django_assert_max_num_queries):
    for n in range(20):
        make_post(tags=[f"t{n}", "shared"], verdict=Verdict.WRONG, author=make_user())

    with django_assert_max_num_queries(3):
        client.get(reverse("blog:feed"))
