"""Anonymous readers get cached pages; every change they could see is fresh at once."""

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, Verdict
from counterpoints.models import Counterpoint
from counterpoints.services import moderate_counterpoint
from tests.support.factories import make_hindsight, make_post, make_user
from tests.support.html import field_value, links, text
from tests.support.transactions import change_in_open_transaction

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
    [
        "/",
        "/tags/",
        "/tags/ai/",
        "/hindsight/",
        "/hindsight/tags/",
        "/feed/",
        "/feed/atom/",
        "/sitemap.xml",
        "/search/?q=cached",
    ],
)
def test_reader_pages_are_cached(client, url, django_assert_max_num_queries):
    make_post(title="Cached post", tags=["ai"], verdict=Verdict.WRONG)
    assert client.get(url).status_code == 200

    with django_assert_max_num_queries(0):
        assert client.get(url).status_code == 200


def test_publishing_a_draft_shows_at_once(client, django_capture_on_commit_callbacks):
    post = make_post(title="Fresh news", status=Post.Status.DRAFT)
    assert "Fresh news" not in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        post.status = Post.Status.PUBLISHED
        post.save()

    assert "Fresh news" in client.get("/").content.decode()


def test_editing_a_post_shows_at_once(client, django_capture_on_commit_callbacks):
    post = make_post(title="First title")
    client.get("/")

    with django_capture_on_commit_callbacks(execute=True):
        post.title = "Second title"
        post.save()

    assert "Second title" in client.get("/").content.decode()


