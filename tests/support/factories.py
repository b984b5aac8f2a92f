"""Plain helpers that make rows for tests: ``make_post(**overrides)``, ``make_counterpoint(post)``."""

import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from blog.models import Hindsight, Post, Verdict
from counterpoints.models import Counterpoint

_numbers = itertools.count(1)


def make_user(*, staff=False, superuser=False, **overrides):
    n = next(_numbers)
    fields = {"username": f"user{n}", "email": f"user{n}@example.com", **overrides}
    password = fields.pop("password", "correct horse battery staple")
    return get_user_model().objects.create_user(
        password=password, is_staff=staff or superuser, is_superuser=superuser, **fields
    )


AUTHOR_PERMISSIONS = ["add_post", "change_post", "view_post", "add_hindsight", "view_hindsight"]


def make_author(**overrides):
    """A staff member who may write posts and add verdicts (and nothing else)."""
    author = make_user(staff=True, **overrides)
    author.user_permissions.set(
        Permission.objects.filter(content_type__app_label="blog", codename__in=AUTHOR_PERMISSIONS)
    )
    return author


def make_post(*, tags=(), verdict=None, **overrides):
    n = next(_numbers)
    fields = {
        "title": f"Post number {n}",
        "slug": f"post-{n}",
        "dek": f"The dek of post {n}.",
        "body": f"The body of post {n}, in *Markdown*.",
        "status": Post.Status.PUBLISHED,
        # To the second, as the admin saves dates.
        "published_at": (timezone.now() - timedelta(days=1, minutes=n)).replace(microsecond=0),
        **overrides,
    }
    post = Post.objects.create(**fields)
    if tags:
        post.tags.set(list(tags))
    if verdict:
        make_hindsight(post, verdict=verdict)
    return post


def make_hindsight(post, *, verdict=Verdict.NAILED_IT, **overrides):
    fields = {"note": f"Judged: {Verdict(verdict).label}.", "decided_at": timezone.now(), **overrides}
    return Hindsight.objects.create(post=post, verdict=verdict, **fields)


def make_counterpoint(post, *, status=Counterpoint.Status.APPROVED, **overrides):
    n = next(_numbers)
    fields = {
        "stance": Counterpoint.Stance.PUSH_BACK,
        "author_name": f"Reader {n}",
        "body": f"Counterpoint number {n}: the argument does not hold.",
        "status": status,
        "submitted_at": timezone.now() - timedelta(hours=1, minutes=n),
        **overrides,
    }
    return Counterpoint.objects.create(post=post, **fields)
