"""Writes on tags that touch several tables: a rename's old addresses, a merge."""

from django.db import transaction
from django.urls import reverse

from core.freshness import refresh_after_commit
from redirects.services import remember_redirect

from .models import TaggedPost

TAG_URL_NAMES = ["blog:tag-detail", "blog:tag-feed", "blog:tag-feed-atom"]


def tag_paths(slug):
    """Every public address of a tag: its page and its two feeds."""
    return [reverse(name, kwargs={"slug": slug}) for name in TAG_URL_NAMES]


def remember_tag_move(old_slug, new_slug):
    """A tag's page and feeds at ``old_slug`` answer 301 to ``new_slug`` from now on."""
    if old_slug == new_slug:
        return
    for old_path, new_path in zip(tag_paths(old_slug), tag_paths(new_slug), strict=True):
        remember_redirect(old_path, new_path)


@transaction.atomic
def merge_tags(*, tags, into):
    """
    Move every post carrying one of ``tags`` onto the tag ``into``, delete
    the merged tags, and leave their addresses answering 301 to ``into``.

    django-taggit's own admin merge only rewrites its generic TaggedItem
    table, which our posts do not use (they go through ``TaggedPost``), so
    it reported success and changed nothing (issue 14). Returns the number
    of posts moved.
    """
    sources = [tag for tag in tags if tag.pk != into.pk]
    if not sources:
        return 0
    carrying = set(
        TaggedPost.objects.filter(tag__in=sources).values_list("content_object_id", flat=True).distinct()
    )
    already = set(TaggedPost.objects.filter(tag=into).values_list("content_object_id", flat=True))
    TaggedPost.objects.filter(tag__in=sources).delete()
    TaggedPost.objects.bulk_create(
        [TaggedPost(tag=into, content_object_id=pk) for pk in sorted(carrying - already)]
    )
    for tag in sources:
        remember_tag_move(tag.slug, into.slug)
        tag.delete()
    # bulk_create sends no signals: refresh what the receivers would have.
    refresh_after_commit(post_ids=carrying)
    return len(carrying)
