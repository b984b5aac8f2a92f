"""Series: an ordered set of posts with its own page and feed, "part 2 of 5" on each post (issue 15)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from blog.models import Post, Series, SeriesPart
from tests.support.factories import make_post
from tests.support.feeds import read_feed
from tests.support.html import links, parse, text, texts
from tests.support.queries import query_count

pytestmark = pytest.mark.django_db


def make_series(title="Cheap models", parts=(), **fields):
    series = Series.objects.create(title=title, slug=fields.pop("slug", "cheap-models"), **fields)
    for position, post in parts:
        SeriesPart.objects.create(series=series, post=post, position=position)
    return series


@pytest.fixture
def three_parts():
    # Published in a different order from the series' order, with a draft part between.
    second = make_post(title="Second part", published_at=timezone.now() - timedelta(days=9))
    first = make_post(title="First part", published_at=timezone.now() - timedelta(days=3))
    draft = make_post(title="Draft part", status=Post.Status.DRAFT)
    third = make_post(title="Third part", published_at=timezone.now() - timedelta(days=1))
    series = make_series(
        parts=[(1, first), (2, second), (3, draft), (4, third)], description="Why *cheap* models win."
    )
    return series, first, second, third


@pytest.mark.usefixtures("three_parts")
def test_the_series_page_lists_published_parts_in_series_order(client):
    response = client.get("/series/cheap-models/")

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("First part") < page.index("Second part") < page.index("Third part")
    assert "Draft part" not in page
    assert "A series in 3 parts" in page
    assert text(page, ".series-description") == "Why cheap models win."
    assert text(page, ".series-description em") == "cheap"
    assert ("RSS", "/series/cheap-models/feed/") in links(page, "main p.subscribe a")


def test_a_post_says_which_part_it_is_and_links_its_neighbours_in_the_series(client, three_parts):
    _, first, second, third = three_parts

    page = client.get(second.get_absolute_url())

    assert text(page, ".series-position") == "Part 2 of 3 in the series Cheap models"
    assert links(page, ".series-position a") == [("Cheap models", "/series/cheap-models/")]
    assert links(page, ".series-neighbours a") == [
        ("← Part 1: First part", first.get_absolute_url()),
        ("Part 3: Third part →", third.get_absolute_url()),
    ]
    assert text(page, '.series-parts [aria-current="page"]') == "Second part"
    assert "Draft part" not in text(page)
    first_page = client.get(first.get_absolute_url()).content.decode()
    assert "Part 1 of 3" in first_page and "← Part" not in first_page


def test_a_post_outside_any_series_has_no_series_box(client, three_parts):
    alone = make_post(title="Alone")

    assert not parse(client.get(alone.get_absolute_url())).select(".series-box")


def test_a_series_without_a_published_part_is_not_found(client):
    make_series(parts=[(1, make_post(status=Post.Status.DRAFT))])

    assert client.get("/series/cheap-models/").status_code == 404
    assert client.get("/series/cheap-models/feed/").status_code == 404
    assert client.get("/series/no-such/").status_code == 404
    assert "Cheap models" not in client.get("/series/").content.decode()


def test_the_series_index_lists_series_with_their_published_part_count(client, three_parts):
    page = client.get("/series/")

    assert links(page, ".series-list a") == [("Cheap models", "/series/cheap-models/")]
    assert texts(page, ".series-list .count") == ["3 parts"]


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_the_series_feed_has_its_published_parts_only(client, three_parts, suffix):
    feed = read_feed(client, f"/series/cheap-models/feed/{suffix}")

    assert feed.feed.title.endswith("Cheap models")
    assert sorted(entry.title for entry in feed.entries) == ["First part", "Second part", "Third part"]


def test_a_position_is_taken_once_per_series(three_parts):
    from django.db import IntegrityError, transaction

    series, *_ = three_parts
    with pytest.raises(IntegrityError), transaction.atomic():
        SeriesPart.objects.create(series=series, post=make_post(), position=2)


def test_series_pages_cost_the_same_however_long_the_series(client):
    def queries(path):
        return query_count(client, path)

    short = make_series(title="Short", slug="short", parts=[(n, make_post(tags=["ai"])) for n in (1, 2)])
    long = make_series(title="Long", slug="long", parts=[(n, make_post(tags=["ai"])) for n in range(1, 30)])
    short_post = short.parts.get(position=2).post
    long_post = long.parts.get(position=2).post

    assert queries("/series/short/") == queries("/series/long/")
    assert queries(short_post.get_absolute_url()) == queries(long_post.get_absolute_url())
    assert queries("/series/short/feed/") == queries("/series/long/feed/")


def test_series_are_managed_in_the_admin_with_their_parts_inline(admin_client):
    post = make_post(title="Only part")

    response = admin_client.post(
        "/admin/blog/series/add/",
        {
            "title": "New series",
            "slug": "new-series",
            "description": "",
            "parts-TOTAL_FORMS": "1",
            "parts-INITIAL_FORMS": "0",
            "parts-MIN_NUM_FORMS": "0",
            "parts-MAX_NUM_FORMS": "1000",
            "parts-0-position": "1",
            "parts-0-post": str(post.pk),
        },
    )

    assert response.status_code == 302
    assert list(Series.objects.get(slug="new-series").parts.values_list("post__title", flat=True)) == [
        "Only part"
    ]
    assert admin_client.get("/admin/blog/series/").status_code == 200


def test_the_sitemap_lists_public_series(client, three_parts):
    sitemap = client.get("/sitemap.xml").content.decode()

    assert f"<loc>{settings.SITE_URL}/series/cheap-models/</loc>" in sitemap
    assert f"<loc>{settings.SITE_URL}/series/</loc>" in sitemap
