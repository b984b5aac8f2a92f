"""Verdict history is public and append-only: a revision is a new verdict, never an edit."""

import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from blog.models import Hindsight, Verdict, VerdictHistoryError
from tests.support.admin import post_change_url
from tests.support.factories import make_hindsight, make_post, make_user
from tests.support.forms import form_values
from tests.support.html import one, text, texts

pytestmark = pytest.mark.django_db


def on(day):
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def text_of(html):
    """What a reader reads: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" ,", ",")


def history(html):
    start = html.index('<section class="hindsight-history"')
    return html[start : html.index("</section>", start)]


def judged_post():
    post = make_post(title="A bold call")
    make_hindsight(post, verdict=Verdict.STILL_OPEN, note="Too early to say.", decided_at=on("2025-02-03"))
    make_hindsight(
        post, verdict=Verdict.PARTLY_RIGHT, note="Half of it came true.", decided_at=on("2025-05-20")
    )
    make_hindsight(
        post, verdict=Verdict.NAILED_IT, note="Called it **exactly**.", decided_at=on("2025-09-14")
    )
    return post


# What readers see


def test_banner_is_the_newest_verdict_with_its_note(client):
    post = judged_post()

    shown = one(client.get(post.get_absolute_url()), "aside.hindsight-banner")

    assert shown["id"] == "verdict"
    assert "verdict-nailed_it" in shown["class"]
    assert text(shown, ".hindsight-label").startswith("hindsight — nailed it")
    assert text(shown, ":scope > .hindsight-note") == "Called it exactly."


def test_timeline_runs_oldest_to_newest_with_dates(client):
    post = judged_post()

    timeline = text_of(history(client.get(post.get_absolute_url()).content.decode()))

    assert timeline.startswith("Verdict history")
    steps = [timeline.index(step) for step in ("still open, 3 Feb 2025", "→ partly right, 20 May 2025")]
    steps.append(timeline.index("→ nailed it, 14 Sep 2025 (current verdict, above)"))
    assert steps == sorted(steps)


def test_timeline_shows_each_earlier_note_under_its_verdict(client):
    post = judged_post()

    timeline = text_of(history(client.get(post.get_absolute_url()).content.decode()))

    assert timeline.index("still open, 3 Feb 2025") < timeline.index("Too early to say.")
    assert timeline.index("Too early to say.") < timeline.index("partly right, 20 May 2025")
    assert timeline.index("partly right, 20 May 2025") < timeline.index("Half of it came true.")
    # The current note is the banner's; it is not repeated in the list.
    assert "Called it" not in timeline


def test_a_single_verdict_has_no_timeline(client):
    post = make_post()
    make_hindsight(post, verdict=Verdict.WRONG, note="Missed it.")

    html = client.get(post.get_absolute_url()).content.decode()

    assert text(html, ".hindsight-label").startswith("hindsight — wrong")
    assert "Verdict history" not in html


# Refused edits


def test_saving_a_saved_verdict_raises_and_leaves_it_as_it_was():
    verdict = make_hindsight(make_post(), verdict=Verdict.WRONG, note="Missed it.")

    verdict.verdict = Verdict.NAILED_IT
    verdict.note = "Rewritten"
    with pytest.raises(VerdictHistoryError, match="add a new verdict instead"):
        verdict.save()

    verdict.refresh_from_db()
    assert (verdict.verdict, verdict.note) == (Verdict.WRONG, "Missed it.")


def test_bulk_updates_of_verdicts_are_refused():
    verdict = make_hindsight(make_post(), verdict=Verdict.WRONG)

    with pytest.raises(VerdictHistoryError):
        Hindsight.objects.filter(pk=verdict.pk).update(verdict=Verdict.NAILED_IT)
    verdict.note = "Rewritten"
    with pytest.raises(VerdictHistoryError), transaction.atomic():
        Hindsight.objects.bulk_update([verdict], ["note"])

    verdict.refresh_from_db()
    assert verdict.verdict == Verdict.WRONG
    assert verdict.note != "Rewritten"


def test_a_saved_verdict_does_not_validate_for_editing():
    verdict = make_hindsight(make_post())

    with pytest.raises(ValidationError, match="part of the public history"):
        verdict.full_clean()


def test_post_admin_shows_saved_verdicts_read_only(admin_client):
    post = judged_post()

    html = admin_client.get(post_change_url(post)).content.decode()
    fields = form_values(html, "post_form")

    assert "Too early to say." in texts(html, "div.readonly")
    assert not [name for name in fields if re.fullmatch(r"hindsights-\d+-(verdict|note|decided_at.*)", name)]
    assert "saved ones are final: to revise, add a new verdict" in html


def test_a_forged_admin_post_cannot_change_a_saved_verdict(admin_client, client):
    post = make_post()
    old = make_hindsight(
        post, verdict=Verdict.STILL_OPEN, note="Too early to say.", decided_at=on("2025-02-03")
    )
    data = form_values(admin_client.get(post_change_url(post)).content.decode(), "post_form")
    # What a hand-made request would add to rewrite the row.
    data.update({"hindsights-0-verdict": "nailed_it", "hindsights-0-note": "Knew it all along."})

    response = admin_client.post(post_change_url(post), data)

    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.verdict, old.note) == (Verdict.STILL_OPEN, "Too early to say.")
    assert "Knew it all along" not in client.get(post.get_absolute_url()).content.decode()


def test_revising_a_verdict_in_the_admin_adds_a_new_one_and_keeps_the_old(admin_client, client):
    post = make_post()
    make_hindsight(post, verdict=Verdict.STILL_OPEN, note="Too early to say.", decided_at=on("2025-02-03"))
    data = form_values(admin_client.get(post_change_url(post)).content.decode(), "post_form")
    data.update(
        {
            "hindsights-TOTAL_FORMS": "2",
            "hindsights-1-verdict": "nailed_it",
            "hindsights-1-decided_at_0": "2025-09-14",
            "hindsights-1-decided_at_1": "12:00:00",
            "hindsights-1-note": "It came true.",
        }
    )

    response = admin_client.post(post_change_url(post), data)

    assert response.status_code == 302
    assert list(post.hindsights.values_list("verdict", "note")) == [
        ("nailed_it", "It came true."),
        ("still_open", "Too early to say."),
    ]
    page = client.get(post.get_absolute_url()).content.decode()
    assert text(page, "#verdict .hindsight-label").startswith("hindsight — nailed it")
    assert text_of(history(page)).startswith(
        "Verdict history still open, 3 Feb 2025 Too early to say. → nailed it, 14 Sep 2025 (current verdict"
    )


def test_verdict_admin_opens_a_saved_verdict_read_only_and_refuses_a_change(admin_client):
    verdict = make_hindsight(make_post(), verdict=Verdict.WRONG, note="Missed it.")
    url = reverse("admin:blog_hindsight_change", args=[verdict.pk])

    page = admin_client.get(url).content.decode()
    response = admin_client.post(url, {"post": verdict.post_id, "verdict": "nailed_it", "note": "Rewritten"})

    assert text(page, "h1") == "View hindsight verdict"
    assert "Missed it." in texts(page, "div.readonly")
    assert 'name="note"' not in page
    assert response.status_code == 403
    verdict.refresh_from_db()
    assert (verdict.verdict, verdict.note) == (Verdict.WRONG, "Missed it.")


@pytest.fixture
def editor(client):
    """Staff with every permission on posts and verdicts, but not a superuser."""
    user = make_user(staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="blog"))
    client.force_login(user)
    return user


def test_staff_who_are_not_superusers_cannot_delete_a_verdict(client, editor):
    post = make_post()
    verdict = make_hindsight(post)

    change_page = client.get(post_change_url(post)).content.decode()
    response = client.post(reverse("admin:blog_hindsight_delete", args=[verdict.pk]), {"post": "yes"})

    assert "Add another Hindsight verdict" in change_page  # they may still add one
    assert 'name="hindsights-0-DELETE"' not in change_page
    assert response.status_code == 403
    assert Hindsight.objects.filter(pk=verdict.pk).exists()


def test_a_superuser_can_delete_a_verdict_stamped_on_the_wrong_post(admin_client):
    verdict = make_hindsight(make_post())

    response = admin_client.post(reverse("admin:blog_hindsight_delete", args=[verdict.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Hindsight.objects.filter(pk=verdict.pk).exists()


# The seed loader adds verdicts; it never rewrites one

SEED = """+++
title = "A seeded call"
slug = "a-seeded-call"
date = 2025-01-10T09:00:00Z

