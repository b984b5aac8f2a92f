"""
Fill an empty, migrated database with a generated site for the benchmark.

    DATABASE_URL=sqlite:///var/bench/large.sqlite3 python -m bench.generate --posts 10000

Rows go in with ``bulk_create``; what ``save()`` would derive (rendered
HTML, word counts, fingerprints) is computed by the models' own methods,
once per distinct text, and copied. Every run with the same arguments makes
the same site (a fixed random seed).

Shape per post, the same at every size so pages compare fairly: five tags
(from a pool with a few popular ones), ten counterpoints (six approved, two
pending, one rejected, one spam), three claims (issue 16: 30,000 for
10,000 posts, stated confidences spread over 50–95%, 40% of them judged);
5% of posts are drafts, 30% of the published ones carry a verdict and a
tenth of those a revised one.
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
CLAIMS_PER_POST = 3
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


def generate(*, posts, seed=20250128, stdout=sys.stdout):
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone
    from taggit.models import Tag

    from blog.models import Hindsight, Post, TaggedPost, Verdict, refresh_current_verdicts
    from blog.search import update_search_documents
    from claims.models import Claim, ClaimVerdict, Outcome
    from claims.models import refresh_current_verdicts as refresh_claim_verdicts
    from core.markup import render_post_markdown
    from counterpoints.models import Counterpoint

    rng = random.Random(seed)
    started = time.perf_counter()
    if Post.objects.exists():
        raise SystemExit("The benchmark database already has posts: give generate an empty one.")

    # Distinct texts, rendered once each by the models' own code.
    bodies = []
    for n in range(DISTINCT_BODIES):
        rendered = Post(body=markdown_body(rng, n))
        rendered.render()
        bodies.append(rendered)
    notes = []
    for verdict in Verdict.values:
        note = f"In hindsight: {paragraph(rng, 30)} *{verdict}*."
        notes.append((verdict, note, render_post_markdown(note)))
    counterpoint_texts = []
    for n in range(DISTINCT_COUNTERPOINTS):
        rendered = Counterpoint(
            body=f"{paragraph(rng, rng.randint(20, 80))} **Point {n}**, see <https://example.com/{n}>."
        )
        rendered.render()
        counterpoint_texts.append(rendered)

    now = timezone.now()
    with transaction.atomic():
        author = get_user_model().objects.create_user("bench-author", password=None, first_name="Bench")
        tags = Tag.objects.bulk_create(
            [
                Tag(name=f"{TOPICS[i % len(TOPICS)]}-{i}", slug=f"{TOPICS[i % len(TOPICS)]}-{i}")
                for i in range(TAG_POOL)
            ]
        )
        # A few popular tags, a long tail: weight 1/rank.
        tag_weights = [1 / (rank + 1) for rank in range(TAG_POOL)]

        post_rows = []
        for n in range(posts):
            body = bodies[n % DISTINCT_BODIES]
            draft = rng.random() < 0.05
            post_rows.append(
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
        post_rows = Post.objects.bulk_create(post_rows, batch_size=1000)

        tagged = []
        for post in post_rows:
            chosen = set()
            while len(chosen) < TAGS_PER_POST:
                chosen.add(rng.choices(range(TAG_POOL), weights=tag_weights)[0])
            tagged += [TaggedPost(content_object_id=post.pk, tag_id=tags[i].pk) for i in sorted(chosen)]
        TaggedPost.objects.bulk_create(tagged, batch_size=5000)

        verdicts = []
        for post in post_rows:
            if post.status != Post.Status.PUBLISHED or rng.random() >= 0.30:
                continue
            decided = post.published_at + timedelta(days=rng.randint(30, 300))
            if rng.random() < 0.10:
                verdicts.append(_verdict(post, notes[-1], decided - timedelta(days=20)))
            verdicts.append(_verdict(post, rng.choice(notes), decided))
        Hindsight.objects.bulk_create(verdicts, batch_size=2000)

        counterpoints = []
        for post in post_rows:
            statuses = STATUS_MIX[:]
            rng.shuffle(statuses)
            texts = rng.sample(counterpoint_texts, COUNTERPOINTS_PER_POST)
            for i, (status, text) in enumerate(zip(statuses, texts, strict=True)):
                counterpoints.append(
                    Counterpoint(
                        post_id=post.pk,
                        stance=rng.choice(Counterpoint.Stance.values),
                        author_name=f"Reader {rng.randint(1, 5000)}",
                        body=text.body,
                        body_html=text.body_html,
                        body_hash=text.body_hash,
                        status=status,
                        submitted_at=post.published_at + timedelta(hours=i + 1),
                        reviewed_at=None if status == "pending" else post.published_at + timedelta(days=1),
                        reviewed_by=None if status == "pending" else author,
                        ip_address="127.0.0.1",
                    )
                )
        Counterpoint.objects.bulk_create(counterpoints, batch_size=5000)

        claims = []
        for post in post_rows:
            for i in range(CLAIMS_PER_POST):
                claims.append(
                    Claim(
                        post_id=post.pk,
                        key=f"claim-{i + 1}",
                        text=paragraph(rng, 14),
                        confidence=rng.choice(range(50, 96, 5)),
                        check_back_by=post.check_back_by,
                        order=i,
                        in_body=False,
                    )
                )
        claims = Claim.objects.bulk_create(claims, batch_size=5000)
        outcomes = [Outcome.TRUE] * 5 + [Outcome.FALSE] * 3 + [Outcome.PARTLY, Outcome.VOID]
        claim_verdicts = [
            ClaimVerdict(claim_id=claim.pk, verdict=rng.choice(outcomes), decided_at=now - timedelta(days=1))
            for claim in claims
            if rng.random() < 0.40
        ]
        ClaimVerdict.objects.bulk_create(claim_verdicts, batch_size=5000)
        refresh_claim_verdicts(Claim.objects.all())

        # bulk_create sends no signals: fill what the post_save receivers keep
        # up to date (the stored full-text document on PostgreSQL, each post's
        # current verdict).
        update_search_documents(Post.objects.all())
        refresh_current_verdicts(Post.objects.all())

    print(
        f"{posts} posts, {len(tagged)} tag uses, {len(verdicts)} verdicts, "
        f"{len(counterpoints)} counterpoints, {len(claims)} claims ({len(claim_verdicts)} judged) "
        f"in {time.perf_counter() - started:.1f} s",
        file=stdout,
    )


def _verdict(post, note, decided_at):
    from blog.models import Hindsight

    verdict, text, html = note
    return Hindsight(post_id=post.pk, verdict=verdict, note=text, note_html=html, decided_at=decided_at)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    generate(posts=args.posts)


if __name__ == "__main__":
    main()
