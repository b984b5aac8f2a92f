"""What a reader's browser sends to the counterpoint form: ``form_data(post)`` to ``submit_url(post)``."""

import itertools
import time

from django.urls import reverse

from counterpoints.antispam import issue_token
from counterpoints.models import Counterpoint

_numbers = itertools.count(1)


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


def submit_url(post):
    return reverse("counterpoints:submit", kwargs={"slug": post.slug})
