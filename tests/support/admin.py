"""The admin's addresses, the forms an author and a moderator send, and the people who use the admin."""

import importlib

from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, Verdict
from tests.support.factories import make_user
from tests.support.forms import form_values

# The review queue: the counterpoints changelist.
REVIEW_QUEUE = reverse("admin:counterpoints_counterpoint_changelist")


def counterpoint_change_url(counterpoint):
    return reverse("admin:counterpoints_counterpoint_change", args=[counterpoint.pk])


def post_change_url(post):
    return reverse("admin:blog_post_change", args=[post.pk])


def management_forms(admin_client):
    """The inline formsets' management fields and the author the add page offers, as it renders them."""
    fields = form_values(admin_client.get(reverse("admin:blog_post_add")).content.decode(), "post_form")
    return {name: values[0] for name, values in fields.items() if name.endswith("_FORMS") or name == "author"}


def post_form(admin_client, **overrides):
    """What the post add form sends for a published post with tags and a verdict, ``overrides`` changed."""
    now = timezone.now()
    data = {
        **management_forms(admin_client),
        "title": "Written in the admin",
        "slug": "written-in-the-admin",
        "dek": "A subtitle.",
        "body": "## Heading\n\n" + "word " * 300,
        "tags": "AI, Markets",
        "status": Post.Status.PUBLISHED,
        "published_at_0": now.strftime("%Y-%m-%d"),
        "published_at_1": now.strftime("%H:%M:%S"),
        "counterpoints_open": "on",
        "cover_alt": "",
        "hindsights-TOTAL_FORMS": "1",
        "hindsights-0-verdict": Verdict.STILL_OPEN,
        "hindsights-0-decided_at_0": now.strftime("%Y-%m-%d"),
        "hindsights-0-decided_at_1": now.strftime("%H:%M:%S"),
        "hindsights-0-note": "Too early.",
    }
    data.update(overrides)
    return data


def review_form(counterpoint, **overrides):
    """What the counterpoint change form sends back unchanged, with ``overrides`` changed."""
    return {
        "status": counterpoint.status,
        "rejection_reason": counterpoint.rejection_reason,
        "rejection_note": counterpoint.rejection_note,
        "response": counterpoint.response,
        "author_reply": counterpoint.author_reply,
        "moderator_note": counterpoint.moderator_note,
        **overrides,
    }


def make_moderator(**overrides):
    """A staff member in the Moderators group, as the data migration defines the group.

    Tests with transactional_db (browser tests) empty every table between
    tests, data migrations' rows included: the group is made again here by
    the migration's own (idempotent) function.
    """
    migration = importlib.import_module("counterpoints.migrations.0002_moderators_group")
    migration.create_moderators(apps, None)
    moderator = make_user(staff=True, **overrides)
    moderator.groups.add(Group.objects.get(name=migration.GROUP))
    return moderator
