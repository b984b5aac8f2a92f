"""Sitemap, robots.txt and per-page meta for search engines and link previews."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from blog.models import Post
from tests.support.factories import make_post
from tests.support.html import one, parse, text

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_urls(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own sitemap)
    return {url.find("sm:loc", NS).text: url.find("sm:lastmod", NS) for url in root.findall("sm:url", NS)}


def test_sitemap_lists_published_posts_tags_and_pages_with_lastmod(client, settings):
    settings.SITE_URL = "https://blog.example.com"
    post = make_post(tags=["ai"])

    urls = sitemap_urls(client)

    assert (
        urls["https://blog.example.com" + post.get_absolute_url()].text == post.updated_at.date().isoformat()
    )
    assert urls["https://blog.example.com/tags/ai/"] is not None
    assert "https://blog.example.com/hindsight/" in urls
    assert "https://blog.example.com/" in urls


def test_absolute_urls_come_from_site_url_never_from_the_host_header(client, settings):
    """A forged Host must not put its domain into robots.txt, the sitemap or a feed."""
    settings.SITE_URL = "https://blog.example.com"
    settings.ALLOWED_HOSTS = ["*"]
    make_post(tags=["ai"])

    for path in [
        "/robots.txt",
        "/sitemap.xml",
        "/feed/",
        "/feed/atom/",
        "/tags/ai/feed/",
        "/hindsight/feed/",
    ]:
        body = client.get(path, HTTP_HOST="evil.example").content.decode()
        assert "evil.example" not in body, path
        assert "https://blog.example.com/" in body, path


def test_sitemap_never_lists_drafts_or_scheduled_posts_or_their_tags(client):
    draft = make_post(status=Post.Status.DRAFT, tags=["draft-only"])
    future = make_post(published_at=timezone.now() + timedelta(days=3))

    urls = sitemap_urls(client)

    assert not any(draft.slug in url or future.slug in url or "draft-only" in url for url in urls)


def test_robots_txt_points_at_the_sitemap(client, settings):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def head_meta(page):
    """The page's <meta> tags as (name or property, content) pairs."""
    return {
        (tag.get("name") or tag.get("property"), tag["content"])
        for tag in page.select("head meta[content]")
        if tag.get("name") or tag.get("property")
    }


def og(page, name):
    """The content of every ``og:<name>`` tag in the page's head, in order."""
    return [tag["content"] for tag in parse(page).select(f'head meta[property="og:{name}"]')]


def test_post_page_has_canonical_description_opengraph_and_twitter_tags(client, settings):
    settings.SITE_URL = "https://blog.example.com"
    post = make_post(title="A call", dek="The short version.", tags=["ai"])

    page = parse(client.get(post.get_absolute_url()))

    url = f"https://blog.example.com{post.get_absolute_url()}"
    assert one(page, 'link[rel="canonical"]')["href"] == url
    assert (
        head_meta(page)
        >= {
            "description": "The short version.",
            "og:title": "A call",
            "og:url": url,
            "og:type": "article",
            "twitter:card": "summary_large_image",
            "article:tag": "ai",
        }.items()
    )


def test_post_with_cover_image_shares_it(client, settings, tiny_png):
    settings.SITE_URL = "https://blog.example.com"
    post = make_post(
        cover_image=SimpleUploadedFile("cover.png", tiny_png, content_type="image/png"),
        cover_alt="A chart going up",
    )

    page = parse(client.get(post.get_absolute_url()))

    assert (
        head_meta(page)
        >= {
            "og:image": f"https://blog.example.com{post.cover_image.url}",
            "og:image:alt": "A chart going up",
            "twitter:card": "summary_large_image",
        }.items()
    )
    cover = one(page, f'img[src="{post.cover_image.url}"]')
    assert cover["alt"] == "A chart going up"


def test_not_found_page_is_in_the_sites_style(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "Not found" in text(response, "h1")
    assert parse(response).select(".site-name")


def test_server_error_page_is_in_the_sites_style(client, settings):
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "css/site.css" in response.content.decode()


def json_ld_blocks(page):
    import json
    import re

    return [
        json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)
    ]


