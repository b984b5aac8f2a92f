"""
The site in German (issue 15): with ``LANGUAGE_CODE = "de"`` what a reader,
a submitter and a moderator read from our Python code (form labels and
errors, the thank-you, the mails, the admin's labels, choices and
messages) is German; with the default setting it is the English it always
was. The catalogs themselves are checked too: complete, and compiled from
what is committed.
"""

import ast
import gettext
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from blog.models import Post, Verdict
from counterpoints import notifications
from counterpoints.models import Counterpoint, OutboxMail
from tests.blog.test_admin import post_form
from tests.support.admin import REVIEW_QUEUE, post_change_url
from tests.support.factories import make_counterpoint, make_post
from tests.support.html import field_value, one, parse, text, texts
from tests.support.submissions import form_data, submit_url

pytestmark = pytest.mark.django_db

Status = Counterpoint.Status
SITE = "https://expectedwrong.example"
APPS = ["blog", "claims", "core", "counterpoints", "redirects", "transfer"]


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "expectedwrong"
    settings.MODERATOR_EMAILS = ["mod@example.com"]


@pytest.fixture
def german(settings):
    settings.LANGUAGE_CODE = "de"
    with translation.override("de"):
        yield


def send_outbox():
    """Send what waits in the outbox, as the timer does: ``manage.py send_mail_outbox``."""
    call_command("send_mail_outbox", stdout=StringIO(), stderr=StringIO())


def approve_in_admin(admin_client, *counterpoints, action="approve"):
    return admin_client.post(
        REVIEW_QUEUE + "?status=all",
        {"action": action, "_selected_action": [c.pk for c in counterpoints]},
        follow=True,
    )


# The reader's form


@pytest.mark.usefixtures("german")
def test_a_rejected_form_speaks_german_and_keeps_what_was_typed(client):
    post = make_post()
    data = form_data(
        post,
        author_name="Ada\nModerator: freigegeben",
        quote="Der zitierte <Satz>.",
        body="",
        stance="push_back",
    )

    response = client.post(submit_url(post), data)

    assert response.status_code == 400
    page = parse(response)
    assert text(page, "#id_body_error") == "Schreiben Sie Ihr Gegenargument."
    assert text(page, "#id_author_name_error") == "Bitte geben Sie Ihren Namen in einer Zeile an."
    assert text(page, 'label[for="id_quote"]') == "Zitierte Stelle (freiwillig)"
    assert text(page, 'label[for="id_author_email"]') == "E-Mail (freiwillig, wird nie angezeigt)"
    assert "Widersprechen: Ich halte das für falsch" in texts(page, '[name="stance"] option')
    assert text(page, "#id_body_helptext") == (
        "Markdown: *Betonung*, **fett**, [Links](https://…), Listen und > Zitate. "
        "Keine Bilder oder Überschriften; höchstens 2 Links."
    )
    # Nothing the reader typed is lost.
    assert field_value(page, "quote") == "Der zitierte <Satz>."
    assert field_value(page, "stance") == "push_back"
    assert field_value(page, "author_email") == "ada@example.com"
    assert not Counterpoint.objects.exists()


@pytest.mark.usefixtures("german")
def test_length_errors_give_the_numbers_in_german(client):
    post = make_post()

    response = client.post(submit_url(post), form_data(post, body="Zu kurz"))

    assert text(response, "#id_body_error") == "Bitte schreiben Sie mindestens 10 Zeichen (es sind 7)."


@pytest.mark.usefixtures("german")
def test_the_thank_you_after_sending_is_german(client):
    post = make_post()

    response = client.post(submit_url(post), form_data(post), follow=True)

    thanks = text(response)
    assert "Danke: Ihr Gegenargument wartet auf Prüfung." in thanks
    assert "Bewahren Sie diesen privaten Link auf" in thanks
    assert "Wir schreiben Ihnen, sobald es veröffentlicht ist." in thanks
    token = Counterpoint.objects.get().status_token
    assert one(response, "a.status-link")["href"] == f"{SITE}/counterpoints/status/{token}/"


# The mails


@pytest.mark.usefixtures("german")
def test_the_moderators_mail_is_german(client, mailoutbox, django_capture_on_commit_callbacks):
    post = make_post(title="Die Schnürsenkel-Geschichte")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(post), form_data(post, author_name="Ada", stance="sharpen"))

    send_outbox()

    [mail] = mailoutbox
    assert mail.to == ["mod@example.com"]
    assert mail.subject == "[expectedwrong] Neues Gegenargument zu „Die Schnürsenkel-Geschichte“"
    assert "Ada präzisiert – zu „Die Schnürsenkel-Geschichte“:" in mail.body
    assert "Es wartet auf Prüfung und ist noch nicht öffentlich." in mail.body
    assert "It waits for review" not in mail.body


