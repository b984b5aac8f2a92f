"""Pages with counterpoints cost the same number of queries with 2 or 200."""

import pytest

from counterpoints.models import Counterpoint
from tests.support.factories import make_counterpoint, make_post, make_user
from tests.support.html import parse, text, texts
from tests.support.queries import get_counting_queries

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    response, queries = get_counting_queries(client, url)
    return len(queries), response


def add_counterpoints(post, count, moderator):
    for n in range(count):
        make_counterpoint(
            post,
            author_website="https://example.org" if n % 2 else "",
            quote="A quoted passage." if n % 3 else "",
            author_reply="A reply." if n % 5 == 0 else "",
            response="conceded" if n % 7 == 0 else "",
            reviewed_by=moderator,
        )


def test_post_page_with_200_counterpoints_costs_what_it_costs_with_2(client):
    moderator = make_user(staff=True)
    few_post = make_post(tags=["ai", "llm"], verdict="wrong")
    many_post = make_post(tags=["ai", "llm"], verdict="wrong")
    add_counterpoints(few_post, 2, moderator)
    add_counterpoints(many_post, 200, moderator)
    make_counterpoint(many_post, status=Counterpoint.Status.PENDING)

    few, _ = queries_for(client, few_post.get_absolute_url())
    many, response = queries_for(client, many_post.get_absolute_url())

    assert many == few
    # Post, page generation, tags, verdicts, their credits, counterpoints;
    # related posts (two) and the previous and next post (one each, issue
    # 15); the post's claims (issue 16); its stored parts, read and
    # (drawn for the first time) written back (issue 11).
    assert many <= 14
    page = parse(response)
    assert len(page.select("article.counterpoint")) == 200
    # Counted over the list the page shows, with no query of its own.
    assert text(page, ".counterpoint-summary") == "200 counterpoints, 29 conceded"


@pytest.mark.parametrize("url", ["/", "/tags/ai/", "/hindsight/wrong/"])
def test_listing_counts_cost_no_query_per_post(client, url, django_capture_on_commit_callbacks):
    for _ in range(2):
        post = make_post(tags=["ai"], verdict="wrong")
        make_counterpoint(post)
        make_counterpoint(post)
    few, _ = queries_for(client, url)
    with django_capture_on_commit_callbacks(execute=True):  # the new posts refresh the cached page
        for _ in range(20):
            post = make_post(tags=["ai"], verdict="wrong")
            make_counterpoint(post)
            make_counterpoint(post)
    many, response = queries_for(client, url)
    assert many == few
    page = parse(response)
    counts = texts(page, "article.post-card a.counterpoint-count")
    assert counts == ["2 counterpoints"] * len(page.select("article.post-card"))
    assert len(counts) >= 10


def test_listing_does_not_repeat_posts_with_several_tags_and_counterpoints():
    from blog.models import Post

    post = make_post(tags=["ai", "llm", "open-source"])
    for _ in range(3):
        make_counterpoint(post)
    make_counterpoint(post, status=Counterpoint.Status.PENDING)
    listed = list(Post.objects.published().for_listing())
    assert listed == [post]
    assert listed[0].approved_count == 3
    tagged = list(Post.objects.published().for_listing().filter(tags__name__in=["ai", "llm"]))
    assert [p.approved_count for p in tagged] == [3, 3]  # the join repeats rows; the count stays right
