"""export_site: everything out in open formats, and back in, byte for byte."""

import datetime
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from taggit.models import Tag

from blog.models import Hindsight, Post, Series, SeriesPart, Verdict
from claims.markup import ParsedClaim
from claims.models import ClaimVerdict, Forecast, Outcome
from claims.seeds import SeedClaim, load_seed_claims
from counterpoints.models import Counterpoint
from redirects.models import Redirect
from redirects.services import remember_redirect
from tests.claims.factories import body_with_claims, claim_block, judge
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
    claims_post()
    default_storage.save("uploads/chart.png", ContentFile(b"\x89PNG not really"))
    judged.cover_image = default_storage.save("covers/rates.png", ContentFile(b"\x89PNG cover"))
    judged.cover_alt = "A chart of rates."
    judged.save()
    return judged


def claims_post():
    """
    Claims with a verdict history: one with an id, one whose wording was
    polished after it got its id, one withdrawn after it was judged, and
    one stated in the front matter (claims/seeds.py).
    """
    jobs = claim_block("Unemployment rises.", 70, by="2025-06-30", key="jobs")
    post = make_post(
        slug="growth-slows",
        title="Growth slows",
        body=body_with_claims(
            jobs, claim_block("Prices rise slowly.", 60), claim_block("A claim to drop.", 55)
        ),
        published_at=datetime.datetime(2024, 2, 1, tzinfo=UTC),
    )
    jobs, prices, dropped = post.claims.order_by("order")
    doubter = counterpoint(
        post,
        "Hiring stays strong: I give it three in ten.",
        status=Counterpoint.Status.APPROVED,
        author_email="doubter@example.com",
        joins_record=True,
        record_name="The Doubter",
    )
    Forecast.objects.create(counterpoint=doubter, claim=jobs, probability=30)
    judge(jobs, Outcome.OPEN, decided_at=datetime.datetime(2024, 7, 1, tzinfo=UTC), note="Not yet.")
    judge(jobs, Outcome.TRUE, decided_at=datetime.datetime(2024, 12, 1, tzinfo=UTC), note="It rose.\nTwice.")
    judge(prices, Outcome.PARTLY, decided_at=datetime.datetime(2024, 10, 1, 9, 30, tzinfo=UTC))
    judge(dropped, Outcome.FALSE, decided_at=datetime.datetime(2024, 8, 1, tzinfo=UTC), note="No.")
    post.body = body_with_claims(
        claim_block("Unemployment rises.", 70, by="2025-06-30", key="jobs"),
        claim_block("Prices rise slowly, then faster.", 60),
    )
    post.save()
    load_seed_claims(
        post,
        [
            SeedClaim(
                ParsedClaim(0, 80, None, "rates-cut", "Rates are cut twice."),
                [(Outcome.TRUE, datetime.datetime(2024, 12, 20, tzinfo=UTC), "Twice.")],
            )
        ],
    )
    return post


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
    assert not ClaimVerdict.objects.exists()


