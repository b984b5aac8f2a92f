"""
The post page's stored parts (issue 11, item 7): drawn once per change and
kept in the database, so that a process without a copy of the page (another
worker, a restart, an evicted copy) puts it together from them instead of
drawing it, and never from a part drawn before a change it shows.
"""

import io
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import caches
from django.utils import timezone

from blog.models import StoredPart
from tests.support.factories import make_post
from tests.support.html import field_value, text
from tests.support.transactions import change_in_open_transaction

pytestmark = pytest.mark.django_db


def as_another_process():
    """The page cache empty, as in a worker that has not served the page (or after a restart)."""
    caches["default"].clear()


def without_tokens(response):
    """The page with this visitor's own CSRF token and form timestamp left out."""
    content = response.content.decode()
    for name in ("csrfmiddlewaretoken", "issued"):
        content = content.replace(field_value(response, name), "")
    return content


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what is made inside it in a transaction that commits, refresh included."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_process_without_the_page_puts_it_together_from_its_stored_parts(
    client, committed, django_assert_num_queries
):
    with committed():
        post = make_post(title="Stored once", tags=["ai", "chips"], verdict="wrong")
    url = post.get_absolute_url()
    first = client.get(url)
    assert {part.name for part in StoredPart.objects.filter(post=post)} >= {
        "post-meta",
        "post-header",
        "post-lead",
        "post-navigation",
        "post-counterpoints",
        "counterpoint-form",
    }

    as_another_process()
    # The post and its stored parts: no tags, verdicts, counterpoints or navigation read, nothing written.
    with django_assert_num_queries(2):
        again = client.get(url)

    assert without_tokens(again) == without_tokens(first)
    # The form still carries this visitor's own token and timestamp.
    assert field_value(again, "csrfmiddlewaretoken") != field_value(first, "csrfmiddlewaretoken")
    assert field_value(again, "issued")


def test_a_change_draws_again_the_parts_it_shows_in_every_process(
    client, committed, django_assert_num_queries
):
    with committed():
        post = make_post(title="Before", tags=["ai"])
    url = post.get_absolute_url()
    client.get(url)

    with committed():
        post.title = "After"
        post.save()
    as_another_process()

    # The change's refresh drew the parts again: the reader's process draws nothing.
    with django_assert_num_queries(2):
        response = client.get(url)
    assert text(response, "h1.post-title") == "After"
    assert 'content="After"' in response.content.decode()  # the meta part
    assert "Before" not in response.content.decode()


@pytest.mark.parametrize("change", ["verdict", "approval"])
def test_after_a_verdict_or_an_approval_readers_get_the_page_from_parts_the_change_drew(
    client, committed, django_assert_num_queries, change
):
    from counterpoints.models import Counterpoint
    from counterpoints.services import moderate_counterpoints
    from tests.support.factories import make_counterpoint, make_hindsight, make_user

    with committed():
        post = make_post(title="Judged and answered")
        pending = make_counterpoint(post, status=Counterpoint.Status.PENDING, body="An objection, approved.")
    url = post.get_absolute_url()
    client.get(url)

    with committed():
        if change == "verdict":
            make_hindsight(post, verdict="wrong", note="It did not hold.")
        else:
            moderate_counterpoints(
                counterpoints=Counterpoint.objects.filter(pk=pending.pk),
                status=Counterpoint.Status.APPROVED,
                by=make_user(staff=True),
            )
    as_another_process()

    with django_assert_num_queries(2):
        page = client.get(url).content.decode()
    assert ("It did not hold." if change == "verdict" else "An objection, approved.") in page


def test_a_change_to_many_posts_leaves_drawing_their_parts_to_readers(
    client, committed, django_assert_num_queries
):
    from blog.views import REDRAWN_PER_CHANGE

    with committed():
        posts = [make_post(title=f"Post {n}") for n in range(REDRAWN_PER_CHANGE + 1)]
    for post in posts:
        client.get(post.get_absolute_url())
    stored = dict(StoredPart.objects.filter(name="post-header").values_list("post", "key"))

    with committed():  # an import, a tag renamed: the writer does not wait on every page
        for post in posts:
            post.title += " retitled"
            post.save()

    assert dict(StoredPart.objects.filter(name="post-header").values_list("post", "key")) == stored
    as_another_process()
    assert text(client.get(posts[0].get_absolute_url()), "h1.post-title") == "Post 0 retitled"


def test_a_failed_redraw_leaves_the_change_committed_and_its_pages_fresh(
    client, committed, monkeypatch, caplog
):
    with committed():
        post = make_post(title="Before")
    url = post.get_absolute_url()
    client.get(url)

    def broken(*args, **kwargs):
        raise RuntimeError("a template that fails")

    monkeypatch.setattr("blog.views.render_post_page", broken)
    with committed():
        post.title = "After"
        post.save()
    monkeypatch.undo()

    assert "Drawing again after a change failed" in caplog.text
    assert text(client.get(url), "h1.post-title") == "After"


def test_a_part_drawn_before_a_change_never_comes_back(client, committed, settings):
    """
    A post's versions never expire: they used to last twice the page cache's
    lifetime, after which the post was "never changed" again and a part
    drawn before its first change would have matched.
    """
    settings.PAGE_CACHE_SECONDS = 1
    settings.PAGE_GENERATION_SECONDS = 0  # every request asks the shared cache for the versions
    post = make_post(title="Before")  # in the site's data before any change the cache saw
    url = post.get_absolute_url()
    client.get(url)  # its parts stored before any change to the post: under its version "-"
    with committed():
        post.title = "After"
        post.save()
    time.sleep(2.1)  # past the old versions' lifetime, and the stored page's

    assert text(client.get(url), "h1.post-title") == "After"


