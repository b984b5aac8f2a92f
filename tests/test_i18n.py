"""
The interface in a second language (issue 15): one language per site, chosen
by ``LANGUAGE_CODE``; German ships complete with the English.
"""

import ast
import gettext
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches

from blog.models import Verdict
from counterpoints.models import Counterpoint
from tests.reader_pages import make_reader_site
from tests.support.browser import missing
from tests.support.factories import make_counterpoint, make_hindsight, make_post
from tests.test_html_validity import checker  # noqa: F401 (the Nu HTML Checker, a fixture)

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def clear_caches():
    for alias in ("default", "shared"):
        caches[alias].clear()


def test_html_lang_follows_language_code(client, settings):
    make_post(title="Sprache")
    assert '<html lang="en-us"' in client.get("/").content.decode()

    settings.LANGUAGE_CODE = "de"
    assert '<html lang="de"' in client.get("/").content.decode()


def run_with_language(code, *args):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env |= {"DJANGO_DEBUG": "1", "LANGUAGE_CODE": code}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_language_code_comes_from_the_environment():
    shown = "from django.conf import settings; from django.utils.translation import gettext as _; "
    shown += "print(settings.LANGUAGE_CODE, _('Not found'))"

    assert run_with_language("de", "shell", "--no-imports", "-c", shown).stdout.strip() == "de Nicht gefunden"
    assert (
        run_with_language("en-us", "shell", "--no-imports", "-c", shown).stdout.strip() == "en-us Not found"
    )


def test_a_language_without_a_translation_is_refused():
    result = run_with_language("fr", "check")

    assert result.returncode != 0
    assert "translation.E004" in result.stderr


def test_page_cached_in_one_language_is_not_served_in_other(client, settings, django_assert_max_num_queries):
    make_post(title="Zwischengespeichert")
    client.get("/")
    with django_assert_max_num_queries(0):
        assert '<html lang="en-us"' in client.get("/").content.decode()

    # The same cache (Redis, say), the site restarted with another language.
    settings.LANGUAGE_CODE = "de"
    page = client.get("/").content.decode()

    assert '<html lang="de"' in page


def test_post_page_fragments_cached_in_one_language_are_not_served_in_another(client, settings):
    post = make_post(title="Fragment", tags=["ai"], published_at=datetime(2025, 3, 14, 9, tzinfo=UTC))
    make_post(title="Neighbour", tags=["ai"], published_at=datetime(2025, 3, 10, 9, tzinfo=UTC))
    page = client.get(post.get_absolute_url()).content.decode()
    assert "14 Mar 2025" in page and "Related posts" in page

    settings.LANGUAGE_CODE = "de"
    page = client.get(post.get_absolute_url()).content.decode()

    assert "14. März 2025" in page and "Verwandte Beiträge" in page
    assert "14 Mar 2025" not in page and "Related posts" not in page


# The catalogs ------------------------------------------------------------------
# Every .po file of the project (templates' in locale/, Python code's in each
# app's locale/), read with the standard library: no gettext needed to run.

CATALOGS = sorted(
    path
    for path in BASE_DIR.glob("**/locale/*/LC_MESSAGES/*.po")
    if not {".venv", "node_modules"} & set(path.relative_to(BASE_DIR).parts)
)


def read_po(path):
    """The entries of a .po file: dicts with context, msgid, plural, msgstr (a list) and flags."""
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line or line.startswith("#"):
            if entry is not None and field is not None:
                entries.append(entry)
                entry, field = None, None
            if line.startswith("#,"):
                entry = {
                    "context": None,
                    "plural": None,
                    "msgstr": [],
                    "flags": line[2:].replace(" ", "").split(","),
                }
            continue
        if entry is None:
            entry = {"context": None, "plural": None, "msgstr": [], "flags": []}
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if field == "msgstr":
                entry["msgstr"][-1] += value
            else:
                entry[field] += value
            continue
        keyword, _, value = line.partition(" ")
        value = ast.literal_eval(value)
        if keyword == "msgctxt":
            field, entry["context"] = "context", value
        elif keyword == "msgid":
            field, entry["msgid"] = "msgid", value
        elif keyword == "msgid_plural":
            field, entry["plural"] = "plural", value
        else:  # msgstr or msgstr[n]
            field = "msgstr"
            entry["msgstr"].append(value)
    return entries


def catalog_key(entry):
    msgid = entry["msgid"] if entry["context"] is None else f"{entry['context']}\x04{entry['msgid']}"
    if entry["plural"] is None:
        return {msgid: entry["msgstr"][0]}
    return {(msgid, n): text for n, text in enumerate(entry["msgstr"])}


def test_there_is_a_german_catalog_for_the_templates():
    assert BASE_DIR / "locale/de/LC_MESSAGES/django.po" in CATALOGS
    assert settings.LOCALE_PATHS == [BASE_DIR / "locale"]


