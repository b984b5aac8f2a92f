"""`manage.py load_seeds`: the shipped seeds, idempotency, honest errors."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from blog.models import Hindsight, Post, Verdict
from blog.seeds import SeedError, seed_from_meta
from tests.support.html import parse, text

pytestmark = pytest.mark.django_db

SEED_001 = "the-5-5-million-number-is-wrong-and-it-doesnt-matter"
SEED_000 = "the-5-5-million-lie-is-the-best-part"

GOOD = """+++
title = "A good seed"
slug = "a-good-seed"
dek = "It loads."
date = 2025-03-01T10:00:00Z
tags = ["ai"]

[[hindsight]]
verdict = "wrong"
decided = 2025-06-01
note = "It was not."
+++

Body of the *good* seed.
"""


def load(*args):
    out, err = StringIO(), StringIO()
    call_command("load_seeds", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_loads_the_five_seed_posts(client):
    out, _ = load()

    assert Post.objects.published().count() == 5
    assert "5 created, 0 updated, 0 unchanged" in out
    page = client.get(reverse("blog:post-list")).content.decode()
    assert "The $5.5 Million Number Is Wrong and It Doesn&#x27;t Matter" in page


def test_loading_twice_duplicates_nothing():
    load()
    out, _ = load()

    assert Post.objects.count() == 5
    assert Hindsight.objects.count() == 2
    assert "0 created, 0 updated, 5 unchanged" in out


def test_seed_001_shows_two_min_read_and_355_words(client):
    load()

    page = parse(client.get(reverse("blog:post-detail", args=[SEED_001])))

    meta = text(page, ".post .meta")
    assert "2 min read" in meta
    assert "355 words" in meta
    tags = {a["href"]: text(a) for a in page.select(".post .meta a")}
    for tag in ["open-source", "deepseek", "ai", "llm"]:
        assert tags[f"/tags/{tag}/"] == f"#{tag}"
    assert text(page, ".hindsight-label").startswith("hindsight — nailed it")
    assert "Getting the number wrong and the conclusion right was the whole point." in text(page, "#verdict")


def test_seed_000_carries_a_still_open_verdict(client):
    load()

    page = parse(client.get(reverse("blog:post-detail", args=[SEED_000])))

    assert text(page, ".hindsight-label").startswith("hindsight — still open")
    assert "remains unresolved" in text(page, "#verdict")


def test_seed_003_has_section_headings():
    load()

    body_html = Post.objects.get(
        slug="the-5-5-million-question-why-deepseek-just-rewrote-the-rules"
    ).body_html

    assert body_html.count("<h2>") == 5
    assert "<h2>The Geopolitical Angle</h2>" in body_html


def test_changed_file_updates_the_post(tmp_path):
    (tmp_path / "good.md").write_text(GOOD)
    load(tmp_path)
    (tmp_path / "good.md").write_text(GOOD.replace("It loads.", "It loads, revised."))

    out, _ = load(tmp_path)

    assert Post.objects.get(slug="a-good-seed").dek == "It loads, revised."
    assert "updated" in out and "a-good-seed" in out
    assert Hindsight.objects.get().verdict == Verdict.WRONG


def test_dry_run_writes_nothing(tmp_path):
    (tmp_path / "good.md").write_text(GOOD)

    out, _ = load(tmp_path, "--dry-run")

    assert "Dry run: would have 1 created" in out
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("no front matter here", "front matter missing"),
        ("+++\ntitle = 'x'\n", "not closed"),
        ("+++\ntitle = 'x\n+++\nbody", "not valid TOML"),
        ("+++\ntitle = 'x'\n+++\nbody", "lacks date"),
        (
            "+++\ntitle = 'x'\ndate = 2025-01-01\ncolour = 'red'\n+++\nbody",
            "unknown front matter key(s): colour",
        ),
        ("+++\ntitle = 'x'\ndate = 'soon'\n+++\nbody", "date must be a TOML date"),
        ("+++\ntitle = 'x'\ndate = 2025-01-01\ntags = 'ai'\n+++\nbody", "tags must be a list"),
        (
            "+++\ntitle = 'x'\ndate = 2025-01-01\n[[hindsight]]\nverdict = 'meh'\n+++\nbody",
            'unknown verdict "meh"',
        ),
        ("+++\ntitle = 'x'\ndate = 2025-01-01\n+++\n\n", "the body is empty"),
        # Found by the property test on PostgreSQL, which refuses NUL in text columns.
        ('+++\rtitle="0"\rdate=0001-01-01\r+++\r\x00', "contains a NUL character"),
    ],
)
def test_malformed_file_is_named_with_its_problem_and_loads_nothing(tmp_path, text, problem):
    (tmp_path / "a-good.md").write_text(GOOD)
    (tmp_path / "broken.md").write_text(text)

    with pytest.raises(CommandError, match=r"1 seed file\(s\) not loaded: broken.md"):
        load(tmp_path)

    assert list(Post.objects.values_list("slug", flat=True)) == ["a-good-seed"]


def test_error_message_names_the_file_and_the_problem(tmp_path):
    (tmp_path / "broken.md").write_text("+++\ntitle = 'x'\n+++\nbody")
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("load_seeds", tmp_path, stdout=StringIO(), stderr=err)

    assert "broken.md: front matter lacks date" in err.getvalue()


def test_a_bad_verdict_loads_nothing_from_that_file(tmp_path):
    (tmp_path / "half.md").write_text(
        GOOD.replace('verdict = "wrong"', 'verdict = "wrong"\n\n[[hindsight]]\nverdict = "maybe"')
    )

    with pytest.raises(CommandError):
        load(tmp_path)

    assert not Post.objects.exists()
    assert not Hindsight.objects.exists()


def test_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="is not a directory"):
        load(tmp_path / "nope")


@pytest.mark.parametrize(
    ("front", "problem"),
    [
        ("title = '" + "t" * 201 + "'", "title is longer than 200 characters"),
        ("title = 'x'\ndek = '" + "d" * 301 + "'", "dek is longer than 300 characters"),
        ("title = 'x'\ntags = ['" + "g" * 101 + "']", "tag names must be at most 100 characters"),
        ("title = 'x'\nnested = " + "[" * 2000 + "]" * 2000, "front matter is nested too deeply"),
    ],
)
def test_oversized_or_pathological_front_matter_is_a_clear_error(tmp_path, front, problem):
    (tmp_path / "odd.md").write_text(f"+++\n{front}\ndate = 2025-01-01\n+++\nbody\n")
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("load_seeds", tmp_path, stdout=StringIO(), stderr=err)

    assert f"odd.md: {problem}" in err.getvalue()
    assert not Post.objects.exists()


@pytest.mark.parametrize("key", ["title", "dek"])
def test_a_nul_character_in_a_field_from_any_importer_is_named(key):
    """Importers hand over front matter they read themselves (YAML, Ghost's JSON): NUL is refused."""
    meta = {"title": "A title", "date": datetime(2025, 1, 1, tzinfo=UTC), key: "before\x00after"}
    with pytest.raises(SeedError, match=f"{key} contains a NUL character"):
        seed_from_meta(meta, "The body.")
