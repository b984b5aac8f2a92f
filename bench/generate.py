"""
Fill an empty, migrated database with a generated site for the benchmark.

    DATABASE_URL=sqlite:///var/bench/large.sqlite3 python -m bench.generate --posts 10000
    DATABASE_URL=sqlite:///var/bench/claims.sqlite3 python -m bench.generate --posts 10000 --claims-per-post 3

Rows go in with ``bulk_create``; what ``save()`` would derive (rendered
HTML, word counts, fingerprints) is computed by the models' own methods,
once per distinct text, and copied. Every run with the same arguments makes
the same site (a fixed random seed).

Shape per post, the same at every size so pages compare fairly: five tags
(from a pool with a few popular ones), ten counterpoints (six approved, two
pending, one rejected, one spam; one approved in twenty with the author's
response); 5% of posts are drafts, 30% of the published ones carry a
verdict and a tenth of those a revised one. With ``--claims-per-post 3``
(the claims site of issue 16: 30,000 claims for 10,000 posts) each post
states claims at confidences spread over 50–95%, ``--judged-share`` of them
judged (half by default).
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta

import django

TAG_POOL = 200
TAGS_PER_POST = 5
COUNTERPOINTS_PER_POST = 10
STATUS_MIX = ["approved"] * 6 + ["pending"] * 2 + ["rejected", "spam"]
DISTINCT_BODIES = 60
DISTINCT_COUNTERPOINTS = 200

WORDS = [
    "model",
    "cost",
    "compute",
    "market",
    "forecast",
    "open",
    "source",
    "weights",
    "training",
    "data",
    "chip",
    "supply",
    "price",
    "benchmark",
    "latency",
    "argument",
    "evidence",
    "claim",
    "number",
    "year",
    "team",
    "policy",
    "regulation",
    "capital",
    "energy",
    "network",
    "demand",
    "revenue",
    "margin",
    "startup",
    "incumbent",
    "platform",
    "standard",
    "protocol",
    "risk",
    "signal",
    "noise",
    "trend",
    "adoption",
    "customer",
    "developer",
    "research",
    "paper",
    "result",
    "method",
    "baseline",
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "that",
    "it",
    "is",
    "for",
    "on",
    "with",
    "as",
    "was",
    "at",
    "by",
    "an",
    "be",
    "this",
    "which",
    "or",
    "from",
    "but",
]
TOPICS = [
    "inference",
    "training",
    "chips",
    "energy",
    "pricing",
    "regulation",
    "hiring",
    "robotics",
    "search",
    "advertising",
    "browsers",
    "databases",
    "compilers",
    "batteries",
    "satellites",
    "vaccines",
    "housing",
    "transit",
    "payments",
    "encryption",
    "identity",
    "storage",
    "networks",
    "sensors",
    "translation",
]
ADJECTIVES = [
    "quiet",
    "loud",
    "slow",
    "fast",
    "cheap",
    "costly",
    "hidden",
    "obvious",
    "stubborn",
    "fragile",
    "durable",
    "strange",
]


def paragraph(rng, words):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def markdown_body(rng, n):
    """A post body of a few hundred to a thousand words, with the usual Markdown."""
    parts = [paragraph(rng, rng.randint(40, 90)) for _ in range(rng.randint(4, 10))]
    parts.insert(2, f"## What {rng.choice(TOPICS)} tells us")
    parts.insert(4, "\n".join(f"- {paragraph(rng, 8)}" for _ in range(4)))
    parts.insert(5, f"> {paragraph(rng, 20)} [The source](https://example.com/source/{n}).")
    return "\n\n".join(parts)


def generate(*, posts, claims_per_post=0, judged_share=0.5, seed=20250128, stdout=sys.stdout):
    """Fill the (empty, migrated) database with ``posts`` posts of the shape above; one transaction."""
    from django.db import transaction

    from blog.models import Post, refresh_current_verdicts
    from blog.search import update_search_documents

    rng = random.Random(seed)
    started = time.perf_counter()
    if Post.objects.exists():
        raise SystemExit("The benchmark database already has posts: give generate an empty one.")
    texts = _texts(rng)
    with transaction.atomic():
        post_rows = _posts(rng, posts, texts)
        counts = {
            "tag uses": _tags(rng, post_rows),
            "verdicts": _verdicts(rng, post_rows, texts),
            "counterpoints": _counterpoints(rng, post_rows, texts),
        }
        counts["claims"], counts["judged claims"] = _claims(rng, post_rows, claims_per_post, judged_share)
        # bulk_create sends no signals: fill what the post_save receivers keep
        # up to date (the stored full-text document on PostgreSQL, each post's
        # current verdict). The track record's tallies are stale from their
        # migration: the first reader builds them.
        update_search_documents(Post.objects.all())
        refresh_current_verdicts(Post.objects.all())
    summary = ", ".join(f"{n} {what}" for what, n in counts.items())
    print(f"{posts} posts, {summary} in {time.perf_counter() - started:.1f} s", file=stdout)


def _texts(rng):
    """Distinct texts, rendered once each by the models' own code: {kind: [...]}."""
    from blog.models import Post, Verdict
    from core.markup import render_post_markdown
    from counterpoints.models import Counterpoint

    bodies = []
    for n in range(DISTINCT_BODIES):
        rendered = Post(body=markdown_body(rng, n))
        rendered.render()
        bodies.append(rendered)
    notes = []
    for verdict in Verdict.values:
        note = f"In hindsight: {paragraph(rng, 30)} *{verdict}*."
        notes.append((verdict, note, render_post_markdown(note)))
    counterpoints = []
    for n in range(DISTINCT_COUNTERPOINTS):
        rendered = Counterpoint(
            body=f"{paragraph(rng, rng.randint(20, 80))} **Point {n}**, see <https://example.com/{n}>."
        )
        rendered.render()
        counterpoints.append(rendered)
    return {"bodies": bodies, "notes": notes, "counterpoints": counterpoints}


