"""The seed posts carry claims in their front matter, so a fresh site shows a calibration record."""

from io import StringIO

import pytest
from django.core.management import call_command

from blog.models import Post
from blog.seeds import SeedError, parse_seed
from claims.models import Claim, ClaimVerdict

pytestmark = pytest.mark.django_db


def load():
    out = StringIO()
    call_command("load_seeds", stdout=out)
    return out.getvalue()


def test_seed_claims_and_verdicts_load_once(client):
    load()
    assert Claim.objects.count() == 13
    assert Claim.objects.resolved().count() == 12
    verdicts = ClaimVerdict.objects.count()
    load()
    assert (Claim.objects.count(), ClaimVerdict.objects.count()) == (13, verdicts)


def test_a_fresh_site_shows_a_populated_calibration_record(client):
    load()
    page = client.get("/hindsight/").content.decode()
    # Hand-computed from the seed files: squared gaps sum to 1.1625 over 12 claims;
    # 10 true or false claims score 0.25 each against the coin, partly true ones 0.
    assert "Brier score 0.097</strong> over 12 resolved claims" in page
    assert "always saying 50% would score 0.208" in page
    assert "too few to judge" not in page


def test_seed_claims_leave_the_words_alone_and_show_under_the_banner(client):
    load()
    post = Post.objects.get(slug="the-5-5-million-number-is-wrong-and-it-doesnt-matter")
    assert post.word_count == 355
    assert 'class="claim' not in post.body_html
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Claims in this post" in page
    assert "3 claims: 2 true, 1 partly true." in page
    # Editing the body keeps front-matter claims.
    post.body += "\nOne more line.\n"
    post.save()
    assert post.claims.filter(withdrawn=False).count() == 3


@pytest.mark.parametrize(
    ("claims", "problem"),
    [
        (
            '[[claims]]\nid = "x"\nconfidence = 100\ntext = "Sure."',
            "confidence must be a whole number from 1 to 99",
        ),
        ('[[claims]]\nid = "Bad Id"\nconfidence = 60\ntext = "Hm."', "id must be a unique slug"),
        ('[[claims]]\nid = "x"\nconfidence = 60\ntext = ""', "text must be a non-empty string"),
        (
            '[[claims]]\nid = "x"\nconfidence = 60\ntext = "Hm."\n[[claims.verdicts]]\nverdict = "maybe"',
            'unknown claim verdict "maybe"',
        ),
    ],
)
def test_malformed_seed_claims_are_named(claims, problem):
    with pytest.raises(SeedError, match=problem):
        parse_seed(f'+++\ntitle = "T"\ndate = 2025-01-01\n{claims}\n+++\n\nBody.\n')