[[hindsight]]
verdict = "still open"
decided = 2025-02-03T12:00:00Z
note = "Too early to say."
+++

The body.
"""

REVISED = """note = "Too early to say."

[[hindsight]]
verdict = "nailed it"
decided = 2025-09-14T12:00:00Z
note = "It came true."
+++
"""


def load(path):
    out = StringIO()
    call_command("load_seeds", path, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_seed_loader_leaves_a_saved_verdict_alone_when_its_note_changes(tmp_path):
    (tmp_path / "call.md").write_text(SEED)
    load(tmp_path)
    (tmp_path / "call.md").write_text(SEED.replace("Too early to say.", "Rewritten in the file."))

    out = load(tmp_path)

    assert "0 created, 0 updated, 1 unchanged" in out
    assert list(Hindsight.objects.values_list("note", flat=True)) == ["Too early to say."]


def test_seed_loader_adds_a_new_verdict_to_the_history(tmp_path, client):
    (tmp_path / "call.md").write_text(SEED)
    load(tmp_path)
    (tmp_path / "call.md").write_text(SEED.replace('note = "Too early to say."\n+++\n', REVISED))

    out = load(tmp_path)

    assert "0 created, 1 updated, 0 unchanged" in out
    assert Hindsight.objects.count() == 2
    page = client.get(reverse("blog:post-detail", args=["a-seeded-call"])).content.decode()
    assert text_of(history(page)).startswith(
        "Verdict history still open, 3 Feb 2025 Too early to say. → nailed it, 14 Sep 2025 (current verdict"
    )


def test_deleting_the_newest_verdict_hands_the_banner_back(
    client, admin_client, django_capture_on_commit_callbacks
):
    post = make_post(title="Revised twice")
    make_hindsight(post, verdict=Verdict.STILL_OPEN, decided_at=timezone.now() - timedelta(days=30))
    newest = make_hindsight(post, verdict=Verdict.WRONG)
    assert "verdict-badge verdict-wrong" in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:blog_hindsight_changelist"),
            {"action": "delete_selected", "_selected_action": [newest.pk], "post": "yes"},
        )

    post.refresh_from_db()
    assert post.current_verdict == Verdict.STILL_OPEN
    assert "verdict-badge verdict-still_open" in client.get("/").content.decode()
