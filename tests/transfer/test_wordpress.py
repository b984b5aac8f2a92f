"""Importing genuine WordPress exports (see fixtures/README.md for where they come from)."""

import datetime

import pytest
from django.db import IntegrityError

from blog.models import Post
from counterpoints.models import Counterpoint
from redirects.models import Redirect

from .support import WORDPRESS_SMALL, WORDPRESS_THEME_TEST, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def theme_test_import():
    return run("import_posts", WORDPRESS_THEME_TEST)


def test_posts_and_pages_come_in_with_title_slug_and_gmt_date(theme_test_import):
    post = Post.objects.get(slug="markup-html-tags-and-formatting")

    assert post.title == "Markup: HTML Tags and Formatting"
    assert post.published_at == datetime.datetime(2013, 1, 12, 3, 22, 19, tzinfo=datetime.UTC)
    assert Post.objects.get(slug="about").title == "About The Tests"  # a page


def test_statuses_map_to_published_scheduled_and_draft(theme_test_import):
    assert Post.objects.get(slug="markup-html-tags-and-formatting").is_published
    scheduled = Post.objects.get(slug="scheduled")
    assert scheduled.status == Post.Status.PUBLISHED
    assert scheduled.published_at.year == 2030
    assert not scheduled.is_published
    assert Post.objects.get(title="Draft").status == Post.Status.DRAFT
    # A password-protected post is not made public.
    assert Post.objects.get(slug="template-password-protected").status == Post.Status.DRAFT


def test_categories_and_tags_both_become_tags(theme_test_import):
    names = {tag.name for tag in Post.objects.get(slug="edge-case-many-categories").tags.all()}

    assert {"aciform", "antiquarianism"} <= names
    assert len(names) > 20
    assert "Uncategorized" not in {tag.name for tag in Post.objects.get(slug="about").tags.all()}


def test_a_rich_post_keeps_its_structure_as_markdown(theme_test_import):
    body = Post.objects.get(slug="markup-html-tags-and-formatting").body

    assert "\n## Blockquotes\n" in body
    assert "> Stay hungry. Stay foolish." in body
    assert "| Employee | Salary |  |\n| --- | --- | --- |" in body
    assert "| [John Doe](http://example.org/) | $1 |" in body
    assert "- List item one\n  - List item one\n    - List item one" in body
    assert "8. List item one -start at 8" in body
    assert "```\nRobert Frost" in body
    assert '[link](https://wordpressfoundation.org/ "WordPress Foundation")' in body


def test_images_keep_their_address_and_alt_text(theme_test_import):
    body = Post.objects.get(slug="markup-image-alignment").body

    assert (
        "![Image Alignment 580x300](https://wpthemetestdata.files.wordpress.com/2013/03/"
        'image-alignment-580x300.jpg "Image Alignment 580x300")'
    ) in body


def test_the_rich_post_renders_headings_tables_and_code_on_its_page(client, theme_test_import):
    html = client.get("/posts/markup-html-tags-and-formatting/").content.decode()

    assert "<h2>Tables</h2>" in html
    assert "<th>Employee</th>" in html
    assert "<blockquote>" in html
    assert '<pre class="highlight"><code>Robert Frost' in html


def test_approved_comments_become_approved_counterpoints_in_order(theme_test_import):
    post = Post.objects.get(slug="template-comments")
    counterpoints = list(post.counterpoints.order_by("submitted_at", "pk"))

    assert len(counterpoints) == 19
    assert all(c.status == Counterpoint.Status.APPROVED for c in counterpoints)
    dates = [c.submitted_at for c in counterpoints]
    assert dates == sorted(dates)
    assert counterpoints[0].author_name
    assert counterpoints[0].submitted_at.year == 2012


def test_commenters_email_is_kept_but_never_shown(client, theme_test_import):
    post = Post.objects.get(slug="template-comments")
    with_email = post.counterpoints.exclude(author_email="").first()

    assert with_email is not None
    assert with_email.author_email not in client.get(post.get_absolute_url()).content.decode()


def test_pingbacks_are_left_out(theme_test_import):
    assert Post.objects.get(slug="template-pingbacks-an-trackbacks").counterpoints.count() == 1


