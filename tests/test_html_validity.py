"""
Every reader page type through the Nu HTML Checker (vnu-jar from npm, run
with Java), the validator the W3C runs: no error on any page (issue 15).

The pages are rendered by the test client and checked in one run of the
checker, since starting Java costs seconds. Without Java or the jar the
test skips, saying how to get them; CI (REQUIRE_BROWSER=1) fails instead.
"""

import json
import shutil
import subprocess

import pytest
from django.conf import settings

from tests.reader_pages import make_reader_site
from tests.support.browser import missing

pytestmark = pytest.mark.django_db

VNU_JAR = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def checker(tmp_path):
    """``check({name: html})`` → ``{name: [errors]}`` for the documents with errors, in one run."""
    java = shutil.which("java")
    if java is None:
        missing("no java: install Debian's default-jre-headless to run the Nu HTML Checker")
    if not VNU_JAR.exists():
        missing(f"the Nu HTML Checker is not installed ({VNU_JAR} is missing): run `npm ci` (make test does)")

    def check(documents):
        names = {}
        for n, (name, html) in enumerate(documents.items()):
            path = tmp_path / f"page-{n}.html"
            path.write_text(html, encoding="utf-8")
            names[path.name] = name
        command = [java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--exit-zero-always"]
        result = subprocess.run(
            [*command, *(str(tmp_path / file) for file in names)],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        errors = {}
        for message in json.loads(result.stderr)["messages"]:
            name = names.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url"))
            where = f"line {message['lastLine']}: " if "lastLine" in message else ""
            extract = message.get("extract", "").strip()
            errors.setdefault(name, []).append(f"{where}{message['message']} [{extract}]")
        return errors

    return check


def test_every_reader_page_passes_the_nu_html_checker(client, checker):
    pages = make_reader_site()
    documents = {}
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == (404 if name == "not found" else 200), path
        documents[f"{name} ({path})"] = response.content.decode()

    errors = checker(documents)

    assert errors == {}, json.dumps(errors, indent=2, ensure_ascii=False)


def test_the_checker_reports_an_invalid_page(checker):
    stamp = "2026-12-04T04:53:26.085511+00:00"  # |date:'c' before issue 15
    broken = f"<!doctype html><html lang=en><title>x</title><p><time datetime='{stamp}'>x</time>"

    errors = checker({"broken": broken, "fine": broken.replace(stamp, stamp[:19] + "+00:00")})

    assert list(errors) == ["broken"]
    assert "A fraction of a second must be one, two, or three digits" in errors["broken"][0]
