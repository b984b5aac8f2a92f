"""
The one writer of imports: ``save_item`` turns an ``Item`` from any
importer into a post, its tags and verdicts (through the seed loader's
``upsert_seed``), its approved counterpoints and the redirects from its old
addresses. Idempotent: an item is matched by its source id, then by slug,
and only what changed is written.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from blog.models import Post
from blog.seeds import upsert_seed
from counterpoints.models import Counterpoint, Stance, body_fingerprint
from redirects.models import Redirect
from redirects.services import remember_redirect

from .models import ImportedItem

# A comment carries no stance; "extends" claims the least about it.
COMMENT_STANCE = Stance.EXTEND


@transaction.atomic
def save_item(item, *, default_author=None):
    """
    Create or update the post for ``item``; returns a dict with ``outcome``
    ("created", "updated" or "unchanged"), ``counterpoints`` and
    ``redirects`` (how many were added).
    """
    seed = item.seed
    known = ImportedItem.objects.filter(source_id=item.source_id).select_related("post").first()
    if known is not None:
        # Renamed here since the last import: keep the new slug, update that post.
        seed.slug = known.post.slug
    outcome = upsert_seed(seed)
    post = Post.objects.get(slug=seed.slug)
    if known is None:
        ImportedItem.objects.update_or_create(source_id=item.source_id, defaults={"post": post})

    author = _author(item.author) or default_author
    if post.author_id is None and author is not None:
        post.author = author
        post.save(update_fields=["author"])
        outcome = "updated" if outcome == "unchanged" else outcome

    added = add_counterpoints(post, item.comments)
    redirects = add_redirects(post, item.old_paths)
    if outcome == "unchanged" and (added or redirects):
        outcome = "updated"
    return {"outcome": outcome, "counterpoints": added, "redirects": redirects}


def _author(username):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


def add_counterpoints(post, comments):
    """
    Counterpoints from ``comments`` that the post does not have yet (the
    same text on the same post is the same counterpoint), with their dates
    kept; approved ones are public at once, as they were on the old site.
    """
    seen = set(Counterpoint.objects.filter(post=post).values_list("body_hash", flat=True))
    added = 0
    for comment in comments:
        fingerprint = body_fingerprint(comment.body)
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        status = Counterpoint.Status.APPROVED if comment.approved else Counterpoint.Status.PENDING
        Counterpoint.objects.create(
            post=post,
            stance=COMMENT_STANCE,
            author_name=comment.author_name,
            author_email=comment.author_email,
            author_website=comment.author_website,
            body=comment.body,
            status=status,
            submitted_at=comment.submitted_at,
            reviewed_at=comment.submitted_at if comment.approved else None,
        )
        added += 1
    return added


def add_redirects(post, old_paths):
    """Make each old address answer 301 to the post; returns how many were new or changed."""
    new_path = post.get_absolute_url()
    current = dict(Redirect.objects.filter(old_path__in=old_paths).values_list("old_path", "new_path"))
    changed = 0
    for old_path in old_paths:
        old_path = old_path[:500]
        if old_path != new_path and current.get(old_path) != new_path:
            remember_redirect(old_path, new_path)
            changed += 1
    return changed