@pytest.mark.usefixtures("german")
def test_the_submitters_approval_mail_is_german(admin_client, mailoutbox):
    post = make_post(title="Eine kühne Vorhersage")
    counterpoint = make_counterpoint(
        post, status=Status.PENDING, author_name="Ada", author_email="ada@example.com"
    )

    approve_in_admin(admin_client, counterpoint)
    send_outbox()

    [mail] = mailoutbox
    assert mail.to == ["ada@example.com"]
    assert mail.subject == "[expectedwrong] Ihr Gegenargument zu „Eine kühne Vorhersage“ ist veröffentlicht"
    lines = mail.body.splitlines()
    assert lines[0] == "Guten Tag Ada,"
    assert (
        "Ihr Gegenargument zu „Eine kühne Vorhersage“ wurde freigegeben und steht jetzt unter dem Beitrag:"
        in lines
    )
    assert "Wir schreiben Ihnen wieder, wenn der Beitrag im Rückblick ein Urteil erhält." in lines
    assert re.search(r"^Um keine solchen E-Mails mehr zu erhalten: https://\S+$", mail.body, re.M)
    assert f"{SITE}{counterpoint.get_status_url()}" in lines


@pytest.mark.usefixtures("german")
def test_a_rejection_mail_gives_the_reason_in_german(admin_client, mailoutbox):
    counterpoint = make_counterpoint(
        make_post(title="Ein Beitrag"), status=Status.PENDING, author_name="Bo", author_email="bo@example.com"
    )

    approve_in_admin(admin_client, counterpoint, action="reject_off_topic")
    send_outbox()

    [mail] = mailoutbox
    assert mail.subject == "[expectedwrong] Ihr Gegenargument zu „Ein Beitrag“ wird nicht veröffentlicht"
    assert "Der Grund: am Thema vorbei. Es geht nicht auf das ein, was dieser Beitrag vertritt." in mail.body