def test_export_import_export_is_byte_identical(site, tmp_path):
    run("export_site", tmp_path / "first", "--include-private")
    empty_the_database()

    _, err, error = run("import_posts", tmp_path / "first")
    assert error is None, err
    run("export_site", tmp_path / "second", "--include-private")

    first, second = read_tree(tmp_path / "first"), read_tree(tmp_path / "second")
    assert sorted(first) == [
        "claims.jsonl",
        "counterpoints.jsonl",
        "media/covers/rates.png",
        "media/uploads/chart.png",
        "posts/draft-one.md",
        "posts/growth-slows.md",
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


def claim_history(post):
    return [
        (
            claim.key,
            claim.text,
            claim.in_body,
            claim.withdrawn,
            claim.current_verdict,
            [(v.verdict, v.decided_at, v.note) for v in claim.verdicts.order_by("decided_at")],
        )
        for claim in post.claims.order_by("key")
    ]


def test_the_round_trip_restores_claims_ids_and_verdict_history(site, tmp_path, client):
    before = claim_history(Post.objects.get(slug="growth-slows"))
    assert [row[:5] for row in before] == [
        ("a-claim-to-drop", "A claim to drop.", True, True, "false"),
        ("jobs", "Unemployment rises.", True, False, "true"),
        ("prices-rise-slowly", "Prices rise slowly, then faster.", True, False, "partly"),
        ("rates-cut", "Rates are cut twice.", False, False, "true"),
    ]
    run("export_site", tmp_path / "export")
    empty_the_database()

    _, err, error = run("import_posts", tmp_path / "export")

    assert error is None, err
    post = Post.objects.get(slug="growth-slows")
    assert claim_history(post) == before
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'id="claim-prices-rise-slowly"' in page  # the old anchor, not one made from the new words
    assert "partly true" in page


def test_importing_claim_verdicts_again_adds_nothing(site, tmp_path):
    run("export_site", tmp_path / "export")
    before = list(ClaimVerdict.objects.order_by("pk").values_list("pk", "verdict", "decided_at"))

    out, err, error = run("import_posts", tmp_path / "export")

    assert error is None, err
    assert list(ClaimVerdict.objects.order_by("pk").values_list("pk", "verdict", "decided_at")) == before
    assert "claim verdicts" not in out


def test_claims_jsonl_names_each_claim_by_its_post_and_id(site, tmp_path):
    run("export_site", tmp_path / "export")
    rows = [json.loads(line) for line in (tmp_path / "export" / "claims.jsonl").read_text().splitlines()]
    assert [(row["post"], row["id"], row["withdrawn"]) for row in rows] == [
        ("growth-slows", "a-claim-to-drop", True),
        ("growth-slows", "jobs", False),
        ("growth-slows", "prices-rise-slowly", False),
    ]
    assert rows[1]["verdicts"] == [
        {"verdict": "open", "decided": "2024-07-01T00:00:00Z", "note": "Not yet."},
        {"verdict": "true", "decided": "2024-12-01T00:00:00Z", "note": "It rose.\nTwice."},
    ]
    text = (tmp_path / "export" / "posts" / "growth-slows.md").read_text()
    assert '[[claims]]\nid = "rates-cut"\nconfidence = 80\ntext = "Rates are cut twice."\n' in text
    assert '[[claims.verdicts]]\nverdict = "true"\ndecided = 2024-12-20T00:00:00Z\nnote = "Twice."' in text


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
    # Joining the readers' record needs the address: it stays out with it.
    assert "The Doubter" not in public and "joins_record" not in public
    rows = [
        json.loads(line) for line in (tmp_path / "private" / "counterpoints.jsonl").read_text().splitlines()
    ]
    assert {row["author_email"] for row in rows} == {"reader@example.com", "doubter@example.com", ""}
    doubter = next(row for row in rows if row["author_email"] == "doubter@example.com")
    assert (doubter["joins_record"], doubter["record_name"]) == (True, "The Doubter")
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


def test_broken_claim_lines_are_named_and_the_rest_is_imported(site, tmp_path):
    run("export_site", tmp_path / "export")
    empty_the_database()
    claims = tmp_path / "export" / "claims.jsonl"
    broken = [
        ["not", "a", "claim"],
        {"post": "growth-slows", "id": "jobs", "verdicts": [{"verdict": "maybe", "decided": "2024-01-01Z"}]},
        {"post": "no-such-post", "id": "x", "verdicts": []},
        {"post": "growth-slows", "id": "jobs", "withdrawn": True, "text": "Taken id.", "confidence": 50},
        {"post": "growth-slows", "id": "new-one", "withdrawn": True, "text": "Sure.", "confidence": 100},
    ]
    with claims.open("a") as file:
        file.writelines(json.dumps(row) + "\n" for row in broken)

    _, err, error = run("import_posts", tmp_path / "export")

    assert "item(s) not imported" in str(error)
    assert "claims.jsonl line 4: not a claim" in err
    assert "claims.jsonl line 5: each verdict needs one of true, false, partly, open, void" in err
    assert "claims.jsonl line 6: no post 'no-such-post'" in err
    assert "claims.jsonl line 7: another claim of 'growth-slows' has the id 'jobs'" in err
    assert "claims.jsonl line 8: confidence must be a whole number from 1 to 99" in err
    post = Post.objects.get(slug="growth-slows")
    assert post.claims.get(key="jobs").verdicts.count() == 2
    assert post.claims.count() == 4


def test_the_round_trip_restores_readers_forecasts_on_the_claims_they_answer(site, tmp_path, client):
    run("export_site", tmp_path / "export", "--include-private")
    rows = [
        json.loads(line) for line in (tmp_path / "export" / "counterpoints.jsonl").read_text().splitlines()
    ]
    assert [row["forecast"] for row in rows if row["forecast"]] == [{"claim": "jobs", "probability": 30}]
    empty_the_database()

    run("import_posts", tmp_path / "export")

    forecast = Forecast.objects.select_related("claim", "counterpoint").get()
    assert (forecast.claim.key, forecast.claim.text, forecast.probability) == (
        "jobs",
        "Unemployment rises.",
        30,
    )
    assert forecast.counterpoint.body == "Hiring stays strong: I give it three in ten."
    assert (forecast.counterpoint.joins_record, forecast.counterpoint.record_name) == (True, "The Doubter")
    page = client.get("/posts/growth-slows/").content.decode()
    assert "Hiring stays strong" in page and "30%" in page


def test_a_public_export_brings_the_forecast_back_but_not_the_wish_to_be_listed(site, tmp_path):
    run("export_site", tmp_path / "export")
    empty_the_database()

    run("import_posts", tmp_path / "export")

    forecast = Forecast.objects.select_related("counterpoint").get()
    assert forecast.probability == 30
    assert (forecast.counterpoint.author_email, forecast.counterpoint.joins_record) == ("", False)


@pytest.mark.parametrize(
    ("forecast", "problem"),
    [
        (
            {"claim": "no-such-claim", "probability": 30},
            "its forecast answers no claim 'no-such-claim' of its post",
        ),
        ({"claim": "jobs", "probability": 130}, "its forecast's probability is not a whole percent from"),
        ({"claim": "jobs", "probability": "30"}, "its forecast's probability is not a whole percent from"),
        ("jobs at 30%", "its forecast is not a claim and a probability"),
    ],
)
def test_a_broken_forecast_is_named_and_its_counterpoint_still_imported(site, tmp_path, forecast, problem):
    run("export_site", tmp_path / "export")
    path = tmp_path / "export" / "counterpoints.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    number = next(n for n, row in enumerate(rows, start=1) if row["forecast"])
    rows[number - 1]["forecast"] = forecast
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    empty_the_database()

    out, err, error = run("import_posts", tmp_path / "export")

    assert f"counterpoints.jsonl line {number}: {problem}" in out + err + str(error or "")
    assert Counterpoint.objects.filter(body="Hiring stays strong: I give it three in ten.").exists()
    assert not Forecast.objects.exists()
