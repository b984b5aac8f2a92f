"""Finding one's way (issue 15): date archives, previous/next, related posts, bylines, the about page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from blog.models import Page, Post
from tests.support.factories import make_post, make_user
from tests.support.html import links, one, parse, text, texts
from tests.support.queries import query_count

pytestmark = pytest.mark.django_db


def at(year, month, day=15):
    return datetime(year, month, day, 12, tzinfo=UTC)


# Date archives


def test_month_archive_lists_that_months_published_posts_only(client):
    make_post(title="March one", published_at=at(2025, 3, 2))
    make_post(title="March two", published_at=at(2025, 3, 20))
    make_post(title="April one", published_at=at(2025, 4, 1))
    make_post(title="March draft", published_at=at(2025, 3, 5), status=Post.Status.DRAFT)

    response = client.get("/archive/2025/03/")

    assert response.status_code == 200
    page = response.content.decode()
    assert text(page, "h1.page-title") == "March 2025"
    assert page.index("March two") < page.index("March one")
    assert "April one" not in page
    assert "March draft" not in page
    # April is newer: it is on the left, and there is no older month.
    assert links(page, ".archive-neighbours a") == [("← April 2025", "/archive/2025/04/")]


def test_year_archive_lists_the_year_and_links_its_months(client):
    make_post(title="Early", published_at=at(2024, 1, 10))
    make_post(title="Late", published_at=at(2024, 11, 10))
    make_post(title="Next year", published_at=at(2025, 2, 10))

    page = client.get("/archive/2024/").content.decode()

    assert "Early" in page and "Late" in page and "Next year" not in page
    assert links(page, ".page-sub a") == [
        ("Jan", "/archive/2024/01/"),
        ("Nov", "/archive/2024/11/"),
        ("all years", "/archive/"),
    ]
    assert links(page, ".archive-neighbours a") == [("← 2025", "/archive/2025/")]


@pytest.mark.parametrize(
    "path", ["/archive/2023/", "/archive/2025/05/", "/archive/2025/3/", "/archive/2025/13/"]
)
def test_an_archive_with_nothing_published_is_not_found(client, path):
    make_post(published_at=at(2025, 3, 1))
    make_post(published_at=at(2023, 6, 1), status=Post.Status.DRAFT)
    make_post(published_at=timezone.now() + timedelta(days=400))

    assert client.get(path).status_code == 404


def test_a_scheduled_post_is_not_in_any_archive(client):
    future = timezone.now() + timedelta(days=40)
    make_post(title="Not yet", published_at=future)

    assert client.get(f"/archive/{future:%Y}/{future:%m}/").status_code == 404
    assert "Not yet" not in client.get("/archive/").content.decode()


def test_archive_index_counts_posts_per_month(client):
    for day in (1, 2, 3):
        make_post(published_at=at(2025, 3, day))
    make_post(published_at=at(2024, 12, 1))
    make_post(published_at=at(2025, 3, 4), status=Post.Status.DRAFT)

    page = parse(client.get("/archive/"))

    assert links(page, ".archive-year h2 a") == [("2025", "/archive/2025/"), ("2024", "/archive/2024/")]
    assert links(page, ".archive-months a") == [
        ("March", "/archive/2025/03/"),
        ("December", "/archive/2024/12/"),
    ]
    assert texts(page, ".archive-months .count") == ["3 posts", "1 post"]


def test_archive_pages_cost_the_same_with_many_posts(client, django_capture_on_commit_callbacks):
    def queries(path):
        return query_count(client, path)

    paths = ("/archive/", "/archive/2025/", "/archive/2025/03/")
    for n in range(3):
        make_post(published_at=at(2025, 3, 1 + n), tags=["ai", f"t{n}"])
    few = [queries(path) for path in paths]
    with django_capture_on_commit_callbacks(execute=True):  # cached pages refresh on commit
        for n in range(40):
            make_post(published_at=at(2024 + n % 3, 1 + n % 12, 1 + n % 27), tags=["ai", f"t{n}"])
    many = [queries(path) for path in paths]

    assert many == few
    # The index: generation, months. A year: generation, months, count, posts, tags, next and previous year.
    assert few[0] <= 2 and max(few) <= 9


def test_a_posts_date_links_to_its_month(client):
    post = make_post(title="Dated", published_at=at(2025, 1, 28))

    for path in (post.get_absolute_url(), "/"):
        page = parse(client.get(path))
        assert links(page, "a.post-date") == [("28 Jan 2025", "/archive/2025/01/")]
        assert one(page, "a.post-date time")["datetime"] == "2025-01-28T12:00:00+00:00"


# Previous and next


def test_a_post_links_to_the_published_posts_before_and_after_it(client):
    first = make_post(title="First", published_at=at(2025, 1, 1))
    make_post(title="Hidden draft", published_at=at(2025, 1, 2), status=Post.Status.DRAFT)
    second = make_post(title="Second", published_at=at(2025, 1, 3))
    third = make_post(title="Third", published_at=at(2025, 1, 5))

    page = parse(client.get(second.get_absolute_url()))

    assert [a["href"] for a in page.select('[rel~="prev"]')] == [first.get_absolute_url()]
    assert [a["href"] for a in page.select('[rel~="next"]')] == [third.get_absolute_url()]
    assert "Hidden draft" not in text(page)
    first_page = parse(client.get(first.get_absolute_url()))
    assert not first_page.select('[rel~="prev"]')
    assert [a["href"] for a in first_page.select('[rel~="next"]')] == [second.get_absolute_url()]


# Related posts


def related_titles(client, post):
    return [other.title for other in client.get(post.get_absolute_url()).context["related"]]


def test_related_posts_share_tags_and_rarer_tags_weigh_more(client):
    post = make_post(title="Subject", tags=["ai", "gpu-prices", "deepseek"])
    common = [make_post(title=f"Also AI {n}", tags=["ai"]) for n in range(6)]
    make_post(title="Shares the rare tag", tags=["gpu-prices"])
    make_post(title="Shares two", tags=["ai", "deepseek"])
    make_post(title="Unrelated", tags=["cooking"])
    make_post(title="Related draft", tags=["gpu-prices", "deepseek"], status=Post.Status.DRAFT)

    titles = related_titles(client, post)

    # gpu-prices is on 2 published posts (weight 1/2); ai on 9 (1/9), deepseek on 2 (1/2).
    assert titles == ["Shares two", "Shares the rare tag", common[0].title]
    page = client.get(post.get_absolute_url())
    assert text(page, "#related-heading") == "Related posts"
    assert "Unrelated" not in text(page) and "Related draft" not in text(page)


def test_a_post_without_tags_has_no_related_section(client):
    post = make_post()
    make_post(tags=["ai"])

    assert "Related posts" not in client.get(post.get_absolute_url()).content.decode()


def test_related_posts_are_chosen_among_the_posts_nearest_in_time(client):
    from blog.navigation import RELATED_CANDIDATES

    post = make_post(title="Subject", tags=["ai", "rare"], published_at=at(2025, 6, 1))
    far = make_post(title="Years earlier, the rare tag too", tags=["ai", "rare"], published_at=at(2019, 1, 1))
    for n in range(RELATED_CANDIDATES):
        make_post(title=f"Earlier {n}", tags=["ai"], published_at=at(2025, 5, 1) - timedelta(days=n))
    later = make_post(title="A week later", tags=["ai", "rare"], published_at=at(2025, 6, 8))

    titles = related_titles(client, post)

    # The rare tag on a post within reach lifts it above the rest; the one
    # {RELATED_CANDIDATES} posts further back is out of reach, not weighed.
    assert titles[0] == later.title
    assert far.title not in titles
    assert titles[1:] == ["Earlier 0", "Earlier 1"]


def test_neighbours_cost_two_queries_however_many_posts(django_assert_num_queries):
    from blog.navigation import older_and_newer

    posts = [make_post(published_at=at(2025, 1, 1) + timedelta(hours=n)) for n in range(30)]
    with django_assert_num_queries(2):
        older, newer = older_and_newer(posts[10])
    assert (older, newer) == ([posts[9]], [posts[11]])


def test_related_posts_cost_two_queries_however_many_posts_share_tags(django_assert_num_queries):
    from blog.navigation import related_posts

    post = make_post(tags=[f"t{n}" for n in range(10)])
    for n in range(40):
        make_post(tags=[f"t{m}" for m in range(n % 10)])
    tags = list(post.tags.all())

    with django_assert_num_queries(2):
        assert len(list(related_posts(post, tags))) == 3


# Bylines and the author page


def test_a_post_names_its_author_and_links_their_page(client):
    author = make_user(first_name="Ada", last_name="Writer")
    post = make_post(author=author, title="By Ada")
    make_post(author=author, title="Ada's draft", status=Post.Status.DRAFT)
    make_post(title="Someone else's")

    page = client.get(post.get_absolute_url())
    assert text(page, ".byline") == "by Ada Writer"
    assert links(page, 'a[rel="author"]') == [("Ada Writer", f"/authors/{author.pk}/")]

    author_page = parse(client.get(f"/authors/{author.pk}/"))
    assert text(author_page, "h1.page-title") == "Ada Writer"
    assert "By Ada" in text(author_page)
    assert "Ada's draft" not in text(author_page) and "Someone else" not in text(author_page)


def test_a_user_without_a_published_post_has_no_author_page(client):
    staff = make_user(staff=True)
    make_post(author=staff, status=Post.Status.DRAFT)

    assert client.get(f"/authors/{staff.pk}/").status_code == 404
    assert client.get("/authors/999999/").status_code == 404


# The about page and the footer


def test_the_about_page_exists_from_the_start_and_shows_the_admins_edit(
    client, admin_client, django_capture_on_commit_callbacks
):
    page = client.get("/about/")
    assert page.status_code == 200
    assert "held to account" in page.content.decode()

    about = Page.objects.get(slug="about")
    with django_capture_on_commit_callbacks(execute=True):  # cached pages refresh on commit
        response = admin_client.post(
            f"/admin/blog/page/{about.pk}/change/",
            {"title": "About me", "slug": "about", "body": "I write about **chips**."},
        )
    assert response.status_code == 302

    page = client.get("/about/")
    assert text(page, "h1.post-title") == "About me"
    assert text(page, ".post-body") == "I write about chips."
    assert text(page, ".post-body strong") == "chips"


def test_every_page_footer_links_archive_about_and_the_feeds_with_a_word_on_feeds(client):
    make_post(tags=["ai"])

    for path in ("/", "/tags/ai/", "/about/", "/archive/"):
        footer = one(client.get(path), "footer.site-footer")
        for link in [
            ("About", "/about/"),
            ("Archive", "/archive/"),
            ("RSS", "/feed/"),
            ("Atom", "/feed/atom/"),
        ]:
            assert link in links(footer)
        assert "A feed lets your feed reader" in text(footer)


def test_tag_and_hindsight_pages_offer_their_own_feeds_visibly(client):
    make_post(tags=["ai"])

    tag_page = client.get("/tags/ai/")
    assert text(tag_page, "main p.subscribe") == "Subscribe to #ai: RSS · Atom"
    assert links(tag_page, "main p.subscribe a") == [
        ("RSS", "/tags/ai/feed/"),
        ("Atom", "/tags/ai/feed/atom/"),
    ]
    hindsight = client.get("/hindsight/")
    assert text(hindsight, "main p.subscribe") == "Subscribe to verdicts as they come in: RSS · Atom"
    assert links(hindsight, "main p.subscribe a")[0] == ("RSS", "/hindsight/feed/")


def test_sitemap_lists_archives_authors_and_the_about_page(client):
    author = make_user()
    make_post(published_at=at(2025, 3, 1), author=author)

    sitemap = client.get("/sitemap.xml").content.decode()

    for path in ("/archive/", "/archive/2025/", "/archive/2025/03/", f"/authors/{author.pk}/", "/about/"):
        assert f"<loc>{settings.SITE_URL}{path}</loc>" in sitemap