def _posts(rng, count, texts):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from blog.models import Post

    now = timezone.now()
    author = get_user_model().objects.create_user("bench-author", password=None, first_name="Bench")
    rows = []
    for n in range(count):
        body = texts["bodies"][n % DISTINCT_BODIES]
        draft = rng.random() < 0.05
        rows.append(
            Post(
                title=f"The {rng.choice(ADJECTIVES)} case for {rng.choice(TOPICS)}, part {n + 1}",
                slug=f"post-{n + 1}",
                dek=paragraph(rng, 12),
                body=body.body,
                body_html=body.body_html,
                excerpt=body.excerpt,
                word_count=body.word_count,
                reading_minutes=body.reading_minutes,
                author=author,
                status=Post.Status.DRAFT if draft else Post.Status.PUBLISHED,
                # Newest first: one post every seven hours, going back.
                published_at=now - timedelta(hours=7 * n + 1),
                check_back_by=(now + timedelta(days=rng.randint(-400, 400))).date(),
            )
        )
    return Post.objects.bulk_create(rows, batch_size=1000)


def _tags(rng, posts):
    from taggit.models import Tag

    from blog.models import TaggedPost

    names = [f"{TOPICS[i % len(TOPICS)]}-{i}" for i in range(TAG_POOL)]
    tags = Tag.objects.bulk_create([Tag(name=name, slug=name) for name in names])
    # A few popular tags, a long tail: weight 1/rank.
    weights = [1 / (rank + 1) for rank in range(TAG_POOL)]
    tagged = []
    for post in posts:
        chosen = set()
        while len(chosen) < TAGS_PER_POST:
            chosen.add(rng.choices(range(TAG_POOL), weights=weights)[0])
        tagged += [TaggedPost(content_object_id=post.pk, tag_id=tags[i].pk) for i in sorted(chosen)]
    return len(TaggedPost.objects.bulk_create(tagged, batch_size=5000))


