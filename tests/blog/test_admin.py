"""Writing posts in Django's real admin."""

import io
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from blog.models import Post, Verdict
from tests.support.admin import post_form
from tests.support.factories import make_author, make_counterpoint, make_post, make_user
from tests.support.html import field_value, one, parse, text, texts

pytestmark = pytest.mark.django_db


def test_post_add_form_uses_the_markdownx_editor(admin_client):
    page = admin_client.get(reverse("admin:blog_post_add")).content.decode()

    assert "markdownx-editor" in page
    editors = parse(page).select("[data-markdownx-urls-path]")
    assert editors and {editor["data-markdownx-urls-path"] for editor in editors} == {
        "/markdownx/markdownify/"
    }
    assert "markdownx/js/markdownx" in page


def test_author_publishes_a_post_with_tags_and_a_verdict(admin_client, admin_user, client):
    response = admin_client.post(reverse("admin:blog_post_add"), post_form(admin_client))

    assert response.status_code == 302
    post = Post.objects.get(slug="written-in-the-admin")
    assert post.author == admin_user
    assert post.word_count == 302
    assert post.reading_minutes == 2
    assert texts(post.body_html, "h2") == ["Heading"]
    assert sorted(tag.name for tag in post.tags.all()) == ["AI", "Markets"]
    assert post.hindsights.get().verdict == Verdict.STILL_OPEN
    page = client.get(post.get_absolute_url())
    assert text(page, ".hindsight-banner .hindsight-label strong") == "still open"


def test_add_form_offers_the_current_user_as_author(client):
    author = make_author(username="ada", first_name="Ada")
    client.force_login(author)

    page = parse(client.get(reverse("admin:blog_post_add")))

    assert field_value(page, "author") == str(author.pk)
    assert text(page, 'select[name="author"] option[selected]') == "ada"


def test_author_cleared_on_purpose_stays_empty(admin_client):
    admin_client.post(reverse("admin:blog_post_add"), post_form(admin_client, author=""))

    assert Post.objects.get(slug="written-in-the-admin").author is None


def change_form(admin_client, post, **overrides):
    """The change form as the author would send it back, with ``overrides``."""
    data = post_form(
        admin_client,
        title=post.title,
        slug=post.slug,
        body=post.body,
        status=post.status,
        published_at_0="",
        published_at_1="",
        **{"hindsights-TOTAL_FORMS": "0"},
    )
    if post.published_at:
        local = timezone.localtime(post.published_at)
        data |= {"published_at_0": f"{local:%Y-%m-%d}", "published_at_1": f"{local:%H:%M:%S}"}
    return data | overrides


def test_draft_saved_without_a_date_has_none_until_published(admin_client):
    data = post_form(admin_client, status=Post.Status.DRAFT, published_at_0="", published_at_1="")

    admin_client.post(reverse("admin:blog_post_add"), data)

    post = Post.objects.get()
    assert post.state == Post.State.DRAFT
    assert post.published_at is None