@pytest.mark.parametrize("po", CATALOGS, ids=lambda path: str(path.relative_to(BASE_DIR)))
def test_catalog_is_complete_and_compiled(po):
    entries = read_po(po)
    header = entries[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"], (
        "the header is fuzzy: msgfmt would drop it"
    )
    messages = entries[1:]
    assert messages, "an empty catalog"
    untranslated = [entry["msgid"] for entry in messages if not all(entry["msgstr"])]
    fuzzy = [entry["msgid"] for entry in messages if "fuzzy" in entry["flags"]]
    assert not untranslated, f"untranslated in {po.name}: {untranslated}"
    assert not fuzzy, f"fuzzy in {po.name}: {fuzzy}"

    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run manage.py compilemessages"
    with mo.open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    expected = {}
    for entry in messages:
        expected |= catalog_key(entry)
    catalog.pop("", None)  # the header
    assert catalog == expected, f"{mo.name} is out of date with its .po: run manage.py compilemessages"


@pytest.mark.parametrize("po", CATALOGS, ids=lambda path: str(path.relative_to(BASE_DIR)))
def test_catalog_passes_msgfmt_check(po, tmp_path):
    """gettext's own check: placeholders such as %(name)s kept in every translation, plural forms right."""
    if shutil.which("msgfmt") is None:
        missing("msgfmt not found: install Debian's gettext package to check the catalogs")
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "out.mo"), str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


# The pages in German ------------------------------------------------------------


@pytest.fixture
def german(settings):
    """A site configured with LANGUAGE_CODE=de, as the environment variable sets it."""
    settings.LANGUAGE_CODE = "de"


def text_of(response):
    assert response.status_code in (200, 404), response.status_code
    return response.content.decode()


def assert_german(page, *, german, english):
    assert '<html lang="de"' in page
    for phrase in german:
        assert phrase in page, phrase
    for phrase in english:
        assert phrase not in page, phrase


def test_home_page_in_german(client, german):
    make_post(title="Erster Beitrag", tags=["ai"], verdict=Verdict.WRONG)
    page = text_of(client.get("/"))
    assert_german(
        page,
        german=["Zum Inhalt springen", "Rückblick", "Schlagwörter", "Min. Lesezeit", "Abonnieren:", "Archiv"],
        english=["Skip to content", "min read", "Subscribe:", "Latest posts", "No account, no e-mail"],
    )


def test_tag_page_in_german(client, german):
    make_post(title="Mit Schlagwort", tags=["ai"])
    page = text_of(client.get("/tags/ai/"))
    assert_german(
        page,
        german=[
            "Beiträge mit dem Schlagwort #ai, die neuesten zuerst",
            "alle Schlagwörter",
            "Abonnieren Sie #ai:",
        ],
        english=["Posts tagged", "newest first", "all tags"],
    )
    page = text_of(client.get("/tags/"))
    assert_german(page, german=["1 Beitrag"], english=["1 post<"])


def test_archive_pages_in_german_with_german_month_names(client, german):
    make_post(title="Im März", published_at=datetime(2025, 3, 14, 9, tzinfo=UTC))
    page = text_of(client.get("/archive/"))
    assert_german(
        page, german=["Alle Beiträge, nach Jahr und Monat.", "März", "1 Beitrag"], english=["March", "1 post"]
    )
    page = text_of(client.get("/archive/2025/03/"))
    assert_german(page, german=["März 2025", "alle Jahre", "ganz 2025"], english=["March", "all years"])
    page = text_of(client.get("/archive/2025/"))
    assert_german(page, german=[">Mär<"], english=[">Mar<"])


def test_dates_read_as_german_dates_and_stay_iso_for_machines(client, german):
    make_post(title="Datiert", published_at=datetime(2025, 3, 14, 9, tzinfo=UTC))
    page = text_of(client.get("/"))
    assert '<time datetime="2025-03-14T09:00:00+00:00">14. März 2025</time>' in page
    assert "14 Mar 2025" not in page


def test_english_dates_keep_their_one_form(client):
    make_post(title="Dated", published_at=datetime(2025, 3, 14, 9, tzinfo=UTC))
    assert '<time datetime="2025-03-14T09:00:00+00:00">14 Mar 2025</time>' in text_of(client.get("/"))


def test_hindsight_page_in_german(client, german):
    make_post(title="Beurteilt", tags=["ai"], verdict=Verdict.NAILED_IT)
    make_post(title="Offen", tags=["ai"])
    page = text_of(client.get("/hindsight/"))
    assert_german(
        page,
        german=["Die Bilanz, berechnet aus allen veröffentlichten Beiträgen.", "Nach Jahr", "Kalibrierung"],
        english=["The track record", "By year", "settled verdict", "not judged yet"],
    )


