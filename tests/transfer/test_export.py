"""export_site: everything out in open formats, and back in, byte for byte."""

import datetime
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from taggit.models import Tag

from blog.models import Hindsight, Post, Series, SeriesPart, Verdict
from counterpoints.models import Counterpoint
from redirects.models import Redirect
from redirects.services import remember_redirect
from tests.support.factories import make_hindsight, make_post

from .support import run

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def counterpoint(post, body, **fields):
    return Counterpoint.objects.create(
        post=post,
        stance=fields.pop("stance", Counterpoint.Stance.PUSH_BACK),
        author_name=fields.pop("author_name", "Reader"),
        body=body,
        submitted_at=fields.pop("submitted_at", datetime.datetime(2024, 3, 1, 12, 0, tzinfo=UTC)),
        **fields,
    )


@pytest.fixture
def site():
    """A site with verdict history, credited counterpoints, drafts, redirects and a media file."""
    judged = make_post(
        slug="rates-stay-low",
        title="Rates stay low",
        dek="A bet on the Fed.",
        body='## Why\n\nInflation is *flat*.\r\n\nQuote: "yes" \\ backslash\n',
        published_at=datetime.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
        check_back_by=datetime.date(2025, 6, 30),
        tags=["economics", "Fed", "περιεχόμενο"],
    )
    draft = make_post(
        slug="draft-one", status=Post.Status.DRAFT, counterpoints_open=False, tags=["economics"]
    )
    called_it = counterpoint(
        judged,
        "The labour market will force their hand.",
        author_email="reader@example.com",
        author_website="https://reader.example",
        quote="Inflation is flat.",
        status=Counterpoint.Status.APPROVED,
        response=Counterpoint.AuthorResponse.CONCEDED,
        author_reply="You were right.",
        reviewed_at=datetime.datetime(2024, 3, 2, tzinfo=UTC),
        moderator_note="Regular reader.",
    )
    counterpoint(
        judged,
        "Buy my course on rates.",
        status=Counterpoint.Status.REJECTED,
        rejection_reason=Counterpoint.RejectionReason.ADVERTISING,
        submitted_at=datetime.datetime(2024, 3, 3, tzinfo=UTC),
    )
    counterpoint(draft, "Still waiting for review here.", stance=Counterpoint.Stance.SHARPEN)
    make_hindsight(
        judged,
        verdict=Verdict.STILL_OPEN,
        note="Too early to say.\nTwo lines.",
        decided_at=datetime.datetime(2024, 6, 1, tzinfo=UTC),
    )
    final = make_hindsight(
        judged, verdict=Verdict.WRONG, note="They cut.", decided_at=datetime.datetime(2024, 9, 18, tzinfo=UTC)
    )
    final.credited.add(called_it)
    remember_redirect("/2024/01/rates/", "/posts/rates-stay-low/")
    rates = Series.objects.create(title="Rates", slug="rates", description="The *Fed* series.")
    SeriesPart.objects.create(series=rates, post=draft, position=1)
    SeriesPart.objects.create(series=rates, post=judged, position=2)
    default_storage.save("uploads/chart.png", ContentFile(b"\x89PNG not really"))
    judged.cover_image = default_storage.save("covers/rates.png", ContentFile(b"\x89PNG cover"))
    judged.cover_alt = "A chart of rates."
    judged.save()
    return judged


def read_tree(directory):
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def empty_the_database():
    Counterpoint.objects.all().delete()
    Post.objects.all().delete()
    Tag.objects.all().delete()
    Redirect.objects.all().delete()
    Series.objects.all().delete()
    default_storage.delete("uploads/chart.png")
    default_storage.delete("covers/rates.png")
    assert not Hindsight.objects.exists()


