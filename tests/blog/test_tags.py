"""Tags that stay tidy: one spelling, one address, renames and merges that keep old links working."""

import pytest
from django.urls import reverse
from taggit.models import Tag

from blog.models import Post, TagDescription
from tests.support.factories import make_post
from tests.support.html import parse, texts

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:taggit_tag_changelist"


def titles_on(page):
    return texts(page, ".post-card-title a")


def test_new_tags_reuse_an_existing_spelling_and_get_lower_case_slugs(admin_client):
    make_post(tags=["deepseek"])
    post = make_post(tags=[])

    post.tags.add("DeepSeek", "AI-Capex")

    assert sorted(Tag.objects.values_list("name", "slug")) == [
        ("AI-Capex", "ai-capex"),
        ("deepseek", "deepseek"),
    ]
    assert sorted(post.tags.names()) == ["AI-Capex", "deepseek"]


def test_a_name_typed_with_an_existing_tags_address_is_that_tag(admin_client, client):
    from tests.support.admin import post_form

    make_post(title="First", tags=["AI-Capex"])

    # In the admin, as an author types it, and through the API seeds and imports use.
    added = admin_client.post(
        reverse("admin:blog_post_add"),
        post_form(admin_client, title="Second", slug="second", tags="AI Capex, Markets"),
    )
    assert added.status_code == 302
    make_post(title="Third", tags=["ai capex", "AI  CAPEX"])

    assert sorted(Tag.objects.values_list("name", "slug")) == [
        ("AI-Capex", "ai-capex"),
        ("Markets", "markets"),
    ]
    assert [sorted(post.tags.names()) for post in Post.objects.order_by("title")] == [
        ["AI-Capex"],
        ["AI-Capex", "Markets"],
        ["AI-Capex"],
    ]
    assert sorted(titles_on(client.get("/tags/ai-capex/"))) == ["First", "Second", "Third"]


def test_tag_address_in_another_case_redirects_to_the_canonical_one(client):
    make_post(tags=["nvidia"])

    response = client.get("/tags/NVIDIA/")

    assert response.status_code == 301
    assert response["Location"] == reverse("blog:tag-detail", args=["nvidia"])
    assert client.get("/tags/NoSuchTag/").status_code == 404


def test_tag_page_shows_its_description(client):
    make_post(tags=["markets"])
    TagDescription.objects.create(
        tag=Tag.objects.get(slug="markets"), text="Calls on prices & <b>bubbles</b>."
    )

    page = client.get(reverse("blog:tag-detail", args=["markets"])).content.decode()

    assert '<p class="tag-description">Calls on prices &amp; &lt;b&gt;bubbles&lt;/b&gt;.</p>' in page


def test_renaming_a_tag_keeps_its_old_page_and_feeds_answering_301(admin_client, client):
    make_post(title="About chips", tags=["chips"])
    tag = Tag.objects.get(slug="chips")

    response = admin_client.post(
        reverse("admin:taggit_tag_change", args=[tag.pk]),
        {
            "name": "Semiconductors",
            "slug": "semiconductors",
            "description-TOTAL_FORMS": "1",
            "description-INITIAL_FORMS": "0",
            "description-0-text": "Fabs, chips and export rules.",
        },
    )

    assert response.status_code == 302
    for old, new in [
        ("/tags/chips/", "/tags/semiconductors/"),
        ("/tags/chips/feed/", "/tags/semiconductors/feed/"),
        ("/tags/chips/feed/atom/", "/tags/semiconductors/feed/atom/"),
    ]:
        moved = client.get(old)
        assert (moved.status_code, moved["Location"]) == (301, new)
    page = client.get("/tags/semiconductors/").content.decode()
    assert titles_on(page) == ["About chips"]
    assert "Fabs, chips and export rules." in page


def merge(admin_client, tags, into):
    return admin_client.post(
        reverse(CHANGELIST),
        {"action": "merge_selected", "_selected_action": [tag.pk for tag in tags], "into": into.pk},
        follow=True,
    )


def test_merging_tags_moves_their_posts_and_redirects_their_addresses(
    admin_client, client, django_capture_on_commit_callbacks
):
    make_post(title="Only ML", tags=["ml"])
    make_post(title="Both", tags=["ml", "machine-learning"])
    make_post(title="Only long form", tags=["machine-learning"])
    make_post(title="Unrelated", tags=["markets"])
    ml, long_form = Tag.objects.get(slug="ml"), Tag.objects.get(slug="machine-learning")
    assert titles_on(client.get("/tags/machine-learning/").content.decode()) == ["Both", "Only long form"]

    with django_capture_on_commit_callbacks(execute=True):  # cached pages refresh on commit
        response = merge(admin_client, [ml, long_form], into=long_form)

    assert "Merged ml into machine-learning: 2 posts moved" in response.content.decode()
    assert not Tag.objects.filter(slug="ml").exists()
    assert {post.title: sorted(post.tags.names()) for post in Post.objects.all()} == {
        "Only ML": ["machine-learning"],
        "Both": ["machine-learning"],
        "Only long form": ["machine-learning"],
        "Unrelated": ["markets"],
    }
    # The tag page, cached before the merge, shows the moved posts now.
    assert titles_on(client.get("/tags/machine-learning/").content.decode()) == [
        "Only ML",
        "Both",
        "Only long form",
    ]
    moved = client.get("/tags/ml/")
    assert (moved.status_code, moved["Location"]) == (301, "/tags/machine-learning/")


def test_merge_without_a_tag_to_keep_changes_nothing_and_says_why(admin_client):
    make_post(tags=["ml", "ai"])

    response = merge(admin_client, Tag.objects.all(), into=Tag(pk=""))

    assert "Choose the tag to keep" in response.content.decode()
    assert sorted(Tag.objects.values_list("slug", flat=True)) == ["ai", "ml"]


def test_taggit_merge_that_changes_nothing_is_not_offered(admin_client):
    make_post(tags=["ml"])

    page = admin_client.get(reverse(CHANGELIST)).content.decode()

    assert "merge_selected" in [
        option["value"] for option in parse(page).select('select[name="action"] option')
    ]
    assert "render_tag_form" not in page


def test_tag_changelist_query_count_does_not_grow(admin_client, django_assert_max_num_queries):
    for n in range(30):
        make_post(tags=[f"t{n}", "shared"])

    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert "30" in texts(response, "#result_list td.field-post_count")


@pytest.mark.postgres
def test_search_finds_merged_posts_under_the_tag_they_moved_to(admin_client, client):
    make_post(title="Transformers, briefly", body="Attention is all.", tags=["ml"])
    make_post(title="Unrelated", body="Markets.", tags=["markets"])
    make_post(title="Keeper", body="Learning.", tags=["deeplearningish"])

    merge(admin_client, Tag.objects.filter(slug="ml"), into=Tag.objects.get(slug="deeplearningish"))

    page = client.get(reverse("blog:search"), {"q": "deeplearningish"}).content.decode()
    assert "Transformers, briefly" in page
