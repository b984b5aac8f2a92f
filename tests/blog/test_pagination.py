"""
Every listing pages through one include (templates/includes/pagination.html):
the next page keeps the parameters the page reads, a page that does not
exist is a 404, and the tag page never counts its posts.
"""

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from blog.models import Verdict
from tests.support.factories import make_post, make_user
from tests.support.html import parse, text
from tests.support.queries import get_counting_queries

pytestmark = pytest.mark.django_db

PER_PAGE = settings.POSTS_PER_PAGE
IN_MARCH_2025 = datetime(2025, 3, 20, 12, tzinfo=timezone.get_current_timezone())


def make_posts(count, **fields):
    """``count`` published posts, newest first in creation order."""
    return [
        make_post(title=f"Listed post {n}", published_at=IN_MARCH_2025 - timedelta(hours=n), **fields)
        for n in range(count)
    ]


def link(page, rel):
    """The href of the pagination link ``rel`` ("prev" or "next"), or None."""
    found = parse(page).select(f'nav.pagination[aria-label="Pages"] a[rel="{rel}"]')
    return found[0]["href"] if found else None


def follow(client, response, rel):
    """The page a reader reaches by following the ``rel`` link of ``response``."""
    href = link(response, rel)
    assert href, f"no {rel} link"
    return client.get(urljoin(response.request["PATH_INFO"], href))


def parameters(href):
    return parse_qs(urlsplit(href).query)


def listed_titles(response):
    return [post.title for post in response.context["posts"]]


LISTINGS = {
    "home": lambda: reverse("blog:post-list"),
    "tag": lambda: reverse("blog:tag-detail", args=["busy"]),
    "year": lambda: reverse("blog:archive-year", args=["2025"]),
    "month": lambda: reverse("blog:archive-month", args=["2025", "03"]),
}


@pytest.mark.parametrize("listing", LISTINGS)
def test_a_listing_pages_from_newest_to_oldest_and_back(client, listing):
    posts = make_posts(PER_PAGE + 1, tags=["busy"])

    first = client.get(LISTINGS[listing]())
    second = follow(client, first, "next")
    back = follow(client, second, "prev")

    assert text(first, 'nav.pagination[aria-label="Pages"] a[rel="next"]') == "Older →"
    assert link(first, "prev") is None
    assert listed_titles(second) == [posts[-1].title]
    assert text(second, 'nav.pagination[aria-label="Pages"] a[rel="prev"]') == "← Newer"
    assert link(second, "next") is None
    assert listed_titles(back) == [post.title for post in posts[:PER_PAGE]]


def test_author_page_pages_through_their_posts(client):
    author = make_user(first_name="Ada", last_name="Writer")
    posts = make_posts(PER_PAGE + 1, author=author)

    second = follow(client, client.get(reverse("blog:author", args=[author.pk])), "next")

    assert listed_titles(second) == [posts[-1].title]


def test_a_listing_with_one_page_shows_no_page_links(client):
    make_posts(PER_PAGE, tags=["busy"])

    for url in LISTINGS.values():
        assert not parse(client.get(url())).select("nav.pagination[aria-label='Pages']")


def test_pages_with_a_total_say_how_many_and_the_tag_page_does_not(client):
    make_posts(PER_PAGE + 1, tags=["busy"])

    home = client.get(reverse("blog:post-list"))
    tag = client.get(reverse("blog:tag-detail", args=["busy"]))

    assert text(home, 'nav.pagination[aria-label="Pages"] span') == "Page 1 of 2"
    assert text(tag, 'nav.pagination[aria-label="Pages"] span') == "Page 1"


@pytest.mark.parametrize("listing", LISTINGS)
@pytest.mark.parametrize("page", ["3", "0", "-1", "two", "1e9", "²", "99999999999999999999"])
def test_a_page_that_does_not_exist_is_a_404(client, listing, page):
    make_posts(PER_PAGE + 1, tags=["busy"])

    assert client.get(LISTINGS[listing](), {"page": page}).status_code == 404


