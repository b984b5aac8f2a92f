"""Helpers for counterpoint tests: ``make_counterpoint(post, **overrides)``, ``form_data(post)``."""

import itertools
import time
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from counterpoints.antispam import issue_token
from counterpoints.models import Counterpoint

_numbers = itertools.count(1)


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


def form_data(post, *, seconds_ago=60, **overrides):
    """What a reader's browser sends: valid, with a token issued ``seconds_ago``."""
    n = next(_numbers)
    return {
        "stance": Counterpoint.Stance.SHARPEN,
        "author_name": "Ada Reader",
        "author_email": "ada@example.com",
        "author_website": "https://ada.example.com/",
        "quote": "",
        "body": f"The claim needs a number attached to it, or it says nothing ({n}).",
        "subject": "",
        "issued": issue_token(post, issued_at=time.time() - seconds_ago),
        **overrides,
    }


def counterpoints_section(html):
    """Just the counterpoints section of a rendered post page."""
    start = html.index('<section class="counterpoints" id="counterpoints"')
    return html[start : html.index("</section>", start)]


def submit_url(post):
    return reverse("counterpoints:submit", kwargs={"slug": post.slug})
