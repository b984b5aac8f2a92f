"""The reading side as a reader (and a staff previewer) sees it."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

import blog.views
from blog.models import Post, Series, SeriesPart, Verdict
from tests.support.factories import make_hindsight, make_post, make_user
from tests.support.html import links, one, parse, text, texts

pytestmark = pytest.mark.django_db


def test_home_lists_published_posts_newest_first(client):
    older = make_post(title="Older take", published_at=timezone.now() - timedelta(days=3))
    newer = make_post(title="Newer take", published_at=timezone.now() - timedelta(days=1))

    response = client.get(reverse("blog:post-list"))

    assert response.status_code == 200
    assert list(response.context["posts"]) == [newer, older]
    page = response.content.decode()
    assert page.index("Newer take") < page.index("Older take")


def test_home_card_shows_dek_date_reading_time_tags_and_verdict(client):
    make_post(
        title="Judged take",
        dek="A subtitle worth reading.",
        body="word " * 450,
        tags=["ai", "markets"],
        verdict=Verdict.PARTLY_RIGHT,
    )

    page = client.get(reverse("blog:post-list")).content.decode()

    assert "A subtitle worth reading." in page
    assert "3 min read" in page
    assert links(page, "article.post-card .tags a") == [("#ai", "/tags/ai/"), ("#markets", "/tags/markets/")]
    badge = one(page, "article.post-card .verdict-badge")
    assert text(badge) == "partly right" and "verdict-partly_right" in badge["class"]


def test_home_is_paginated(client, settings):
    for n in range(12):
        make_post(title=f"Paged post {n}")

    first = client.get(reverse("blog:post-list"))
    second = client.get(reverse("blog:post-list"), {"page": 2})

    assert len(first.context["posts"]) == 10
    assert len(second.context["posts"]) == 2
    assert links(first, 'nav.pagination a[rel="next"]') == [("Older →", "?page=2")]
    assert client.get(reverse("blog:post-list"), {"page": 9}).status_code == 404


def test_home_empty_state(client):
    response = client.get(reverse("blog:post-list"))

    assert "Nothing published yet." in response.content.decode()


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Post.Status.DRAFT},
        {"published_at": timezone.now() + timedelta(days=2)},
    ],
    ids=["draft", "scheduled"],
)
def test_unpublished_posts_are_hidden_from_readers_everywhere(client, hidden):
    post = make_post(title="Not for readers yet", tags=["secret-tag"], verdict=Verdict.WRONG, **hidden)

    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Not for readers yet" not in client.get(reverse("blog:post-list")).content.decode()
    assert "secret-tag" not in client.get(reverse("blog:tag-list")).content.decode()
    assert client.get(reverse("blog:tag-detail", args=["secret-tag"])).status_code == 404
    assert "Not for readers yet" not in client.get(reverse("blog:hindsight")).content.decode()


def test_staff_preview_a_draft_with_a_notice(client):
    post = make_post(title="Work in progress", status=Post.Status.DRAFT)
    client.force_login(make_user(staff=True))

    response = client.get(post.get_absolute_url())

    assert response.status_code == 200
    assert "Preview: this post is a draft" in response.content.decode()


def test_staff_preview_a_scheduled_post(client):
    post = make_post(published_at=timezone.now() + timedelta(days=2))
    client.force_login(make_user(staff=True))

    response = client.get(post.get_absolute_url())

    assert response.status_code == 200
    assert "Preview: this post is scheduled for" in response.content.decode()


def test_post_page_shows_header_title_dek_meta_and_tags(client, settings):
    settings.SITE_NAME = "my predictions"
    post = make_post(
        title="A bold call", dek="It will happen.", body="one two three four five", tags=["llm", "ai"]
    )

    page = client.get(post.get_absolute_url()).content.decode()

    assert links(page, "a.site-name") == [("my predictions", "/")]
    assert ("hindsight", "/hindsight/") in links(page)
    assert text(page, "h1.post-title") == "A bold call"
    assert "It will happen." in page
    assert {"1 min read", "5 words"} <= set(texts(page, "article.post .meta span"))
    assert ("#llm", "/tags/llm/") in links(page, "article.post .meta a")


def test_post_without_verdict_has_no_banner(client):
    post = make_post()

    assert "hindsight —" not in client.get(post.get_absolute_url()).content.decode()


def test_post_banner_shows_newest_verdict_and_earlier_ones_as_history(client):
    post = make_post()
    make_hindsight(
        post,
        verdict=Verdict.STILL_OPEN,
        note="Too early to say.",
        decided_at=timezone.now() - timedelta(days=200),
    )
    make_hindsight(post, verdict=Verdict.NAILED_IT, note="Called it **exactly**.")

    response = client.get(post.get_absolute_url())
    page = response.content.decode()

    # The banner is the newest verdict; the history below it runs oldest first
    # (tests/blog/test_verdict_history.py has the details).
    history = page.index("Verdict history")
    assert page.index("nailed it") < history < page.index("still open") < page.index("nailed it", history)
    assert text(page, ".hindsight-banner .hindsight-label strong") == "nailed it"
    assert text(page, ".hindsight-banner > .hindsight-note") == "Called it exactly."
    assert text(page, ".hindsight-banner > .hindsight-note strong") == "exactly"
    assert texts(page, ".hindsight-timeline .hindsight-step strong") == ["still open", "nailed it"]
    assert "Too early to say." in page


def test_post_body_is_rendered_markdown(client):
    post = make_post(body="## A heading\n\nSome *emphasis* and a [link](https://example.com).")

    page = client.get(post.get_absolute_url()).content.decode()

    assert texts(page, ".post-body h2") == ["A heading"]
    assert texts(page, ".post-body em") == ["emphasis"]
    assert links(page, ".post-body a") == [("link", "https://example.com")]


def test_unknown_post_is_404(client):
    assert client.get(reverse("blog:post-detail", args=["no-such-post"])).status_code == 404


def test_tag_list_counts_published_posts_only(client):
    make_post(tags=["ai", "llm"])
    make_post(tags=["ai"])
    make_post(tags=["ai"], status=Post.Status.DRAFT)

    response = client.get(reverse("blog:tag-list"))

    counts = {tag.name: tag.post_count for tag in response.context["tags"]}
    assert counts == {"ai": 2, "llm": 1}
    assert "2 posts" in response.content.decode()


def test_tag_page_lists_that_tags_published_posts(client):
    tagged = make_post(title="Tagged one", tags=["markets"])
    make_post(title="Other one", tags=["ai"])
    make_post(title="Draft one", tags=["markets"], status=Post.Status.DRAFT)

    response = client.get(reverse("blog:tag-detail", args=["markets"]))

    assert response.status_code == 200
    assert list(response.context["posts"]) == [tagged]
    assert "#markets" in response.content.decode()


def test_tag_page_is_paginated(client):
    for _ in range(11):
        make_post(tags=["busy"])

    response = client.get(reverse("blog:tag-detail", args=["busy"]), {"page": 2})

    assert response.status_code == 200
    assert len(response.context["posts"]) == 1
    page = response.content.decode()
    assert links(page, 'nav.pagination a[rel="prev"]') == [("← Newer", "?page=1")]
    assert "Older →" not in page


def test_tag_page_links_to_older_posts_without_counting_them(client, django_assert_num_queries):
    for _ in range(11):
        make_post(tags=["busy"])

    response = client.get(reverse("blog:tag-detail", args=["busy"]))

    assert links(response, 'nav.pagination a[rel="next"]') == [("Older →", "?page=2")]
    assert "Newer" not in response.content.decode()
    assert client.get(reverse("blog:tag-detail", args=["busy"]), {"page": 3}).status_code == 404
    assert client.get(reverse("blog:tag-detail", args=["busy"]), {"page": "x"}).status_code == 404


def test_tag_page_counts_no_rows(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_post(tags=["busy"])
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("blog:tag-detail", args=["busy"]))

    assert not [query for query in captured.captured_queries if "COUNT(*)" in query["sql"].upper()]


def test_unknown_tag_is_404(client):
    assert client.get(reverse("blog:tag-detail", args=["nothing"])).status_code == 404


def test_tags_are_case_insensitive(client):
    first = make_post(tags=["AI"])
    second = make_post(tags=["ai"])

    assert first.tags.get() == second.tags.get()


def test_hindsight_groups_judged_posts_by_current_verdict_with_counts(client):
    revised = make_post(title="Revised call")
    make_hindsight(revised, verdict=Verdict.STILL_OPEN, decided_at=timezone.now() - timedelta(days=30))
    make_hindsight(revised, verdict=Verdict.WRONG)
    make_post(title="Good call", verdict=Verdict.NAILED_IT)
    make_post(title="Another good call", verdict=Verdict.NAILED_IT)
    make_post(title="Unjudged call")

    response = client.get(reverse("blog:hindsight"))

    groups = {
        group["verdict"]: [post.title for post in group["posts"]] for group in response.context["groups"]
    }
    assert sorted(groups[Verdict.NAILED_IT]) == ["Another good call", "Good call"]
    assert groups[Verdict.WRONG] == ["Revised call"]
    assert groups[Verdict.STILL_OPEN] == []
    assert response.context["overall"].judged == 3
    assert "Unjudged call" not in response.content.decode()


def test_hindsight_empty_state(client):
    assert "No post has a verdict yet." in client.get(reverse("blog:hindsight")).content.decode()


def test_home_query_count_does_not_grow_with_posts_or_tags(client, django_assert_max_num_queries):
    for n in range(10):
        make_post(tags=[f"tag-{n}-{i}" for i in range(8)], verdict=Verdict.WRONG)

    # Count, posts (with verdicts), tags; plus the page cache's generation.
    with django_assert_max_num_queries(4):
        response = client.get(reverse("blog:post-list"))
    assert len(response.context["posts"]) == 10


def test_tag_page_query_count_does_not_grow_with_posts_or_tags(client, django_assert_max_num_queries):
    for n in range(10):
        make_post(tags=["shared", *[f"tag-{n}-{i}" for i in range(8)]], verdict=Verdict.WRONG)

    # Tag, count, posts (with verdicts), tags; plus the page cache's generation.
    with django_assert_max_num_queries(5):
        response = client.get(reverse("blog:tag-detail", args=["shared"]))
    assert len(response.context["posts"]) == 10


def test_post_page_query_count_does_not_grow_with_tags_or_verdicts(client, django_assert_max_num_queries):
    post = make_post(tags=[f"tag-{i}" for i in range(30)])
    for days in range(10):
        make_hindsight(post, verdict=Verdict.STILL_OPEN, decided_at=timezone.now() - timedelta(days=days))

    for n in range(20):
        make_post(tags=[f"tag-{i}" for i in range(n % 5, 30, 3)])

    # Post, tags, verdicts and their credits, counterpoints; plus the page cache's generation and
    # this page's own version, in one read; related posts (tag weights, then the posts), the
    # previous and next post (one each), the series in one (issue 15); the post's claims (issue 16);
    # its stored parts, read and (drawn for the first time) written back (issue 11).
    with django_assert_max_num_queries(14):
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200


def test_post_page_in_a_series_costs_no_more_however_long_the_series(client, django_assert_max_num_queries):
    series = Series.objects.create(title="A long series", slug="a-long-series")
    posts = [make_post(tags=["shared"], verdict=Verdict.WRONG) for _ in range(12)]
    for position, part in enumerate(posts, start=1):
        SeriesPart.objects.create(series=series, post=part, position=position)
    post = posts[5]

    # The queries above: the series with its published parts is one, as is finding none.
    with django_assert_max_num_queries(14):
        page = client.get(post.get_absolute_url()).content.decode()

    assert "Part 6 of 12 in the series" in page
    assert page.count('rel="prev"') == 1 and page.count('rel="next"') == 1


def test_blog_views_reach_counterpoints_and_claims_only_through_sections():
    """Issue 12: blog/views.py imports neither app; they add their parts through blog.sections."""
    imported = set()
    for node in ast.walk(ast.parse(Path(blog.views.__file__).read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)

    assert not imported & {"counterpoints", "claims"}


def test_empty_counterpoint_form_drawn_once_still_follows_its_settings(client, settings):
    """The empty form's fields are drawn once per process, keyed by what they show (a changed limit shows)."""
    settings.PAGE_CACHE_SECONDS = 0
    post = make_post()
    settings.COUNTERPOINT_MAX_LINKS = 2
    first = client.get(post.get_absolute_url()).content.decode()
    settings.COUNTERPOINT_MAX_LINKS = 7
    second = client.get(post.get_absolute_url()).content.decode()

    assert "at most 2 links" in first
    assert "at most 7 links" in second
    assert 'name="author_name"' in second and 'name="body"' in second


def test_the_verdict_note_in_the_claim_review_is_rendered_on_save_not_per_request(client, settings):
    import json
    from unittest import mock

    settings.PAGE_CACHE_SECONDS = 0
    post = make_post()
    make_hindsight(post, verdict=Verdict.WRONG, note="It **did not** hold, [see](https://example.com).")

    per_request = AssertionError("Markdown rendered per request")
    with mock.patch("blog.templatetags.blog_tags.plain_text", side_effect=per_request):
        page = client.get(post.get_absolute_url()).content.decode()

    blocks = [json.loads(tag.get_text()) for tag in parse(page).select('script[type="application/ld+json"]')]
    review = next(block for block in blocks if block["@type"] == "ClaimReview")
    assert review["reviewBody"] == "It did not hold, see."