def test_a_deploy_that_changes_what_parts_print_draws_them_again(client, committed, settings):
    with committed():
        post = make_post(title="Named")
    url = post.get_absolute_url()
    client.get(url)

    settings.SITE_NAME = "A renamed site"  # read from the environment at start-up
    as_another_process()

    assert '<meta property="og:site_name" content="A renamed site">' in client.get(url).content.decode()


def test_a_due_verdict_turns_overdue_when_its_date_passes_with_no_change_to_the_post(client, committed):
    today = timezone.localdate()
    with committed():
        post = make_post(check_back_by=today + timedelta(days=1))
    url = post.get_absolute_url()
    assert text(client.get(url), ".verdict-due").startswith("Verdict due")

    as_another_process()
    with mock.patch("blog.templatetags.blog_tags.timezone.localdate", return_value=today + timedelta(days=2)):
        assert text(client.get(url), ".verdict-due").startswith("Verdict overdue")


def test_a_reader_never_waits_for_a_writer_to_store_parts(file_database, client):
    """
    On SQLite one transaction writes at a time: a reader who draws parts while
    a writer's transaction is open serves the page at once and leaves the
    storing to a later reader, instead of waiting for the lock. Either way
    the parts it drew from the old rows never show after the commit.
    """
    from django.db import connection

    post = make_post(title="Before the edit")
    url = post.get_absolute_url()
    StoredPart.objects.filter(post=post).delete()  # drawn by its creation's refresh: as if never drawn

    def edit():
        editing = type(post).objects.get(pk=post.pk)
        editing.title = "After the edit"
        editing.save()

    def read():
        started = time.monotonic()
        assert text(client.get(url), "h1.post-title") == "Before the edit"
        assert time.monotonic() - started < 2  # the lock's timeout is 20 s
        if connection.vendor == "sqlite":  # PostgreSQL locks rows, not the database: stored already
            assert not StoredPart.objects.filter(post=post).exists()

    change_in_open_transaction(edit, while_open=read)

    assert text(client.get(url), "h1.post-title") == "After the edit"
    assert StoredPart.objects.filter(post=post).exists()


def test_a_change_made_behind_the_refreshs_back_shows_once_its_parts_are_a_day_old(client, committed):
    from blog.models import Post

    with committed():
        post = make_post(title="As drawn")
    url = post.get_absolute_url()
    client.get(url)
    Post.objects.filter(pk=post.pk).update(title="Fixed in the database shell")  # no signal, no refresh

    as_another_process()
    assert text(client.get(url), "h1.post-title") == "As drawn"  # its stored parts still match

    StoredPart.objects.filter(post=post).update(drawn_at=timezone.now() - timedelta(days=1, seconds=1))
    as_another_process()
    assert text(client.get(url), "h1.post-title") == "Fixed in the database shell"


def test_a_visitor_of_a_page_put_together_from_its_parts_can_send_the_form(committed, settings):
    """The stored form holds placeholders: each visitor still gets, and sends, tokens of their own."""
    from counterpoints.models import Counterpoint
    from tests.blog.test_caching import send_counterpoints_as_visitors

    settings.COUNTERPOINT_MIN_SECONDS = 0
    with committed():
        post = make_post()
    assert StoredPart.objects.filter(post=post, name="counterpoint-form").exists()  # drawn by the refresh

    as_another_process()
    send_counterpoints_as_visitors(post, ["Ada"])
    as_another_process()
    send_counterpoints_as_visitors(post, ["Grace"])

    assert set(Counterpoint.objects.filter(post=post).values_list("author_name", flat=True)) == {
        "Ada",
        "Grace",
    }


def test_nothing_is_stored_while_templates_may_change_under_the_development_server(
    client, committed, settings
):
    settings.DEBUG = True
    with committed():
        post = make_post(title="In development")

    assert text(client.get(post.get_absolute_url()), "h1.post-title") == "In development"
    assert not StoredPart.objects.exists()


def test_after_a_deploy_one_command_draws_every_published_post_page(
    client, settings, django_assert_num_queries
):
    from django.core.management import call_command

    from blog.models import Post

    posts = [make_post(title=f"Published {n}") for n in range(3)]
    draft = make_post(title="A draft", status=Post.Status.DRAFT)
    settings.RELEASE = "the next release"  # every part stored before it is stale

    call_command("draw_post_pages", stdout=(output := io.StringIO()))

    assert "Drew 3 post pages" in output.getvalue()
    assert set(StoredPart.objects.values_list("post", flat=True)) == {post.pk for post in posts}
    assert not StoredPart.objects.filter(post=draft).exists()
    with django_assert_num_queries(2):  # the post and its parts: nothing drawn
        assert text(client.get(posts[0].get_absolute_url()), "h1.post-title") == "Published 0"


def test_the_command_draws_the_newest_posts_first_and_stops_at_its_limit(settings):
    from django.core.management import call_command

    oldest, newest = make_post(title="Older"), make_post(title="Newer")
    oldest.published_at = newest.published_at - timedelta(days=30)
    oldest.save()
    StoredPart.objects.all().delete()

    call_command("draw_post_pages", limit=1, stdout=io.StringIO())

    assert set(StoredPart.objects.values_list("post", flat=True)) == {newest.pk}
