"""Importing a genuine Ghost export and Jekyll/Hugo-style folders of Markdown."""

import datetime

import pytest

from blog.models import Post
from redirects.models import Redirect

from .support import FIXTURES, GHOST, run

pytestmark = pytest.mark.django_db


def test_ghost_posts_come_in_with_tags_dates_and_markdown_from_their_html(client):
    _, err, error = run("import_posts", GHOST)

    assert error is None, err
    post = Post.objects.get(slug="post-1")
    assert post.title == "Post 1"
    assert post.published_at == datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    assert post.is_published
    assert [tag.name for tag in post.tags.all()] == ["News"]
    assert post.body == "Hello world\n\n![](https://example.com/images/photo-1.jpg)\n\nMore text\n"
    assert client.get("/post-1/")["Location"] == "/posts/post-1/"


def test_a_ghost_lexical_post_without_html_is_rendered_from_its_nodes():
    run("import_posts", GHOST)

    assert "![](https://example.com/images/lexical-image.jpg)" in Post.objects.get(slug="post-3-lexical").body


def test_ghost_authors_are_matched_to_users_here(django_user_model):
    alice = django_user_model.objects.create_user("alice-johnson")

    run("import_posts", GHOST)

    assert Post.objects.get(slug="post-1").author == alice
    assert Post.objects.get(slug="post-2").author is None


def test_ghost_drafts_stay_drafts(tmp_path):
    export = tmp_path / "ghost.json"
    export.write_text(
        GHOST.read_text().replace('"status": "published"', '"status": "draft"', 1), encoding="utf-8"
    )

    run("import_posts", export)

    assert Post.objects.get(slug="post-1").status == Post.Status.DRAFT
    assert Post.objects.get(slug="post-2").status == Post.Status.PUBLISHED


def test_reimporting_ghost_changes_nothing():
    run("import_posts", GHOST)
    out, _, _ = run("import_posts", GHOST)

    assert "0 created, 0 updated, 3 unchanged" in out


def test_a_jekyll_folder_maps_its_front_matter_and_file_names(client):
    _, err, error = run("import_posts", FIXTURES / "jekyll")

    post = Post.objects.get(slug="rates-will-stay-low")
    assert post.title == "Rates will stay low through 2020"
    assert post.dek == "A bet on the central banks."
    assert post.published_at == datetime.datetime(2019, 5, 1, 8, 0, tzinfo=datetime.UTC)
    assert sorted(tag.name for tag in post.tags.all()) == ["economics", "predictions", "rates"]
    assert "## Why" in post.body
    assert client.get("/2019/05/01/rates.html")["Location"] == "/posts/rates-will-stay-low/"
    # published: false, dated by its file name
    unfinished = Post.objects.get(slug="unfinished")
    assert unfinished.status == Post.Status.DRAFT
    assert unfinished.published_at.date() == datetime.date(2019, 6, 2)
    # the broken file is named, the others still came in
    assert "_posts/2019-07-03-broken.md: front matter is not valid YAML" in err
    assert error is not None


def test_a_hugo_folder_with_toml_and_yaml_front_matter():
    _, err, error = run("import_posts", FIXTURES / "hugo")

    assert error is None, err
    post = Post.objects.get(slug="robotaxis-2025")
    assert post.dek == "A prediction about robotaxis."
    assert sorted(tag.name for tag in post.tags.all()) == ["ai", "cars", "technology"]
    assert Redirect.objects.filter(old_path="/old/self-driving/", new_path="/posts/robotaxis-2025/").exists()
    assert Post.objects.get(slug="draft-idea").status == Post.Status.DRAFT


def test_our_own_seed_files_import_with_their_verdict_history(settings):
    _, err, error = run("import_posts", settings.BASE_DIR / "seeds")

    assert error is None, err
    assert Post.objects.count() == len(list((settings.BASE_DIR / "seeds").glob("*.md")))
    assert Post.objects.filter(hindsights__isnull=False).exists()


def test_dry_run_on_a_folder_writes_nothing():
    out, _, _ = run("import_posts", FIXTURES / "hugo", "--dry-run")

    assert "Dry run: would have 2 created" in out
    assert not Post.objects.exists()
