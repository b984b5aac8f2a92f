"""Anonymous readers get cached pages; every change they could see is fresh at once."""

import pytest
from django.urls import reverse

from blog.models import Post, Verdict
from tests.support.factories import make_hindsight, make_post, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_caches():
    from django.core.cache import caches

    for alias in ("default", "shared"):
        caches[alias].clear()


def test_second_anonymous_view_of_home_is_served_from_cache(client, django_assert_num_queries):
    make_post(title="Cached post", tags=["ai"])
    client.get(reverse("blog:post-list"))

    # The page and the generation it belongs to are both in memory.
    with django_assert_num_queries(0):
        response = client.get(reverse("blog:post-list"))
    assert "Cached post" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/", "/tags/", "/tags/ai/", "/hindsight/", "/feed/", "/feed/atom/", "/sitemap.xml", "/search/?q=cached"],
)
def test_reader_pages_are_cached(client, url, django_assert_max_num_queries):
    make_post(title="Cached post", tags=["ai"], verdict=Verdict.WRONG)
    assert client.get(url).status_code == 200

    with django_assert_max_num_queries(0):
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


def test_post_page_serves_its_article_and_counterpoints_from_cache(client, django_assert_num_queries):
    post = make_post(title="Cached article", tags=[f"t{n}" for n in range(5)], verdict=Verdict.WRONG)
    client.get(post.get_absolute_url())

    # The post itself; tags, verdicts and counterpoints come from the
    # cached fragments.
    with django_assert_num_queries(1):
        response = client.get(post.get_absolute_url())
    page = response.content.decode()
    assert "Cached article" in page
    assert "hindsight — <strong>wrong</strong>" in page
    assert 'href="/tags/t3/">#t3</a>' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_post_page_form_is_rendered_per_visitor(client):
    from django.test import Client

    post = make_post()
    first = client.get(post.get_absolute_url()).content.decode()
    second = Client().get(post.get_absolute_url()).content.decode()

    def token(page):
        return page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

    assert token(first) != token(second)


def test_a_new_verdict_shows_on_the_cached_post_page_at_once(client):
    post = make_post()
    client.get(post.get_absolute_url())

    make_hindsight(post, verdict=Verdict.PARTLY_RIGHT, note="Half of it.")

    assert "hindsight — <strong>partly right</strong>" in client.get(post.get_absolute_url()).content.decode()


def test_a_scheduled_post_appears_when_its_time_comes_without_a_save(client):
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    make_post(title="Due soon", published_at=timezone.now() + timedelta(minutes=5))
    assert "Due soon" not in client.get("/").content.decode()

    later = timezone.now() + timedelta(minutes=6)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert "Due soon" in client.get("/").content.decode()


def test_cached_pages_keep_their_security_headers(client):
    make_post()
    first = client.get("/")

    second = client.get("/")

    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"
    assert second["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_a_change_made_on_another_app_server_is_seen_once_the_generation_is_rechecked(client, settings):
    from blog.caching import _new_generation

    post = make_post(title="Before")
    client.get("/")
    # Another app server edits the post: the shared generation changes, but
    # this process has not heard (no signal ran here).
    Post.objects.filter(pk=post.pk).update(title="After")
    _new_generation()
    assert "Before" in client.get("/").content.decode()

    settings.PAGE_GENERATION_SECONDS = 0  # time to ask the shared cache again

    assert "After" in client.get("/").content.decode()


def test_a_rejected_form_shows_the_readers_text_after_the_empty_form_was_cached(client, settings):
    settings.COUNTERPOINT_MIN_SECONDS = 0
    post = make_post()
    empty = client.get(post.get_absolute_url()).content.decode()
    issued = empty.split('name="issued" value="')[1].split('"')[0]

    response = client.post(
        reverse("counterpoints:submit", args=[post.slug]),
        {"issued": issued, "author_name": "Ada", "body": "My unfinished thought", "stance": ""},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "My unfinished thought" in page
    assert 'value="Ada"' in page
