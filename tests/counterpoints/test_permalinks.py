"""Approved counterpoints as pages and feeds of their own (issue 15)."""

import re

import pytest
from django.conf import settings

from blog.models import Post
from counterpoints.models import Counterpoint
from tests.support import html
from tests.support.factories import make_counterpoint, make_post
from tests.support.feeds import read_feed

pytestmark = pytest.mark.django_db


def detail_url(counterpoint):
    return f"/posts/{counterpoint.post.slug}/counterpoints/{counterpoint.pk}/"


def test_an_approved_counterpoint_has_a_page_with_quote_reply_canonical_and_way_back(client):
    post = make_post(title="The call")
    counterpoint = make_counterpoint(
        post,
        author_name="Rosa Reader",
        quote="Costs will fall.",
        body="They did not, *as* the [data](/tags/ai/) shows.",
        author_reply="Fair, I concede it.",
        response=Counterpoint.AuthorResponse.CONCEDED,
    )

    response = client.get(detail_url(counterpoint))

    assert response.status_code == 200
    page = html.parse(response)
    assert html.one(page, 'link[rel="canonical"]')["href"] == f"{settings.SITE_URL}{detail_url(counterpoint)}"
    assert html.text(page, "h1") == "A counterpoint by Rosa Reader"
    assert html.text(page, "blockquote.counterpoint-quote") == "Costs will fall."
    assert "They did not, as the data shows." in html.text(page)
    assert html.texts(page, "em") == ["as"]
    assert "Fair, I concede it." in html.text(page)
    in_place = f"{post.get_absolute_url()}#counterpoint-{counterpoint.pk}"
    assert ("See it in its place under the post", in_place) in html.links(page)


@pytest.mark.parametrize(
    "status", [Counterpoint.Status.PENDING, Counterpoint.Status.REJECTED, Counterpoint.Status.SPAM]
)
def test_an_unapproved_counterpoint_has_no_page(client, status):
    counterpoint = make_counterpoint(make_post(), status=status, body="Not for readers yet.")

    response = client.get(detail_url(counterpoint))

    assert response.status_code == 404
    assert "Not for readers yet." not in response.content.decode()


def test_a_counterpoint_on_a_draft_or_under_another_post_is_not_found(client):
    draft = make_post(status=Post.Status.DRAFT)
    on_draft = make_counterpoint(draft)
    elsewhere = make_counterpoint(make_post())
    other = make_post()

    assert client.get(detail_url(on_draft)).status_code == 404
    assert client.get(f"/posts/{other.slug}/counterpoints/{elsewhere.pk}/").status_code == 404


def test_each_counterpoint_under_a_post_links_its_page(client):
    post = make_post()
    counterpoint = make_counterpoint(post)

    page = client.get(post.get_absolute_url())

    assert [href for _, href in html.links(page, "a.counterpoint-permalink")] == [detail_url(counterpoint)]


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_the_site_wide_feed_has_approved_counterpoints_only_newest_first(client, atom):
    post = make_post(title="The call")
    older = make_counterpoint(post, author_name="Old Reader")
    newer = make_counterpoint(post, author_name="New Reader")
    newer.submitted_at = older.submitted_at.replace(year=older.submitted_at.year + 1)
    newer.save()
    make_counterpoint(post, author_name="Pending Reader", status=Counterpoint.Status.PENDING)
    make_counterpoint(post, author_name="Spam Reader", status=Counterpoint.Status.SPAM)
    make_counterpoint(make_post(status=Post.Status.DRAFT), author_name="Draft Reader")

    feed = read_feed(client, "/counterpoints/feed/atom/" if atom else "/counterpoints/feed/")

    assert [entry.author for entry in feed.entries] == ["New Reader", "Old Reader"]
    assert feed.entries[0].title == "New Reader on “The call” (pushes back)"
    assert feed.entries[0].link == f"{settings.SITE_URL}{detail_url(newer)}"


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_a_posts_feed_has_its_own_counterpoints_only(client, atom):
    post = make_post()
    mine = make_counterpoint(post, author_name="Mine", quote="A quoted line.", body="See [here](#why).")
    make_counterpoint(make_post(), author_name="Elsewhere")

    feed = read_feed(client, f"/posts/{post.slug}/counterpoints/feed/{'atom/' if atom else ''}")

    assert [entry.author for entry in feed.entries] == ["Mine"]
    content = feed.entries[0].get("content", [{}])[0].get("value") or feed.entries[0].summary
    assert "A quoted line." in content
    assert f'href="{settings.SITE_URL}{detail_url(mine)}#why"' in content


def test_a_draft_posts_counterpoint_feed_is_not_found(client):
    draft = make_post(status=Post.Status.DRAFT)

    assert client.get(f"/posts/{draft.slug}/counterpoints/feed/").status_code == 404


def test_the_post_page_offers_its_counterpoint_feed(client):
    post = make_post()

    page = client.get(post.get_absolute_url()).content.decode()

    assert re.search(
        rf'Subscribe to counterpoints on this post: <a href="/posts/{post.slug}/counterpoints/feed/">RSS</a>',
        page,
    )


def test_feeds_cost_the_same_with_many_counterpoints(client, django_assert_max_num_queries):
    posts = [make_post() for _ in range(5)]
    for n in range(40):
        make_counterpoint(posts[n % 5])

    with django_assert_max_num_queries(2):
        assert client.get("/counterpoints/feed/").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(f"/posts/{posts[0].slug}/counterpoints/feed/atom/").status_code == 200


def test_the_sitemap_lists_approved_counterpoints_only(client):
    post = make_post()
    approved = make_counterpoint(post)
    pending = make_counterpoint(post, status=Counterpoint.Status.PENDING)

    sitemap = client.get("/sitemap.xml").content.decode()

    assert f"<loc>{settings.SITE_URL}{detail_url(approved)}</loc>" in sitemap
    assert detail_url(pending) not in sitemap