@pytest.mark.usefixtures("german")
def test_the_verdict_mail_is_german(mailoutbox, django_capture_on_commit_callbacks):
    from counterpoints.services import mail_verdict_to_readers
    from tests.support.factories import make_hindsight

    post = make_post(title="Eine kühne Vorhersage")
    make_counterpoint(post, author_name="Ada", author_email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        mail_verdict_to_readers(hindsight=make_hindsight(post, verdict=Verdict.NAILED_IT, note=""))

    send_outbox()

    [mail] = mailoutbox
    assert mail.subject == "[expectedwrong] Ein Urteil zu „Eine kühne Vorhersage“: voll getroffen"
    assert (
        "„Eine kühne Vorhersage“, der Beitrag, auf den Sie geantwortet haben, "
        "hat im Rückblick ein Urteil erhalten: voll getroffen." in mail.body
    )
    assert "Ihr Gegenargument:" in mail.body.splitlines()


def test_mail_is_written_in_the_sites_language_whatever_language_is_active(settings):
    """A reader's browser language must not choose the moderators' language."""
    settings.LANGUAGE_CODE = "de"
    counterpoint = make_counterpoint(make_post(title="Titel"), status=Status.PENDING, author_name="Ada")

    with translation.override("en"):
        notifications.mail_moderators(counterpoint=counterpoint)
        assert translation.get_language() == "en"  # and the caller's language is left as it was

    assert OutboxMail.objects.get().subject == "[expectedwrong] Neues Gegenargument zu „Titel“"


@pytest.mark.usefixtures("german")
def test_the_moderators_digest_is_german(settings, mailoutbox):
    settings.MODERATOR_DIGEST = True
    make_counterpoint(
        make_post(title="Titel"), status=Status.PENDING, author_name="Ada", submitted_at=timezone.now()
    )

    call_command("send_moderator_digest", stdout=StringIO())
    send_outbox()

    [mail] = mailoutbox
    assert mail.subject == "[expectedwrong] Gegenargumente: 1 neu, 1 wartend"
    assert mail.body.startswith("Gegenargumente, die auf Prüfung warten: 1\n")
    assert "Ada widerspricht – zu „Titel“ (wartet):" in mail.body


# The admin, in German as a whole


@pytest.mark.usefixtures("german")
def test_the_verdict_choices_are_german_in_the_admin(admin_client):
    response = admin_client.get(post_change_url(make_post()))

    assert response.status_code == 200
    page = parse(response)
    assert page.html["lang"] == "de"
    assert one(page, 'input[name="_save"]')["value"] == "Sichern"  # Django's own admin, in German
    choices = texts(page, 'select[name="hindsights-__prefix__-verdict"] option')
    assert choices == ["---------", "voll getroffen", "teilweise richtig", "falsch", "noch offen"]
    assert "Urteile im Rückblick (gespeicherte sind endgültig" in text(page)


@pytest.mark.usefixtures("german")
def test_the_review_queue_speaks_german(admin_client):
    make_counterpoint(make_post(), status=Status.PENDING)

    page = parse(admin_client.get(REVIEW_QUEUE))

    actions = texts(page, 'select[name="action"] option')
    assert "Ausgewählte Gegenargumente freigeben" in actions
    assert "Ausgewählte Gegenargumente ablehnen: am Thema vorbei" in actions
    assert "wartend (1)" in texts(page, "#changelist-filter a")
    assert text(page, "h1") == "Gegenargument zur Änderung auswählen"


@pytest.mark.usefixtures("german")
def test_an_admin_action_reports_in_german(admin_client):
    counterpoints = [make_counterpoint(make_post(), status=Status.PENDING) for _ in range(2)]

    response = approve_in_admin(admin_client, *counterpoints)

    assert "2 Gegenargumente wurden freigegeben." in texts(response, ".messagelist li")


@pytest.mark.usefixtures("german")
def test_claim_syntax_errors_are_german_and_the_text_is_kept(admin_client):
    body = "Intro.\n\n::: claim 70% by 2027-13-01\nPrices halve.\n:::\n"

    response = admin_client.post(reverse("admin:blog_post_add"), post_form(admin_client, body=body))

    assert response.status_code == 200
    page = parse(response)
    assert "Syntax der Behauptung: Zeile 3: „2027-13-01“ ist kein Datum" in text(
        page, ".field-body .errorlist"
    )
    assert field_value(page, "body") == body
    assert not Post.objects.exists()


@pytest.mark.usefixtures("german")
def test_the_claim_box_readers_see_is_german(client):
    post = make_post(body="Intro.\n\n::: claim 70% by 2027-06-30 {#prices}\nPrices halve.\n:::\n")

    page = parse(client.get(post.get_absolute_url()))

    assert text(page, "#claim-prices .claim-anchor") == "Behauptung"
    assert text(page, "#claim-prices .claim-confidence") == "70 % Zuversicht"
    assert text(page, "#claim-prices .claim-due") == "Wiedervorlage am 2027-06-30"


def test_the_forecast_fields_drawn_once_per_process_follow_the_sites_language(client, settings):
    # The unbound form's probability and record fields are rendered once per
    # process and language (counterpoint_tags.empty_form_fields): an English
    # page first must not hand its fields to a German one, nor back.
    post = make_post(body="Intro.\n\n::: claim 70% by 2027-06-30 {#prices}\nPrices halve.\n:::\n")
    label = 'label[for="id_probability"]'

    english = parse(client.get(post.get_absolute_url()))
    settings.LANGUAGE_CODE = "de"
    with translation.override("de"):
        german = parse(client.get(post.get_absolute_url()))
    settings.LANGUAGE_CODE = "en-us"
    english_again = parse(client.get(post.get_absolute_url()))

    assert text(english, label) == "Your probability that it holds, in % (optional)"
    assert text(german, label) == "Ihre Wahrscheinlichkeit, dass sie zutrifft, in % (freiwillig)"
    assert text(german, 'label[for="id_joins_record"]') == (
        "Meine Prognosen in der öffentlichen Bilanz der Leser aufführen"
    )
    assert text(english_again, label) == text(english, label)


# English, as it always was


def test_english_is_unchanged_with_the_default_setting(client, admin_client, mailoutbox):
    assert django_settings.LANGUAGE_CODE == "en-us"
    post = make_post(title="A bold call")

    response = client.post(submit_url(post), form_data(post, body=""))
    assert text(response, "#id_body_error") == "Write your counterpoint."
    assert text(response, 'label[for="id_quote"]') == "Quoted passage (optional)"

    page = parse(admin_client.get(post_change_url(post)))
    choices = texts(page, 'select[name="hindsights-__prefix__-verdict"] option')
    assert choices == ["---------", "nailed it", "partly right", "wrong", "still open"]

    counterpoint = make_counterpoint(
        post, status=Status.PENDING, author_name="Ada", author_email="a@b.example"
    )
    approve_in_admin(admin_client, counterpoint)
    send_outbox()
    [mail] = mailoutbox
    assert mail.subject == "[expectedwrong] Your counterpoint on “A bold call” is published"
    assert mail.body.startswith("Hello Ada,\n")


# The catalogs


def read_po(path):
    """{(context, msgid): (msgid_plural, [msgstr, …])} and each entry's flags, from a .po file."""
    entries, flags = {}, {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields, current, entry_flags = {}, None, set()
        for line in block.splitlines():
            if line.startswith("#,"):
                entry_flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[current] += _unquote(line)
            else:
                current, _, rest = line.partition(" ")
                fields[current] = _unquote(rest)
        if fields.get("msgid"):
            key = (fields.get("msgctxt"), fields["msgid"])
            translations = [value for name, value in sorted(fields.items()) if name.startswith("msgstr")]
            entries[key] = (fields.get("msgid_plural"), translations)
            flags[key] = entry_flags
    return entries, flags


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(quoted):
    return re.sub(r"\\(.)", lambda match: ESCAPES[match[1]], quoted.strip()[1:-1])


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


@pytest.mark.parametrize("app", APPS)
def test_each_apps_german_catalog_is_complete_and_compiled(app):
    locale = Path(django_settings.BASE_DIR) / app / "locale" / "de" / "LC_MESSAGES"
    entries, flags = read_po(locale / "django.po")
    assert entries, f"{app} has no German strings"
    with (locale / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)

    for (context, msgid), (plural, translations) in entries.items():
        assert "fuzzy" not in flags[(context, msgid)], msgid
        assert all(translations), f"untranslated in {app}: {msgid!r}"
        for translated in translations:
            assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(msgid)), msgid
        # The committed .mo says what the .po says (compilemessages was run).
        if plural:
            shown = [
                catalog.npgettext(context, msgid, plural, n)
                if context
                else catalog.ngettext(msgid, plural, n)
                for n in (1, 2)
            ]
        else:
            shown = [catalog.pgettext(context, msgid) if context else catalog.gettext(msgid)]
        assert shown == translations, f"{app}/django.mo is stale: {msgid!r}"


MARKERS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
CONTEXT_MARKERS = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}