def test_every_post_carries_blog_posting_structured_data(client, settings):
    settings.SITE_URL = "https://blog.example.com"
    from tests.support.factories import make_user

    author = make_user(first_name="Ada", last_name="Writer")
    post = make_post(title="An unjudged call", dek="Short.", tags=["ai", "markets"], author=author)

    blocks = json_ld_blocks(client.get(post.get_absolute_url()).content.decode())

    assert [block["@type"] for block in blocks] == ["BlogPosting"]
    posting = blocks[0]
    url = f"https://blog.example.com{post.get_absolute_url()}"
    assert posting["@context"] == "https://schema.org"
    assert posting["headline"] == "An unjudged call"
    assert posting["url"] == posting["mainEntityOfPage"] == url
    assert posting["author"] == {"@type": "Person", "name": "Ada Writer"}
    assert posting["image"] == [f"https://blog.example.com/posts/{post.slug}/card.png"]
    assert posting["datePublished"] == post.published_at.replace(microsecond=0).isoformat()
    assert "." not in posting["dateModified"]
    assert sorted(posting["keywords"]) == ["ai", "markets"]
    assert posting["description"] == "Short."


def test_a_judged_post_has_claim_review_beside_blog_posting(client):
    from blog.models import Verdict

    post = make_post(verdict=Verdict.WRONG)

    blocks = json_ld_blocks(client.get(post.get_absolute_url()).content.decode())

    assert [block["@type"] for block in blocks] == ["BlogPosting", "ClaimReview"]
    assert blocks[1]["reviewRating"]["alternateName"] == "wrong"


@pytest.mark.parametrize("path", ["/", "/tags/", "/tags/ai/", "/hindsight/", "/search/?q=call"])
def test_every_page_has_a_description_a_title_and_an_image_for_link_previews(client, settings, path):
    settings.SITE_URL = "https://blog.example.com"
    make_post(title="A call", tags=["ai"])

    page = client.get(path)

    assert og(page, "type") == ["website"]
    assert [bool(description) for description in og(page, "description")] == [True]
    assert og(page, "image") == ["https://blog.example.com/static/img/og-default.png"]
    assert [bool(title) for title in og(page, "title")] == [True]


def test_a_post_without_a_cover_shares_a_card_drawn_from_its_title_and_verdict(client, settings):
    import io

    from PIL import Image

    from blog.models import Verdict

    settings.SITE_URL = "https://blog.example.com"
    post = make_post(title="Costs will fall by half", verdict=Verdict.WRONG)

    page = client.get(post.get_absolute_url())

    assert og(page, "type") == ["article"]
    card_url = f"/posts/{post.slug}/card.png"
    assert og(page, "image") == [f"https://blog.example.com{card_url}"]
    assert og(page, "image:alt") == ["Costs will fall by half — hindsight: wrong"]

    response = client.get(card_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    card = Image.open(io.BytesIO(response.content))
    assert card.size == (1200, 630)
    # The verdict's colour is drawn (wrong: red), not only the background.
    assert (0xA3, 0x28, 0x1B) in {colour for _, colour in card.getcolors(1200 * 630)}


def test_a_draft_has_no_card(client):
    from blog.models import Post

    draft = make_post(status=Post.Status.DRAFT)

    assert client.get(f"/posts/{draft.slug}/card.png").status_code == 404


def test_the_tag_page_describes_itself_to_link_previews(client):
    make_post(tags=["ai"])

    page = client.get("/tags/ai/")

    assert og(page, "title") == ["#ai"]
    assert og(page, "description") == ["Posts tagged ai."]


def test_every_get_page_answers_head(client):
    from tests.reader_pages import make_reader_site

    pages = make_reader_site()
    feeds = ["/feed/", "/counterpoints/feed/", "/series/a-series/feed/", "/hindsight/feed/atom/"]
    for path in [*pages.values(), *feeds, "/sitemap.xml", "/robots.txt"]:
        get = client.get(path)
        head = client.head(path)
        assert head.status_code == get.status_code, path
        assert head.content == b"", path
        assert head["Content-Type"] == get["Content-Type"], path
