"""Writing posts in Django's real admin."""

import io
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from blog.models import Post, Verdict
from tests.support.factories import make_post, make_user

pytestmark = pytest.mark.django_db


def management_forms(admin_client):
    """The inline formsets' management fields, as the add page renders them."""
    page = admin_client.get(reverse("admin:blog_post_add")).content.decode()
    fields = re.findall(r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d*)"', page)
    return dict(fields)


def post_form(admin_client, **overrides):
    now = timezone.now()
    data = {
        **management_forms(admin_client),
        "title": "Written in the admin",
        "slug": "written-in-the-admin",
        "dek": "A subtitle.",
        "body": "## Heading\n\n" + "word " * 300,
        "tags": "AI, Markets",
        "status": Post.Status.PUBLISHED,
        "published_at_0": now.strftime("%Y-%m-%d"),
        "published_at_1": now.strftime("%H:%M:%S"),
        "counterpoints_open": "on",
        "cover_alt": "",
        "hindsights-TOTAL_FORMS": "1",
        "hindsights-0-verdict": Verdict.STILL_OPEN,
        "hindsights-0-decided_at_0": now.strftime("%Y-%m-%d"),
        "hindsights-0-decided_at_1": now.strftime("%H:%M:%S"),
        "hindsights-0-note": "Too early.",
    }
    data.update(overrides)
    return data


def test_post_add_form_uses_the_markdownx_editor(admin_client):
    page = admin_client.get(reverse("admin:blog_post_add")).content.decode()

    assert "markdownx-editor" in page
    assert 'data-markdownx-urls-path="/markdownx/markdownify/"' in page
    assert "markdownx/js/markdownx" in page


def test_author_publishes_a_post_with_tags_and_a_verdict(admin_client, admin_user, client):
    response = admin_client.post(reverse("admin:blog_post_add"), post_form(admin_client))

    assert response.status_code == 302
    post = Post.objects.get(slug="written-in-the-admin")
    assert post.author == admin_user
    assert post.word_count == 302
    assert post.reading_minutes == 2
    assert "<h2>Heading</h2>" in post.body_html
    assert sorted(tag.name for tag in post.tags.all()) == ["AI", "Markets"]
    assert post.hindsights.get().verdict == Verdict.STILL_OPEN
    page = client.get(post.get_absolute_url()).content.decode()
    assert "hindsight — <strong>still open</strong>" in page


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