def test_search_page_in_german(client, german, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the search index is refreshed on commit
        make_post(title="Grafikkarten", body="Nvidia verkauft Grafikkarten.")
    page = text_of(client.get("/search/?q=Grafikkarten"))
    assert_german(
        page,
        german=["Beiträge durchsuchen", "1 Beitrag gefunden für „Grafikkarten“."],
        english=["Search the posts", "found for"],
    )
    page = text_of(client.get("/search/?q=zzzzqqqq"))
    assert "Nichts passt zu „zzzzqqqq“." in page


def test_not_found_page_in_german(client, german):
    response = client.get("/posts/gibt-es-nicht/")
    assert response.status_code == 404
    assert_german(
        text_of(response),
        german=["Nicht gefunden", "Lesen Sie die neuesten Beiträge"],
        english=["Not found", "Read the latest posts"],
    )


def test_english_stays_the_default(client):
    make_post(title="Plain English", tags=["ai"])
    page = text_of(client.get("/"))
    assert "Skip to content" in page and "min read" in page and "1 post" not in page
    assert "Zum Inhalt springen" not in page


def test_every_reader_page_in_german_passes_the_nu_html_checker(client, german, checker):  # noqa: F811
    documents = {}
    for name, path in make_reader_site().items():
        response = client.get(path)
        assert response.status_code == (404 if name == "not found" else 200), path
        documents[f"{name} ({path})"] = page = response.content.decode()
        assert '<html lang="de"' in page

    errors = checker(documents)

    assert errors == {}, json.dumps(errors, indent=2, ensure_ascii=False)


def test_percentages_follow_the_language(client, settings):
    make_post(title="Getroffen", verdict=Verdict.NAILED_IT)
    make_post(title="Daneben", verdict=Verdict.WRONG)
    make_post(title="Auch daneben", verdict=Verdict.WRONG)
    assert "<strong>Right 33%</strong>" in text_of(client.get("/hindsight/"))

    settings.LANGUAGE_CODE = "de"
    assert "<strong>33\u00a0% richtig</strong>" in text_of(client.get("/hindsight/"))


def test_post_page_in_german(client, german):
    body = "Billige offene Modelle.\n\n::: claim 70% by 2027-06-30 {#gpu}\nGPU-Mieten halbieren sich.\n:::\n"
    post = make_post(
        title="Ein Beitrag", body=body, tags=["ai"], published_at=datetime(2025, 1, 28, 9, tzinfo=UTC)
    )
    make_hindsight(post, verdict=Verdict.NAILED_IT, decided_at=datetime(2025, 9, 14, 12, tzinfo=UTC))
    make_counterpoint(post, author_name="Rosa Leserin", body="Nicht ganz.", author_reply="Guter Punkt.")
    page = text_of(client.get(post.get_absolute_url()))
    assert_german(
        page,
        german=[
            "Min. Lesezeit",
            "Wörter",
            "Rückblick — <strong>",
            "14. September 2025",
            "Behauptungen in diesem Beitrag",
            "1 Behauptung",
            "70\u00a0%",
            "Gegenargumente</h2>",
            "Antwort des Autors",
            "Gegenargument senden",
            "Zur Prüfung senden",
            "Abonnieren Sie die Gegenargumente zu diesem Beitrag:",
        ],
        english=[
            "min read",
            " words<",
            "hindsight —",
            "Claims in this post",
            "Counterpoints</h2>",
            "Reply from the author",
            "Send for review",
            "No approved counterpoints yet",
            "Sep 2025",
        ],
    )


def test_post_page_in_german_says_when_a_verdict_is_overdue(client, german):
    post = make_post(title="Fällig", check_back_by=date(2025, 6, 1))
    page = text_of(client.get(post.get_absolute_url()))
    assert "Urteil überfällig: fällig am <time" in page and "1. Juni 2025" in page


def test_counterpoint_status_page_in_german(client, german):
    post = make_post(title="Ein Beitrag")
    pending = make_counterpoint(post, status=Counterpoint.Status.PENDING, author_name="Pat")
    page = text_of(client.get(pending.get_status_url()))
    assert_german(
        page,
        german=[
            "Ihr Gegenargument",
            "Wartet auf Prüfung",
            "Was Sie gesendet haben",
            "Diese Seite ist privat",
        ],
        english=["Your counterpoint", "Waiting for review", "What you sent"],
    )


def test_counterpoint_page_in_german(client, german):
    post = make_post(title="Ein Beitrag")
    approved = make_counterpoint(post, author_name="Rosa")
    page = text_of(client.get(f"/posts/{post.slug}/counterpoints/{approved.pk}/"))
    assert_german(
        page,
        german=["Ein Gegenargument von Rosa", "An seiner Stelle unter dem Beitrag ansehen"],
        english=["A counterpoint by", "See it in its place"],
    )