def test_a_new_verdict_shows_at_once(client, django_capture_on_commit_callbacks):
    post = make_post(title="Judged later")
    assert "Judged later" not in client.get("/hindsight/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        make_hindsight(post, verdict=Verdict.WRONG)

    assert "Judged later" in client.get("/hindsight/").content.decode()
    assert "verdict-wrong" in client.get("/").content.decode()


def test_changing_tags_shows_at_once(client, django_capture_on_commit_callbacks):
    post = make_post(tags=["old-tag"])
    client.get("/tags/")

    with django_capture_on_commit_callbacks(execute=True):
        post.tags.set(["new-tag"])

    page = client.get("/tags/").content.decode()
    assert "new-tag" in page
    assert "old-tag" not in page


def test_deleting_a_post_shows_at_once(client, django_capture_on_commit_callbacks):
    post = make_post(title="Going away")
    client.get("/")

    with django_capture_on_commit_callbacks(execute=True):
        post.delete()

    assert "Going away" not in client.get("/").content.decode()


def test_staff_always_see_fresh_pages(client, django_assert_max_num_queries):
    make_post(title="Staff view")
    client.force_login(make_user(staff=True))
    client.get("/")

    with django_assert_max_num_queries(10) as captured:
        client.get("/")
    assert any("blog_post" in query["sql"] for query in captured.captured_queries)


def test_post_page_is_served_whole_from_cache(client, django_assert_num_queries):
    post = make_post(title="Cached article", tags=[f"t{n}" for n in range(5)], verdict=Verdict.WRONG)
    client.get(post.get_absolute_url())

    # The whole page is stored: no view, template or query on a hit.
    with django_assert_num_queries(0):
        response = client.get(post.get_absolute_url())
    assert text(response, "h1.post-title") == "Cached article"
    assert text(response, ".hindsight-banner .hindsight-label strong") == "wrong"
    assert ("#t3", "/tags/t3/") in links(response, "article.post .meta a")
    assert field_value(response, "csrfmiddlewaretoken")


def test_post_page_form_is_rendered_per_visitor(client):
    from django.test import Client

    post = make_post()
    first = client.get(post.get_absolute_url())
    second = Client().get(post.get_absolute_url())

    assert field_value(first, "csrfmiddlewaretoken") != field_value(second, "csrfmiddlewaretoken")


def test_a_new_verdict_shows_on_the_cached_post_page_at_once(client, django_capture_on_commit_callbacks):
    post = make_post()
    client.get(post.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        make_hindsight(post, verdict=Verdict.PARTLY_RIGHT, note="Half of it.")

    page = client.get(post.get_absolute_url())
    assert text(page, ".hindsight-banner .hindsight-label strong") == "partly right"


def test_a_scheduled_post_appears_when_its_time_comes_without_a_save(
    client, django_capture_on_commit_callbacks
):
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
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
    from core.caching import new_generation

    post = make_post(title="Before")
    client.get("/")
    # Another app server edits the post: the shared generation changes, but
    # this process has not heard (it still remembers the old one).
    Post.objects.filter(pk=post.pk).update(title="After")
    new_generation()
    assert "Before" in client.get("/").content.decode()

    settings.PAGE_GENERATION_SECONDS = 0  # time to ask the shared cache again

    assert "After" in client.get("/").content.decode()


def test_a_rejected_form_shows_the_readers_text_after_the_empty_form_was_cached(client, settings):
    settings.COUNTERPOINT_MIN_SECONDS = 0
    post = make_post()
    issued = field_value(client.get(post.get_absolute_url()), "issued")

    response = client.post(
        reverse("counterpoints:submit", args=[post.slug]),
        {"issued": issued, "author_name": "Ada", "body": "My unfinished thought", "stance": ""},
    )

    assert response.status_code == 400
    assert field_value(response, "body") == "My unfinished thought"
    assert field_value(response, "author_name") == "Ada"


# Freshness on commit (issue 11 item 1) -----------------------------------------


def test_a_reader_during_the_writers_transaction_does_not_cache_old_rows_as_new(file_database, client):
    post = make_post(title="Before the edit")
    assert "Before the edit" in client.get("/").content.decode()

    def edit():
        editing = Post.objects.get(pk=post.pk)
        editing.title = "After the edit"
        editing.save()

    def read():
        # The writer has not committed: the reader sees (and may cache) the old title.
        assert "Before the edit" in client.get("/").content.decode()
        assert "Before the edit" in client.get(post.get_absolute_url()).content.decode()

    change_in_open_transaction(edit, while_open=read)

    assert "After the edit" in client.get("/").content.decode()
    assert "After the edit" in client.get(post.get_absolute_url()).content.decode()


def test_nothing_is_refreshed_until_the_transaction_commits(client, django_capture_on_commit_callbacks):
    from unittest import mock

    from core import caching

    post = make_post(title="Old title")
    client.get("/")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post.title = "New title"
        post.save()
        post.tags.add("late")
        make_hindsight(post, verdict=Verdict.WRONG)

        # Inside the transaction the cached page stays as it was committed.
        assert "Old title" in client.get("/").content.decode()

    with mock.patch.object(caching, "new_generation", wraps=caching.new_generation) as replaced:
        for callback in callbacks:  # the commit
            callback()

    assert replaced.call_count == 1  # three changes, one refresh
    assert "New title" in client.get("/").content.decode()


def test_a_rolled_back_change_refreshes_nothing(client, django_capture_on_commit_callbacks):
    from unittest import mock

    from django.db import transaction

    from core import caching

    post = make_post(title="Kept")
    client.get("/")
    with (
        mock.patch.object(caching, "new_generation", wraps=caching.new_generation) as replaced,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        post.title = "Discarded"
        post.save()
        transaction.set_rollback(True)

    replaced.assert_not_called()
    assert Post.objects.get(pk=post.pk).title == "Kept"


def test_adding_a_post_with_tags_and_a_verdict_in_the_admin_changes_the_generation_once(
    admin_client, client, django_capture_on_commit_callbacks
):
    from unittest import mock

    from core import caching
    from tests.support.admin import post_form

    client.get("/")
    data = post_form(admin_client, tags="ai, markets, chips, policy")
    with (
        mock.patch.object(caching, "new_generation", wraps=caching.new_generation) as replaced,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = admin_client.post(reverse("admin:blog_post_add"), data)

    assert response.status_code == 302
    assert replaced.call_count == 1
    page = client.get("/").content.decode()
    assert "Written in the admin" in page
    assert "verdict-still_open" in page or "still open" in page


# What is cached, and under which key (issue 10, issue 11 item 4) -----------------


def test_parameters_a_page_does_not_read_share_its_cached_copy(client, django_assert_num_queries):
    make_post(title="Shared copy")
    client.get("/?utm_source=newsletter")

    with django_assert_num_queries(0):
        page = client.get("/?fbclid=abc&utm_source=other").content.decode()
    assert "Shared copy" in page


def test_parameters_a_page_reads_keep_its_pages_apart(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    for n in range(settings.POSTS_PER_PAGE):
        make_post(title=f"Recent post {n}")
    make_post(title="The oldest post", published_at=timezone.now() - timedelta(days=365))

    first = client.get("/").content.decode()
    second = client.get("/?page=2&utm_source=x").content.decode()

    assert "The oldest post" not in first
    assert "The oldest post" in second and "Recent post" not in second


def test_search_pages_are_cached_per_query(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the search index follows the commit
        make_post(title="About chips")
        make_post(title="About salsa")

    assert "About chips" in client.get("/search/?q=chips").content.decode()
    salsa = client.get("/search/?q=salsa").content.decode()

    assert "About salsa" in salsa and "About chips" not in salsa


@pytest.mark.parametrize("url", ["/admin/login/", "/no-such-page/", "/counterpoints/status/not-a-token/"])
def test_pages_that_are_never_cached_cost_no_cache_lookup(client, url):
    from unittest import mock

    from django.core.cache import caches

    page_cache = caches["default"]
    with mock.patch.object(page_cache, "get", wraps=page_cache.get) as lookup:
        client.get(url)
        client.get(url)

    assert not [call for call in lookup.call_args_list if str(call.args[0]).startswith("page:")]


def test_a_response_marked_private_is_never_stored(client, django_assert_max_num_queries):
    from django.http import HttpResponse
    from django.test import override_settings
    from django.urls import path

    from core.caching import cacheable_for_anonymous

    calls = []

    @cacheable_for_anonymous
    def private_view(request):
        calls.append(1)
        response = HttpResponse("for one reader")
        response["Cache-Control"] = "private"
        return response

    urlconf = type("urls", (), {"urlpatterns": [path("private/", private_view)]})
    with override_settings(ROOT_URLCONF=urlconf):
        client.get("/private/")
        client.get("/private/")

    assert len(calls) == 2


# The whole post page from the cache, with per-visitor tokens (issue 11 item 2) ----


def csrf_field(page):
    return page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def issued_field(page):
    return page.split('name="issued" value="')[1].split('"')[0]


def test_every_visitor_gets_their_own_csrf_token_and_cookie_from_the_cached_page(client):
    from django.conf import settings
    from django.test import Client

    post = make_post()
    first = client.get(post.get_absolute_url())
    other = Client()
    second = other.get(post.get_absolute_url())  # from the cache

    first_cookie = first.cookies[settings.CSRF_COOKIE_NAME].value
    second_cookie = second.cookies[settings.CSRF_COOKIE_NAME].value
    assert first_cookie != second_cookie
    assert csrf_field(first.content.decode()) != csrf_field(second.content.decode())
    for response in (first, second):
        assert "Cookie" in response["Vary"]
        assert "csrftoken" not in str(response.content)  # no placeholder or cookie left in the page

    # A returning visitor keeps their secret (Django re-sends the same cookie to extend it).
    again = client.get(post.get_absolute_url())
    assert again.cookies[settings.CSRF_COOKIE_NAME].value == first_cookie
    assert csrf_field(again.content.decode()) != csrf_field(first.content.decode())  # masked afresh


def send_counterpoints_as_visitors(post, names):
    """Each of ``names`` gets the post page in a browser of their own and sends its form."""
    from django.test import Client

    for name in names:
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(post.get_absolute_url()).content.decode()
        response = visitor.post(
            reverse("counterpoints:submit", args=[post.slug]),
            {
                "csrfmiddlewaretoken": csrf_field(page),
                "issued": issued_field(page),
                "author_name": name,
                "stance": "push_back",
                "body": f"{name} disagrees, at some length, with the argument made here.",
            },
            REMOTE_ADDR=f"10.0.0.{len(name)}",
        )
        assert response.status_code == 302, response.content.decode()[:2000]


def test_both_visitors_can_send_the_form_they_got_from_the_cache_without_javascript(settings):
    from counterpoints.models import Counterpoint

    settings.COUNTERPOINT_MIN_SECONDS = 0
    post = make_post()
    send_counterpoints_as_visitors(post, ["Ada", "Grace"])

    assert sorted(Counterpoint.objects.values_list("author_name", flat=True)) == ["Ada", "Grace"]


def test_visitors_can_send_the_form_drawn_from_its_cached_part_after_an_approval(
    settings, two_posts_cached, django_capture_on_commit_callbacks
):
    from counterpoints.models import Counterpoint

    settings.COUNTERPOINT_MIN_SECONDS = 0
    answered, _, pending = two_posts_cached
    approve(pending, django_capture_on_commit_callbacks)  # the page is drawn again, its form from the cache

    send_counterpoints_as_visitors(answered, ["Ada", "Grace"])

    sent = Counterpoint.objects.filter(status=Counterpoint.Status.PENDING)
    assert sorted(sent.values_list("author_name", flat=True)) == ["Ada", "Grace"]


def test_the_form_timestamp_is_issued_when_the_visitor_gets_the_page_not_when_it_was_stored(client):
    import time
    from unittest import mock

    from django.core import signing
    from django.test import Client

    from counterpoints import antispam

    post = make_post()
    an_hour_ago = time.time() - 3600
    with mock.patch("time.time", return_value=an_hour_ago):
        client.get(post.get_absolute_url())  # stored an hour ago

    page = Client().get(post.get_absolute_url()).content.decode()

    issued_at = signing.loads(issued_field(page), salt=antispam.SIGNING_SALT)["at"]
    assert abs(issued_at - time.time()) < 60


# HTTP caching (issue 11 item 3) --------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/tags/ai/", "/hindsight/", "/feed/", "/feed/atom/", "/sitemap.xml"])
def test_unchanged_anonymous_pages_and_feeds_answer_304(client, url):
    make_post(title="Validated", tags=["ai"], verdict=Verdict.WRONG)
    first = client.get(url)
    assert first.status_code == 200
    assert first["Last-Modified"]

    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == since.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_changed_page_answers_200_to_an_old_etag(client, django_capture_on_commit_callbacks):
    post = make_post(title="Old headline")
    etag = client.get("/")["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        post.title = "New headline"
        post.save()
    response = client.get("/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert "New headline" in response.content.decode()
    assert response["ETag"] != etag


def test_pages_the_same_for_everyone_may_be_kept_by_a_shared_cache(client, settings):
    make_post()

    cache_control = client.get("/")["Cache-Control"]

    assert "public" in cache_control
    assert "max-age=0" in cache_control  # browsers revalidate: a change shows at once
    assert f"s-maxage={settings.PAGE_HTTP_SECONDS}" in cache_control
    assert f"stale-while-revalidate={settings.PAGE_HTTP_STALE_SECONDS}" in cache_control


def test_the_post_page_with_its_per_visitor_tokens_is_never_public(client):
    post = make_post()

    for response in (client.get(post.get_absolute_url()), client.get(post.get_absolute_url())):
        assert "public" not in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
        assert not response.has_header("ETag")


def test_staff_and_readers_with_a_message_never_get_a_public_page(client):
    from django.conf import settings as django_settings

    make_post()
    client.force_login(make_user(staff=True))
    assert "public" not in client.get("/").get("Cache-Control", "")

    reader = type(client)()
    reader.cookies["messages"] = "a pending message"
    assert "public" not in reader.get("/").get("Cache-Control", "")
    assert django_settings.SESSION_COOKIE_NAME in client.cookies


# Stampede protection (issue 11 item 7) ---------------------------------------------


def test_while_another_worker_re_renders_a_changed_page_readers_get_the_previous_copy(
    client, django_capture_on_commit_callbacks
):
    from django.core.cache import caches

    from core.caching import page_generation, render_lock_key

    post = make_post(title="Before the change")
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        post.title = "After the change"
        post.save()
    # Another worker took the re-render of "/" for the new generation.
    key = next(key for key in caches["default"]._cache if ":page:GET:" in key).split(":", 2)[2]
    caches["default"].add(render_lock_key(key, page_generation()), 1, timeout=1)

    assert "Before the change" in client.get("/").content.decode()

    caches["default"].delete(render_lock_key(key, page_generation()))  # its second is up
    assert "After the change" in client.get("/").content.decode()


def test_the_worker_that_re_renders_a_page_serves_the_new_copy(client, django_capture_on_commit_callbacks):
    post = make_post(title="Before the change")
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        post.title = "After the change"
        post.save()

    assert "After the change" in client.get("/").content.decode()


def test_a_deleted_post_is_not_served_from_its_stale_copy(client, django_capture_on_commit_callbacks):
    post = make_post(title="Going away")
    url = post.get_absolute_url()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()

    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404


# After an approval, other posts' pages stay cached (issue 11 item 7) -----------------


def approve(counterpoint, django_capture_on_commit_callbacks):
    from counterpoints.models import Counterpoint
    from counterpoints.services import moderate_counterpoints

    with django_capture_on_commit_callbacks(execute=True):
        moderate_counterpoints(
            counterpoints=Counterpoint.objects.filter(pk=counterpoint.pk),
            status=Counterpoint.Status.APPROVED,
            by=make_user(staff=True),
        )


@pytest.fixture
def two_posts_cached(client, django_capture_on_commit_callbacks):
    from counterpoints.models import Counterpoint
    from tests.support.factories import make_counterpoint

    # Committed, as a site's posts are: the approval is then a transaction of its own.
    with django_capture_on_commit_callbacks(execute=True):
        answered = make_post(title="The answered post")
        other = make_post(title="Another post")
        pending = make_counterpoint(
            answered, status=Counterpoint.Status.PENDING, body="A fresh objection, now approved."
        )
    for post in (answered, other):
        client.get(post.get_absolute_url())
    client.get("/")
    return answered, other, pending


def test_after_an_approval_readers_of_other_posts_keep_the_cached_page(
    client, two_posts_cached, django_capture_on_commit_callbacks, django_assert_num_queries
):
    answered, other, pending = two_posts_cached

    approve(pending, django_capture_on_commit_callbacks)

    # No view, template or query: the stored copy, current for this post.
    with django_assert_num_queries(0):
        response = client.get(other.get_absolute_url())
    assert "Another post" in response.content.decode()
    # The answered post and the lists that count counterpoints are fresh at once.
    assert "A fresh objection, now approved." in client.get(answered.get_absolute_url()).content.decode()
    assert "1 counterpoint" in client.get("/").content.decode()


def test_another_app_server_keeps_other_posts_cached_after_an_approval_and_renders_the_answered_one(
    client, two_posts_cached, django_capture_on_commit_callbacks, django_assert_num_queries, settings
):
    from core.caching import forget_generation

    answered, other, pending = two_posts_cached
    approve(pending, django_capture_on_commit_callbacks)
    forget_generation()  # as another app server, which asks the shared cache afresh
    settings.PAGE_GENERATION_SECONDS = 0

    with django_assert_num_queries(1):  # the shared generations and this page's version, in one read
        response = client.get(other.get_absolute_url())
    assert "Another post" in response.content.decode()
    assert "A fresh objection, now approved." in client.get(answered.get_absolute_url()).content.decode()


def test_after_a_verdict_readers_of_other_posts_keep_the_cached_page(
    client, two_posts_cached, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from tests.support.html import parse

    answered, other, _ = two_posts_cached

    with django_capture_on_commit_callbacks(execute=True):
        make_hindsight(answered, verdict=Verdict.WRONG, note="It turned.")

    # A verdict shows on its own post's page and in lists, on no other post's page.
    with django_assert_num_queries(0):
        assert text(client.get(other.get_absolute_url()), "h1.post-title") == "Another post"
    page = client.get(answered.get_absolute_url())
    assert text(page, ".hindsight-banner .hindsight-label strong") == "wrong"
    assert parse(page).select_one('script[type="application/ld+json"]:-soup-contains("ClaimReview")')
    assert "wrong" in text(client.get("/"), ".post-card .verdict-badge")


def test_an_edit_of_a_posts_text_in_the_admin_leaves_other_posts_pages_stored(
    client, admin_client, two_posts_cached, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from tests.support.admin import post_change_url
    from tests.support.forms import form_values

    answered, other, _ = two_posts_cached
    data = form_values(admin_client.get(post_change_url(answered)).content.decode(), "post_form")
    data["body"] = "A corrected paragraph, the typo gone."

    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(post_change_url(answered), data).status_code == 302

    # Its title, date and tags are as they were: no other post's page shows the edit.
    with django_assert_num_queries(0):
        assert text(client.get(other.get_absolute_url()), "h1.post-title") == "Another post"
    assert (
        text(client.get(answered.get_absolute_url()), ".post-body") == "A corrected paragraph, the typo gone."
    )


@pytest.mark.parametrize("change", ["title", "tags", "unpublish"])
def test_an_admin_edit_other_posts_show_refreshes_their_pages(
    client, admin_client, two_posts_cached, django_capture_on_commit_callbacks, change
):
    from tests.support.admin import post_change_url
    from tests.support.forms import form_values

    answered, other, _ = two_posts_cached
    with django_capture_on_commit_callbacks(execute=True):
        other.tags.add("chips")
    assert "Related posts" not in client.get(other.get_absolute_url()).content.decode()  # stored again
    data = form_values(admin_client.get(post_change_url(answered)).content.decode(), "post_form")
    data.update(
        {
            "title": {"title": "A retitled neighbour"},
            "tags": {"tags": "chips"},
            "unpublish": {"status": "draft"},
        }[change]
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(post_change_url(answered), data).status_code == 302

    page = client.get(other.get_absolute_url())
    if change == "title":
        assert "A retitled neighbour" in text(page, ".post-neighbours")
    elif change == "tags":
        assert text(page, ".related-posts li a") == "The answered post"
    else:
        assert "The answered post" not in page.content.decode()


def test_a_change_to_a_post_itself_still_refreshes_every_post_page(
    client, two_posts_cached, django_capture_on_commit_callbacks
):
    answered, other, _ = two_posts_cached

    with django_capture_on_commit_callbacks(execute=True):
        answered.title = "A retitled neighbour"
        answered.save()

    # The other post's page links to it (previous/next): a change to a post is not scoped.
    assert "A retitled neighbour" in client.get(other.get_absolute_url()).content.decode()


def test_after_an_approval_one_request_re_renders_the_answered_post_while_others_get_the_previous_copy(
    client, two_posts_cached, django_capture_on_commit_callbacks
):
    from django.core.cache import caches
    from django.test import RequestFactory

    from core.caching import page_generation, page_key, render_lock_key

    answered, _, pending = two_posts_cached
    approve(pending, django_capture_on_commit_callbacks)
    url = answered.get_absolute_url()
    # Another worker took the re-render of the answered post's page.
    key = page_key(RequestFactory().get(url), query=())
    caches["default"].add(render_lock_key(key, page_generation(url)), 1, timeout=1)

    assert "A fresh objection, now approved." not in client.get(url).content.decode()

    caches["default"].delete(render_lock_key(key, page_generation(url)))  # its second is up
    assert "A fresh objection, now approved." in client.get(url).content.decode()


def test_an_approval_and_a_post_edit_in_one_transaction_refresh_every_post_page(
    client, two_posts_cached, django_capture_on_commit_callbacks
):
    from django.db import transaction

    answered, other, pending = two_posts_cached

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        moderate_counterpoint(pending, Counterpoint.Status.APPROVED, by=make_user(staff=True))
        answered.title = "Retitled with the approval"
        answered.save()

    assert "Retitled with the approval" in client.get(other.get_absolute_url()).content.decode()


def test_the_csrf_token_filled_into_a_cached_page_is_the_visitors_cookie_masked(client):
    from django.conf import settings as django_settings
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token
    from django.test import Client

    post = make_post()
    client.get(post.get_absolute_url())  # stored
    tokens = set()
    for _ in range(3):
        visitor = Client()
        response = visitor.get(post.get_absolute_url())
        token = response.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        secret = response.cookies[django_settings.CSRF_COOKIE_NAME].value
        assert len(token) == 64 and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret
        tokens.add(token)
    assert len(tokens) == 3


# A stale post page draws again only the parts the change touched (issue 11 item 7) --


def queries_for(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def forget_every_page():
    """Neither the page cache nor the post pages' stored parts hold anything: every part is drawn."""
    from django.core.cache import caches

    from blog.models import StoredPart

    caches["default"].clear()
    StoredPart.objects.all().delete()


def test_after_an_approval_the_answered_post_draws_only_its_counterpoints_again(
    client, two_posts_cached, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("blog.views.REDRAWN_PER_CHANGE", 0)  # as for a change to many posts: left to readers
    answered, _, pending = two_posts_cached
    url = answered.get_absolute_url()
    approve(pending, django_capture_on_commit_callbacks)

    after_approval, response = queries_for(client, url)

    # The shared generations and this page's versions, the post, its stored
    # parts, its counterpoints, the counterpoints part written back: the
    # article, its meta and the navigation come from their stored parts.
    assert after_approval == 5
    assert text(response, "h1.post-title") == "The answered post"
    assert "A fresh objection, now approved." in text(response, ".counterpoint-list")
    forget_every_page()
    cold, cold_response = queries_for(client, url)
    assert cold > after_approval
    assert cold_response.content == response.content.replace(
        field_value(response, "csrfmiddlewaretoken").encode(),
        field_value(cold_response, "csrfmiddlewaretoken").encode(),
    ).replace(
        field_value(response, "issued").encode(),
        field_value(cold_response, "issued").encode(),
    )


def test_after_a_change_to_another_post_its_own_article_comes_from_the_cache(
    client, two_posts_cached, django_capture_on_commit_callbacks
):
    answered, other, _ = two_posts_cached
    url = other.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        answered.title = "A retitled neighbour"
        answered.save()

    after_change, response = queries_for(client, url)

    # What the page shows of other posts is drawn again, and shows the change.
    assert "A retitled neighbour" in text(response, ".post-neighbours")
    assert text(response, "h1.post-title") == "Another post"
    forget_every_page()
    cold, _ = queries_for(client, url)
    assert after_change < cold


@pytest.mark.parametrize("change", ["title", "tags", "claim"])
def test_a_change_to_the_post_itself_shows_in_its_article_and_meta_at_once(
    client, django_capture_on_commit_callbacks, change
):
    from claims.models import Outcome
    from tests.claims.factories import claim_block, judge
    from tests.support.html import parse

    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(title="Before", tags=["ai"], body=claim_block("Chips get cheaper.", 70))
    url = post.get_absolute_url()
    client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        if change == "title":
            post.title = "After"
            post.save()
        elif change == "tags":
            post.tags.add("chips")
        else:
            judge(post.claims.get(), Outcome.TRUE)

    page = parse(client.get(url))
    if change == "title":
        assert page.select_one("h1.post-title").get_text() == "After"
        assert page.select_one('meta[property="og:title"]')["content"] == "After"
    elif change == "tags":
        assert ("#chips", "/tags/chips/") in links(page, "article.post .meta a")
        assert [m["content"] for m in page.select('meta[property="article:tag"]')] == ["ai", "chips"]
    else:
        assert "verdict: true" in page.select_one(".claims-summary").get_text()


def test_a_tag_renamed_on_more_posts_than_are_named_one_by_one_shows_on_each(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    from taggit.models import Tag

    import core.caching

    monkeypatch.setattr(core.caching, "CONTENT_VERSIONS_MAX", 1)
    monkeypatch.setattr("core.freshness.CONTENT_VERSIONS_MAX", 1)
    with django_capture_on_commit_callbacks(execute=True):
        posts = [make_post(title=f"Post {n}", tags=["old-name"]) for n in range(3)]
    for post in posts:
        client.get(post.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        tag = Tag.objects.get(name="old-name")
        tag.name = "new-name"
        tag.save()

    for post in posts:
        assert "#new-name" in text(client.get(post.get_absolute_url()), "article.post .meta")


def test_an_author_renamed_shows_on_their_posts_pages_the_feed_and_their_page_at_once(
    client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        author = make_user(first_name="Ada", last_name="Writer")
        post = make_post(author=author, title="By Ada")
        other = make_post(title="Someone else's")
    urls = [post.get_absolute_url(), "/feed/", f"/authors/{author.pk}/"]
    for url in urls:
        assert "Ada Writer" in client.get(url).content.decode()
    client.get(other.get_absolute_url())  # stored too

    with django_capture_on_commit_callbacks(execute=True):
        author.last_name = "Lovelace"
        author.save()

    assert text(client.get(post.get_absolute_url()), ".byline") == "by Ada Lovelace"
    for url in urls:
        page = client.get(url).content.decode()
        assert "Ada Lovelace" in page and "Ada Writer" not in page, url
    with django_assert_num_queries(0):  # no other post's page shows the name: still stored
        client.get(other.get_absolute_url())


def test_a_deleted_authors_posts_lose_the_byline_at_once(client, django_capture_on_commit_callbacks):
    author = make_user(first_name="Ada", last_name="Writer")
    post = make_post(author=author)
    assert "Ada Writer" in client.get(post.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        author.delete()

    assert "Ada Writer" not in client.get(post.get_absolute_url()).content.decode()


def test_a_login_or_a_save_that_keeps_the_name_refreshes_nothing(django_capture_on_commit_callbacks):
    author = make_user(first_name="Ada", last_name="Writer")
    make_post(author=author)

    with django_capture_on_commit_callbacks() as callbacks:
        author.last_login = timezone.now()
        author.save(update_fields=["last_login"])
        author.email = "ada@example.com"
        author.save()
    assert callbacks == []


def test_an_author_of_more_posts_than_are_named_one_by_one_renamed_shows_on_each(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("core.caching.CONTENT_VERSIONS_MAX", 1)
    monkeypatch.setattr("core.freshness.CONTENT_VERSIONS_MAX", 1)
    with django_capture_on_commit_callbacks(execute=True):
        author = make_user(first_name="Ada", last_name="Writer")
        posts = [make_post(author=author) for _ in range(3)]
    for post in posts:
        client.get(post.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        author.first_name = "Augusta"
        author.save()

    for post in posts:
        assert text(client.get(post.get_absolute_url()), ".byline") == "by Augusta Writer"