def test_export_import_export_is_byte_identical(site, tmp_path):
    run("export_site", tmp_path / "first", "--include-private")
    empty_the_database()

    _, err, error = run("import_posts", tmp_path / "first")
    assert error is None, err
    run("export_site", tmp_path / "second", "--include-private")

    first, second = read_tree(tmp_path / "first"), read_tree(tmp_path / "second")
    assert sorted(first) == [
        "counterpoints.jsonl",
        "media/covers/rates.png",
        "media/uploads/chart.png",
        "posts/draft-one.md",
        "posts/rates-stay-low.md",
        "redirects.jsonl",
        "series.jsonl",
        "tags.jsonl",
    ]
    assert first == second


def test_the_round_trip_restores_history_credits_and_statuses(site, tmp_path, client):
    run("export_site", tmp_path / "export", "--include-private")
    empty_the_database()

    run("import_posts", tmp_path / "export")

    post = Post.objects.get(slug="rates-stay-low")
    assert [h.get_verdict_display() for h in post.hindsights.order_by("decided_at")] == [
        "still open",
        "wrong",
    ]
    assert post.current_verdict == Verdict.WRONG
    credited = post.hindsights.get(verdict=Verdict.WRONG).credited.get()
    assert credited.author_email == "reader@example.com"
    assert credited.response == Counterpoint.AuthorResponse.CONCEDED
    assert Counterpoint.objects.get(status="rejected").rejection_reason == "advertising"
    assert Post.objects.get(slug="draft-one").status == Post.Status.DRAFT
    assert not Post.objects.get(slug="draft-one").counterpoints_open
    assert post.check_back_by == datetime.date(2025, 6, 30)
    assert client.get("/2024/01/rates/")["Location"] == "/posts/rates-stay-low/"
    assert default_storage.open("uploads/chart.png").read() == b"\x89PNG not really"
    assert post.cover_image.name == "covers/rates.png"
    assert post.cover_image.read() == b"\x89PNG cover"
    assert post.cover_alt == "A chart of rates."
    series = Series.objects.get(slug="rates")
    assert series.description_html == "<p>The <em>Fed</em> series.</p>\n"
    assert [part.post.slug for part in series.parts.order_by("position")] == ["draft-one", "rates-stay-low"]


def test_posts_are_written_as_seed_files_the_loader_reads(site, tmp_path):
    run("export_site", tmp_path / "export")

    text = (tmp_path / "export" / "posts" / "rates-stay-low.md").read_text()
    assert text.startswith('+++\ntitle = "Rates stay low"\nslug = "rates-stay-low"\n')
    assert "date = 2024-01-02T03:04:05.678901Z\n" in text
    assert '[[hindsight]]\nverdict = "wrong"\ndecided = 2024-09-18T00:00:00Z\nnote = "They cut."' in text
    _, err, error = run("load_seeds", tmp_path / "export" / "posts", "--dry-run")
    assert error is None, err


def test_email_addresses_and_private_notes_stay_out_unless_asked(site, tmp_path):
    run("export_site", tmp_path / "public")
    run("export_site", tmp_path / "private", "--include-private")

    public = (tmp_path / "public" / "counterpoints.jsonl").read_text()
    assert "reader@example.com" not in public
    assert "Regular reader." not in public
    rows = [
        json.loads(line) for line in (tmp_path / "private" / "counterpoints.jsonl").read_text().splitlines()
    ]
    assert {row["author_email"] for row in rows} == {"reader@example.com", ""}
    credited = next(row for row in rows if row["credited_in"])
    assert credited["credited_in"] == ["2024-09-18T00:00:00Z"]
    assert credited["quote"] == "Inflation is flat."


def test_importing_an_export_again_adds_nothing(site, tmp_path):
    run("export_site", tmp_path / "export")
    run("import_posts", tmp_path / "export")
    counts = (Post.objects.count(), Counterpoint.objects.count(), Hindsight.objects.count())

    out, _, error = run("import_posts", tmp_path / "export")

    assert error is None
    assert (Post.objects.count(), Counterpoint.objects.count(), Hindsight.objects.count()) == counts
    assert "0 created, 0 updated" in out


def test_export_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")

    _, _, error = run("export_site", tmp_path)

    assert "not an empty folder" in str(error)