def test_pending_comments_come_in_only_when_asked_and_wait_for_review():
    run("import_posts", WORDPRESS_THEME_TEST)
    approved_only = Counterpoint.objects.count()
    assert not Counterpoint.objects.pending().exists()

    run("import_posts", WORDPRESS_THEME_TEST, "--include-pending")

    pending = Counterpoint.objects.pending()
    assert pending.exists()
    assert Counterpoint.objects.approved().count() == approved_only


def test_old_addresses_answer_301_to_the_new_post(client, theme_test_import):
    target = "/posts/markup-html-tags-and-formatting/"

    assert client.get("/2013/01/11/markup-html-tags-and-formatting/")["Location"] == target
    assert Redirect.objects.filter(old_path="/?p=1178", new_path=target).exists()


def test_wordpress_ids_on_the_home_page_redirect(client, theme_test_import):
    response = client.get("/?p=1178")

    assert response.status_code == 301
    assert response["Location"] == "/posts/markup-html-tags-and-formatting/"
    assert client.get("/?page_id=2")["Location"] == "/posts/about/"
    assert client.get("/?p=99999").status_code == 200  # unknown id: the home page, as before


def test_an_item_that_cannot_be_imported_is_named_with_its_line_and_the_rest_come_in(theme_test_import):
    out, err, error = theme_test_import

    assert 'item 1170 "Edge Case: No Content" (line 10221): the body is empty' in err
    assert error is not None and "item 1170" in str(error)
    assert Post.objects.filter(slug="markup-image-alignment").exists()
    assert "created" in out


def test_importing_again_changes_nothing(theme_test_import):
    before = (Post.objects.count(), Counterpoint.objects.count(), Redirect.objects.count())
    updated = list(Post.objects.order_by("pk").values_list("updated_at", flat=True))

    out, _, _ = run("import_posts", WORDPRESS_THEME_TEST)

    assert (Post.objects.count(), Counterpoint.objects.count(), Redirect.objects.count()) == before
    assert list(Post.objects.order_by("pk").values_list("updated_at", flat=True)) == updated
    assert "0 created, 0 updated" in out


def test_a_post_renamed_here_is_updated_not_copied_on_the_next_import(theme_test_import):
    post = Post.objects.get(slug="markup-image-alignment")
    post.slug = "images-aligned"
    post.save()

    run("import_posts", WORDPRESS_THEME_TEST)

    assert not Post.objects.filter(slug="markup-image-alignment").exists()
    assert Post.objects.filter(title="Markup: Image Alignment").count() == 1


def test_dry_run_writes_nothing_but_reports():
    out, _, _ = run("import_posts", WORDPRESS_SMALL, "--dry-run")

    assert "Dry run: would have" in out
    assert "created" in out
    assert not Post.objects.exists()
    assert not Redirect.objects.exists()


def test_private_posts_come_in_as_drafts():
    run("import_posts", WORDPRESS_SMALL)

    assert Post.objects.get(title="Private Post").status == Post.Status.DRAFT
    assert Post.objects.get(title="Hello world!").is_published


def test_posts_get_their_author_when_the_user_exists_here(django_user_model):
    author = django_user_model.objects.create_user("themedemos")

    run("import_posts", WORDPRESS_THEME_TEST)

    assert Post.objects.get(slug="markup-html-tags-and-formatting").author == author


def test_a_file_that_is_not_an_export_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")

    _, _, error = run("import_posts", path)

    assert "not a WordPress export" in str(error)


def test_an_item_the_database_refuses_is_reported_and_the_rest_come_in(monkeypatch):
    from transfer import services

    real_save = services.upsert_seed

    def refuse_one(seed):
        outcome = real_save(seed)
        if seed.slug == "markup-image-alignment":
            # after the post was written: the whole item must be rolled back
            raise IntegrityError("the database refused it")
        return outcome

    monkeypatch.setattr(services, "upsert_seed", refuse_one)

    _, err, error = run("import_posts", WORDPRESS_THEME_TEST)

    assert 'item 1177 "Markup: Image Alignment"' in err
    assert "item 1177" in str(error)
    assert not Post.objects.filter(slug="markup-image-alignment").exists()
    assert Post.objects.filter(slug="markup-html-tags-and-formatting").exists()