def test_publishing_a_draft_without_a_date_stamps_the_moment_of_publication(admin_client):
    draft = make_post(status=Post.Status.DRAFT, published_at=None)
    Post.objects.filter(pk=draft.pk).update(created_at=timezone.now() - timedelta(days=3))
    before = timezone.now().replace(microsecond=0)  # dates are stamped to the second, as the admin shows them

    response = admin_client.post(
        reverse("admin:blog_post_change", args=[draft.pk]),
        change_form(admin_client, draft, status=Post.Status.PUBLISHED),
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == Post.State.PUBLISHED
    assert before <= draft.published_at <= timezone.now()


def test_a_past_date_the_author_typed_is_kept_on_publishing(admin_client):
    draft = make_post(status=Post.Status.DRAFT, published_at=None)

    admin_client.post(
        reverse("admin:blog_post_change", args=[draft.pk]),
        change_form(
            admin_client,
            draft,
            status=Post.Status.PUBLISHED,
            published_at_0="2024-03-01",
            published_at_1="09:30:00",
        ),
    )

    draft.refresh_from_db()
    assert timezone.localtime(draft.published_at).strftime("%Y-%m-%d %H:%M") == "2024-03-01 09:30"


def test_post_list_shows_draft_scheduled_and_published_and_filters_by_state(admin_client):
    make_post(title="Still a draft", status=Post.Status.DRAFT, published_at=None)
    make_post(title="Goes out tomorrow", published_at=timezone.now() + timedelta(days=1))
    make_post(title="Out yesterday")
    changelist = reverse("admin:blog_post_changelist")

    rows = parse(admin_client.get(changelist)).select("#result_list tbody tr")
    states = {text(row, "th.field-title a"): text(row, "td.field-state") for row in rows}
    assert states == {
        "Still a draft": "Draft",
        "Goes out tomorrow": "Scheduled",
        "Out yesterday": "Published",
    }

    for state, title in [
        ("draft", "Still a draft"),
        ("scheduled", "Goes out tomorrow"),
        ("published", "Out yesterday"),
    ]:
        filtered = admin_client.get(changelist, {"state": state})
        assert texts(filtered, "#result_list th.field-title a") == [title]


def test_change_form_says_when_a_scheduled_post_goes_live(admin_client):
    post = make_post(published_at=timezone.now() + timedelta(days=2))

    page = admin_client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()

    assert "Scheduled: goes live" in page


@pytest.mark.parametrize(
    ("overrides", "notice"),
    [
        ({"status": Post.Status.DRAFT, "published_at": None}, "this post is a draft"),
        ({"published_at": timezone.now() + timedelta(days=2)}, "this post is scheduled for"),
    ],
)
def test_view_on_site_shows_staff_an_unpublished_post_as_a_preview(admin_client, client, overrides, notice):
    post = make_post(**overrides)
    change_page = admin_client.get(reverse("admin:blog_post_change", args=[post.pk]))
    view_on_site = one(change_page, "a.viewsitelink")["href"]

    response = admin_client.get(view_on_site, follow=True)

    assert response.redirect_chain[-1][0].endswith(post.get_absolute_url())
    assert response.status_code == 200
    assert notice in response.content.decode()
    assert client.get(post.get_absolute_url()).status_code == 404


def test_publish_now_action_stamps_drafts_and_brings_scheduled_posts_forward(admin_client):
    undated = make_post(status=Post.Status.DRAFT, published_at=None)
    backdated = make_post(status=Post.Status.DRAFT, published_at=timezone.now() - timedelta(days=30))
    scheduled = make_post(published_at=timezone.now() + timedelta(days=5))
    before = timezone.now().replace(microsecond=0)  # stamped to the second

    response = admin_client.post(
        reverse("admin:blog_post_changelist"),
        {"action": "publish_now", "_selected_action": [undated.pk, backdated.pk, scheduled.pk]},
        follow=True,
    )

    assert "Published 3 posts." in response.content.decode()
    for post in (undated, backdated, scheduled):
        post.refresh_from_db()
        assert post.state == Post.State.PUBLISHED
    assert before <= undated.published_at <= timezone.now()
    assert before <= scheduled.published_at <= timezone.now()
    assert backdated.published_at < before - timedelta(days=29)


def test_a_published_post_cannot_be_stored_without_a_date(db):
    post = make_post()
    with pytest.raises(IntegrityError):
        Post.objects.filter(pk=post.pk).update(published_at=None)


def test_cover_image_needs_alt_text(admin_client):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    cover = SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")

    response = admin_client.post(reverse("admin:blog_post_add"), post_form(admin_client, cover_image=cover))

    assert response.status_code == 200
    assert "Describe the cover image" in response.content.decode()
    assert not Post.objects.exists()


def test_post_changelist_query_count_does_not_grow(admin_client, django_assert_max_num_queries):
    for n in range(30):
        make_post(tags=[f"t{n}", "shared"], verdict=Verdict.WRONG)

    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:blog_post_changelist"))
    assert response.status_code == 200
    assert "wrong" in response.content.decode()


def test_non_staff_cannot_reach_the_admin(client):
    client.force_login(make_user())

    response = client.get(reverse("admin:blog_post_changelist"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_ensure_admin_creates_one_account_with_a_random_password(tmp_path):
    password_file = tmp_path / "admin-password.txt"
    first, second = StringIO(), StringIO()

    call_command("ensure_admin", password_file=password_file, stdout=first)
    call_command("ensure_admin", password_file=password_file, stdout=second)

    admin = get_user_model().objects.get(is_superuser=True)
    password = password_file.read_text().split("\n")[1]
    assert admin.check_password(password)
    assert len(password) >= 20
    assert f"password: {password}" in first.getvalue()
    assert f"password: {password}" in second.getvalue()
    assert get_user_model().objects.count() == 1


def test_ensure_admin_passwords_differ_between_machines(tmp_path):
    call_command("ensure_admin", password_file=tmp_path / "a", stdout=StringIO())
    get_user_model().objects.all().delete()
    call_command("ensure_admin", password_file=tmp_path / "b", stdout=StringIO())

    assert (tmp_path / "a").read_text() != (tmp_path / "b").read_text()


def test_admin_carries_the_site_name_not_django_administration(client, settings):
    login = client.get(reverse("admin:login"))

    assert text(login, "title") == f"Log in | {settings.SITE_NAME}"
    assert [a["href"] for a in parse(login).select("#site-name a")] == ["/admin/"]
    assert text(login, "#site-name a") == settings.SITE_NAME
    assert "Django administration" not in login.content.decode()


def test_post_form_puts_writing_first_with_the_editor_script_and_cheat_sheet(admin_client):
    page = admin_client.get(reverse("admin:blog_post_add")).content.decode()

    order = [
        page.index(f'name="{name}"') for name in ["title", "dek", "body", "tags", "status", "published_at_0"]
    ]
    assert order == sorted(order)
    assert page.index('name="published_at_0"') < page.index('id="hindsights-group"')
    form = parse(page)
    assert form.select('script[src="/static/editor/post-editor.js"]')
    assert {field["data-site-css"] for field in form.select("[data-site-css]")} == {"/static/css/site.css"}
    assert {field["data-suggest-url"] for field in form.select("[data-suggest-url]")} == {"/editor/tags/"}
    assert "Markdown cheat-sheet" in page


def test_saving_a_post_warns_about_images_without_a_description(admin_client):
    body = "![](/media/a.png)\n\n![describe the image](/media/b.png)\n\n![A chart](/media/c.png)\n"

    response = admin_client.post(
        reverse("admin:blog_post_add"), post_form(admin_client, body=body), follow=True
    )

    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == [
        "2 images in the body have no description (alt text) yet: /media/a.png, /media/b.png. "
        "Readers who cannot see it get nothing."
    ]
    assert Post.objects.filter(slug="written-in-the-admin").exists()


def test_post_with_described_images_saves_without_a_warning(admin_client):
    response = admin_client.post(
        reverse("admin:blog_post_add"), post_form(admin_client, body="![A chart](/media/c.png)"), follow=True
    )

    assert [m.level_tag for m in response.context["messages"]] == ["success"]


SUGGEST_URL = "/editor/tags/"


def test_tag_suggestions_offer_existing_tags_those_starting_with_the_text_first(client):
    make_post(tags=["forecasting", "Elections", "AI-forecasts", "markets"])
    client.force_login(make_author())

    response = client.get(SUGGEST_URL, {"q": "FORE"})

    assert response.json() == {"tags": ["forecasting", "AI-forecasts"]}
    assert client.get(SUGGEST_URL, {"q": " "}).json() == {"tags": []}


def test_tag_suggestions_are_for_authors_only(client):
    make_post(tags=["secret-draft-tag"])
    assert client.get(SUGGEST_URL, {"q": "sec"}).status_code == 403
    client.force_login(make_user(staff=True))
    assert client.get(SUGGEST_URL, {"q": "sec"}).status_code == 403


def test_tag_suggestions_make_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for n in range(40):
        make_post(tags=[f"topic-{n}"])
    client.force_login(make_author())

    with django_assert_max_num_queries(5):
        response = client.get(SUGGEST_URL, {"q": "topic"})

    assert len(response.json()["tags"]) == 10


def test_post_page_shows_verdicts_claims_and_counterpoints_that_other_apps_add(admin_client):
    # blog's admin knows none of them: claims and counterpoints add their inlines from their own admin.py.
    post = make_post(author=None)
    make_counterpoint(post)
    page = admin_client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()

    prefixes = re.findall(r'name="([\w-]+)-TOTAL_FORMS"', page)
    assert prefixes == ["hindsights", "claims", "counterpoints"]
    assert 'name="hindsights-__prefix__-credited"' in page  # the readers a new verdict credits