def _verdicts(rng, posts, texts):
    from blog.models import Hindsight, Post

    verdicts = []
    for post in posts:
        if post.status != Post.Status.PUBLISHED or rng.random() >= 0.30:
            continue
        decided = post.published_at + timedelta(days=rng.randint(30, 300))
        if rng.random() < 0.10:
            verdicts.append(_verdict(post, texts["notes"][-1], decided - timedelta(days=20)))
        verdicts.append(_verdict(post, rng.choice(texts["notes"]), decided))
    return len(Hindsight.objects.bulk_create(verdicts, batch_size=2000))


def _counterpoints(rng, posts, texts):
    """Ten per post (STATUS_MIX); one approved counterpoint in twenty has the author's response."""
    from counterpoints.models import Counterpoint

    rows = []
    for post in posts:
        statuses = STATUS_MIX[:]
        rng.shuffle(statuses)
        chosen = rng.sample(texts["counterpoints"], COUNTERPOINTS_PER_POST)
        for i, (status, text) in enumerate(zip(statuses, chosen, strict=True)):
            reviewed = status != "pending"
            responded = status == "approved" and rng.random() < 0.05
            rows.append(
                Counterpoint(
                    post_id=post.pk,
                    stance=rng.choice(Counterpoint.Stance.values),
                    author_name=f"Reader {rng.randint(1, 5000)}",
                    body=text.body,
                    body_html=text.body_html,
                    body_hash=text.body_hash,
                    status=status,
                    response=rng.choice(Counterpoint.AuthorResponse.values) if responded else "",
                    submitted_at=post.published_at + timedelta(hours=i + 1),
                    reviewed_at=post.published_at + timedelta(days=1) if reviewed else None,
                    reviewed_by=post.author if reviewed else None,
                    ip_address="127.0.0.1",
                )
            )
    return len(Counterpoint.objects.bulk_create(rows, batch_size=5000))


def _claims(rng, posts, per_post, judged_share):
    """``per_post`` claims per post (confidences 50–95%), ``judged_share`` of them judged."""
    from django.utils import timezone

    from claims.models import Claim, ClaimVerdict, Outcome
    from claims.models import refresh_current_verdicts as refresh_claim_verdicts

    rows = [
        Claim(
            post_id=post.pk,
            key=f"claim-{i + 1}",
            text=paragraph(rng, 14),
            confidence=rng.choice(range(50, 96, 5)),
            check_back_by=post.check_back_by,
            order=i,
            in_body=False,
        )
        for post in posts
        for i in range(per_post)
    ]
    claims = Claim.objects.bulk_create(rows, batch_size=5000)
    outcomes = [Outcome.TRUE] * 5 + [Outcome.FALSE] * 3 + [Outcome.PARTLY, Outcome.VOID]
    decided = timezone.now() - timedelta(days=1)
    verdicts = [
        ClaimVerdict(claim_id=claim.pk, verdict=rng.choice(outcomes), decided_at=decided)
        for claim in claims
        if rng.random() < judged_share
    ]
    ClaimVerdict.objects.bulk_create(verdicts, batch_size=5000)
    refresh_claim_verdicts(Claim.objects.all())
    return len(claims), len(verdicts)


def _verdict(post, note, decided_at):
    from blog.models import Hindsight

    verdict, text, html = note
    return Hindsight(post_id=post.pk, verdict=verdict, note=text, note_html=html, decided_at=decided_at)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--claims-per-post", type=int, default=0, help="claims in each post (issue 16)")
    parser.add_argument("--judged-share", type=float, default=0.5, help="the share of claims with a verdict")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    generate(posts=args.posts, claims_per_post=args.claims_per_post, judged_share=args.judged_share)


if __name__ == "__main__":
    main()
