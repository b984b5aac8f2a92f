"""Anonymous readers get cached pages; every change they could see is fresh at once."""

import pytest
from django.urls import reverse

from blog.models import Post, Verdict
from tests.factories import make_hindsight, make_post, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_caches():
    from django.core.cache import caches

    for alias in ("default", "shared"):
        caches[alias].clear()


def test_second_anonymous_view_of_home_is_served_from_cache(client, django_assert_num_queries):
    make_post(title="Cached post", tags=["ai"])
    client.get(reverse("blog:post-list"))

    with django_assert_num_queries(1):  # the shared page generation; the page itself is cached
        response = client.get(reverse("blog:post-list"))
    assert "Cached post" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/", "/tags/", "/tags/ai/", "/hindsight/", "/feed/", "/feed/atom/", "/sitemap.xml", "/search/?q=cached"],
)
def test_reader_pages_are_cached(client, url, django_assert_max_num_queries):
    make_post(title="Cached post", tags=["ai"], verdict=Verdict.WRONG)
    assert client.get(url).status_code == 200

    with django_assert_max_num_queries(1):
        assert client.get(url).status_code == 200


def test_publishing_a_draft_shows_at_once(client):
    post = make_post(title="Fresh news", status=Post.Status.DRAFT)
    assert "Fresh news" not in client.get("/").content.decode()

    post.status = Post.Status.PUBLISHED
    post.save()

    assert "Fresh news" in client.get("/").content.decode()


def test_editing_a_post_shows_at_once(client):
    post = make_post(title="First title")
    client.get("/")

    post.title = "Second title"
    post.save()

    assert "Second title" in client.get("/").content.decode()


def test_a_new_verdict_shows_at_once(client):
    post = make_post(title="Judged later")
    assert "Judged later" not in client.get("/hindsight/").content.decode()

    make_hindsight(post, verdict=Verdict.WRONG)

    assert "Judged later" in client.get("/hindsight/").content.decode()
    assert "verdict-wrong" in client.get("/").content.decode()


def test_changing_tags_shows_at_once(client):
    post = make_post(tags=["old-tag"])
    client.get("/tags/")

    post.tags.set(["new-tag"])

    page = client.get("/tags/").content.decode()
    assert "new-tag" in page
    assert "old-tag" not in page


def test_deleting_a_post_shows_at_once(client):
    post = make_post(title="Going away")
    client.get("/")

    post.delete()

    assert "Going away" not in client.get("/").content.decode()


def test_staff_always_see_fresh_pages(client, django_assert_max_num_queries):
    make_post(title="Staff view")
    client.force_login(make_user(staff=True))
    client.get("/")

    with django_assert_max_num_queries(10) as captured:
        client.get("/")
    assert any("blog_post" in query["sql"] for query in captured.captured_queries)