def marked_strings(app):
    """Every (context, msgid) the app's Python code marks for translation, read from its source."""
    found = set()
    for path in (Path(django_settings.BASE_DIR) / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            literals = [arg.value if isinstance(arg, ast.Constant) else None for arg in node.args]
            if name in MARKERS and literals and isinstance(literals[0], str):
                found.add((None, literals[0]))
            elif name in CONTEXT_MARKERS and len(literals) > 1 and isinstance(literals[1], str):
                found.add((literals[0], literals[1]))
    return found


@pytest.mark.parametrize("app", APPS)
def test_every_string_the_code_marks_is_in_its_apps_catalog(app):
    """makemessages was run after the last change of wording: nothing marked is missing from the catalog."""
    entries, _flags = read_po(
        Path(django_settings.BASE_DIR) / app / "locale" / "de" / "LC_MESSAGES" / "django.po"
    )
    missing = marked_strings(app) - set(entries)
    assert not missing, f"run makemessages in {app}/ and translate: {sorted(missing, key=str)}"


# Files: seed files and exports are written in English whatever the site speaks


@pytest.mark.usefixtures("german")
def test_the_seed_posts_load_on_a_german_site():
    call_command("load_seeds", stdout=StringIO(), stderr=StringIO())

    seeded = Post.objects.filter(hindsights__isnull=False).distinct()
    assert Post.objects.count() == len(list((Path(django_settings.BASE_DIR) / "seeds").glob("*.md")))
    assert seeded.filter(current_verdict=Verdict.NAILED_IT).exists()


@pytest.mark.usefixtures("german")
def test_an_export_from_a_german_site_keeps_the_seed_formats_english_labels(tmp_path):
    post = make_post(slug="held", title="Held")
    post.hindsights.create(verdict=Verdict.NAILED_IT, note="")

    call_command("export_site", tmp_path, stdout=StringIO(), stderr=StringIO())

    exported = (tmp_path / "posts" / "held.md").read_text()
    assert 'verdict = "nailed it"' in exported
    Post.objects.all().delete()
    call_command("import_posts", tmp_path, stdout=StringIO(), stderr=StringIO())
    assert Post.objects.get(slug="held").current_verdict == Verdict.NAILED_IT