def test_search_results_keep_the_words_and_the_verdict_filter_on_every_page(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the search index follows the commit
        posts = make_posts(PER_PAGE + 1, verdict=Verdict.WRONG)
        make_post(title="Listed but right", verdict=Verdict.NAILED_IT)

    first = client.get(reverse("blog:search"), {"q": "listed", "verdict": Verdict.WRONG})
    second = follow(client, first, "next")

    assert parameters(link(first, "next")) == {"q": ["listed"], "verdict": [Verdict.WRONG], "page": ["2"]}
    assert text(first, 'nav.pagination[aria-label="Pages"] a[rel="next"]') == "Next →"
    assert len(second.context["page_obj"]) == 1
    assert second.context["page_obj"][0].title in {post.title for post in posts}
    assert text(second, 'nav.pagination[aria-label="Pages"] a[rel="prev"]') == "← Previous"
    assert parameters(link(second, "prev")) == {"q": ["listed"], "verdict": [Verdict.WRONG], "page": ["1"]}


def test_search_words_that_need_escaping_survive_the_page_link(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_posts(PER_PAGE + 1, dek="Rock & roll")

    first = client.get(reverse("blog:search"), {"q": "rock & roll"})

    assert parameters(link(first, "next"))["q"] == ["rock & roll"]
    assert 'href="?q=rock+%26+roll&amp;page=2"' in first.content.decode()  # escaped once, as HTML wants


@pytest.mark.parametrize("page", ["3", "0", "two"])
def test_a_search_page_that_does_not_exist_is_a_404(client, django_capture_on_commit_callbacks, page):
    with django_capture_on_commit_callbacks(execute=True):
        make_posts(PER_PAGE + 1)

    assert client.get(reverse("blog:search"), {"q": "listed", "page": page}).status_code == 404


def test_a_search_with_no_results_is_its_one_empty_page(client):
    response = client.get(reverse("blog:search"), {"q": "nothing", "page": "1"})

    assert response.status_code == 200
    assert "Nothing matches “nothing”." in text(response)


def test_a_verdicts_listing_keeps_its_tag_on_every_page(client):
    posts = make_posts(PER_PAGE + 1, tags=["busy"], verdict=Verdict.WRONG)
    make_post(title="Wrong elsewhere", tags=["other"], verdict=Verdict.WRONG)

    # follow: the verdict listing's address may move, its old one redirecting.
    first = client.get(reverse("blog:hindsight"), {"verdict": Verdict.WRONG, "tag": "busy"}, follow=True)
    second = follow(client, first, "next")

    assert parameters(link(first, "next"))["tag"] == ["busy"]
    assert listed_titles(second) == [posts[-1].title]
    assert "Wrong elsewhere" not in text(second)


def test_page_links_carry_only_the_parameters_the_page_reads(client):
    """The page is cached by the parameters it reads: an unread one must not be stored in its links."""
    make_posts(PER_PAGE * 2 + 1)

    second = client.get(reverse("blog:post-list"), {"page": 2, "utm_source": "spam"})

    assert parameters(link(second, "next")) == {"page": ["3"]}
    assert parameters(link(second, "prev")) == {"page": ["1"]}


def tag_page_queries(client, page):
    return get_counting_queries(
        client, reverse("blog:tag-detail", args=["busy"]), {"page": page}, rendered=True
    )[1]


def test_tag_page_queries_stay_the_same_however_many_posts_and_never_count(client):
    make_posts(PER_PAGE + 1, tags=["busy", "other"])
    few = [tag_page_queries(client, page) for page in (1, 2)]

    make_posts(PER_PAGE * 5, tags=["busy", "more", "tags"])
    many = [tag_page_queries(client, page) for page in (1, 2, 6)]

    assert len(few[0]) == len(few[1]) == len(many[0]) == len(many[1]) == len(many[2])
    # A card's own counts are COUNT(column); COUNT(*) would be the tag's posts.
    assert not [sql for sql in few[0] + many[0] + many[2] if "COUNT(*)" in sql.upper()]


@pytest.mark.parametrize("page", ["3", "0", "two", "99999999999999999999"])
def test_a_verdict_listing_page_that_does_not_exist_is_a_404(client, page):
    make_posts(PER_PAGE + 1, verdict=Verdict.WRONG)
    url = reverse("blog:hindsight-verdict", args=[Verdict.WRONG])

    assert client.get(url, {"page": "2"}).status_code == 200
    assert client.get(url, {"page": page}).status_code == 404
