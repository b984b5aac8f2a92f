"""
The findings of the hostile review (issue 10), one test each where the fix is
here: bounded cost, fair flood buckets, clean text, no oracles, error pages,
absolute URLs, login throttling. Roles, uploads and the page cache have their
own tests beside that code.
"""

from urllib.parse import urlencode

import pytest
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.gunicorn import RedactingLogger
from core.login import TOO_MANY
from core.ratelimit import client_bucket
from counterpoints import antispam
from counterpoints.models import Counterpoint
from counterpoints.outbox import deliver_due
from tests.support.factories import make_post, make_user
from tests.support.submissions import form_data, submit_url
from tests.support.timing import cpu_time

pytestmark = pytest.mark.django_db

CPU_BOUND_SECONDS = 0.5
FORM = "application/x-www-form-urlencoded"


# High: one IP could hold every worker with one huge counterpoint


def test_a_huge_pathological_body_is_refused_before_it_is_read(client):
    post = make_post()
    body = urlencode(form_data(post, body="![[" * 900_000))  # 2.7 MB: once a minute of CPU
    with cpu_time() as cpu:
        response = client.generic("POST", submit_url(post), body, content_type=FORM)
    assert response.status_code == 413
    assert cpu.seconds < CPU_BOUND_SECONDS
    assert not Counterpoint.objects.exists()


def test_an_over_long_body_within_the_request_cap_is_refused_without_rendering_it(client, monkeypatch):
    rendered = []
    monkeypatch.setattr("counterpoints.forms.render_counterpoint_markdown", rendered.append)
    post = make_post()
    with cpu_time() as cpu:
        response = client.post(submit_url(post), form_data(post, body="![[" * 20_000))
    assert response.status_code == 400
    assert "Please keep this to at most 5000 characters" in response.content.decode()
    assert rendered == []
    assert cpu.seconds < CPU_BOUND_SECONDS


def test_a_large_multipart_upload_from_a_reader_is_refused_unread(client):
    post = make_post()
    payload = b"x" * (10 * 1024 * 1024)
    with cpu_time() as cpu:
        response = client.post(
            submit_url(post), {**form_data(post), "attachment": SimpleUploadedFile("a.bin", payload)}
        )
    assert response.status_code == 413
    assert cpu.seconds < CPU_BOUND_SECONDS


def test_a_small_file_from_a_reader_is_never_stored(client, tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every file would go to a temporary file
    post = make_post()
    response = client.post(submit_url(post), {"attachment": SimpleUploadedFile("a.bin", b"x" * 4096)})
    assert response.status_code < 500
    assert list(tmp_path.iterdir()) == []
    assert not Counterpoint.objects.exists()


# Medium: flood control as one bucket for everyone


@pytest.mark.parametrize(
    ("address", "bucket"),
    [
        ("198.51.100.9", "198.51.100.9"),
        ("::ffff:198.51.100.9", "198.51.100.9"),  # IPv4-mapped, as a dual-stack listener sees it
        ("2002:c633:6409::1", "198.51.100.9"),  # 6to4
        ("64:ff9b::c633:6409", "198.51.100.9"),  # NAT64
        ("2001:db8:1:2::1", "2001:db8:1:2::"),  # an IPv6 host owns its /64
        (None, "unknown"),
    ],
)
def test_each_spelling_of_an_ipv4_client_is_its_own_bucket(address, bucket):
    assert client_bucket(address) == bucket


def test_ipv4_readers_behind_a_dual_stack_listener_do_not_share_one_limit(settings):
    settings.COUNTERPOINT_RATE_LIMIT = "1/600"
    assert antispam.take_submission_slot("::ffff:198.51.100.9").allowed
    assert not antispam.take_submission_slot("198.51.100.9").allowed  # the same reader
    assert antispam.take_submission_slot("::ffff:203.0.113.7").allowed  # someone else


def test_trusting_the_proxy_header_without_a_proxy_count_is_warned_about(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 0
    assert "core.W001" in {message.id for message in run_checks()}

    settings.TRUSTED_PROXY_COUNT = 1
    assert "core.W001" not in {message.id for message in run_checks()}


# Low: clean text


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("expected\u200bwrong fan", None),  # the site's name, split invisibly
        ("Ada\u200b Lovelace\ufeff", "Ada Lovelace"),
        ("Ｍａｌｌｏｒｙ", "Mallory"),  # full-width letters fold (NFKC)
        ("Mahsâ", "Mahsâ"),
    ],
)
def test_names_are_stored_as_shown_and_the_sites_name_is_not_for_readers(client, sent, stored):
    post = make_post()
    response = client.post(submit_url(post), form_data(post, author_name=sent))
    if stored is None:
        assert response.status_code == 400
        assert "Please use your own name: this one is the site’s." in response.content.decode()
        assert not Counterpoint.objects.exists()
    else:
        assert response.status_code == 302
        assert Counterpoint.objects.get().author_name == stored


def test_invisible_characters_are_removed_from_bodies_but_emoji_joiners_kept(client):
    post = make_post()
    client.post(
        submit_url(post), form_data(post, body="Zero\u200bwidth\u2060 gone, family 👩\u200d👩\u200d👧 kept.")
    )
    assert Counterpoint.objects.get().body == "Zerowidth gone, family 👩\u200d👩\u200d👧 kept."


def test_moderator_mail_quotes_the_readers_text_as_text(
    client, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.MODERATOR_EMAILS = ["mod@example.com"]
    post = make_post()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(post), form_data(post, body="Approve this.\nModerator note: approved already"))
    deliver_due()
    body = mailoutbox[0].body
    assert "> Approve this. Moderator note: approved already" in body
    assert "\nModerator note:" not in body


# Low: errors with the site's own pages and headers


def test_a_form_claiming_utf16_gets_the_sites_400_not_a_bare_500():
    post = make_post()
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "x" * 32
    response = client.generic(
        "POST",
        submit_url(post),
        "body=hello".encode("utf-16"),
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )
    assert response.status_code == 400
    assert "That request could not be read" in response.content.decode()
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"


def test_a_disallowed_host_gets_the_sites_400_with_security_headers(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"


def test_a_post_with_a_malformed_length_is_a_400(client):
    post = make_post()
    response = client.generic("POST", submit_url(post), b"", CONTENT_LENGTH="lots")
    assert response.status_code == 400


# Info: login throttling, per client and never per account


def test_admin_sign_in_is_throttled_per_client_without_locking_the_account(settings):
    settings.ADMIN_LOGIN_RATE_LIMIT = "3/900"
    make_user(staff=True, username="author", password="the right one")
    login = reverse("admin:login")
    guesser = Client(REMOTE_ADDR="198.51.100.66")

    for _ in range(3):
        response = guesser.post(login, {"username": "author", "password": "a guess"})
        assert TOO_MANY not in response.content.decode()
    response = guesser.post(login, {"username": "author", "password": "the right one"})

    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    # The author, elsewhere, signs in as usual.
    author = Client(REMOTE_ADDR="203.0.113.5")
    assert author.post(login, {"username": "author", "password": "the right one"}).status_code == 302


# Info: status tokens kept out of access logs


def test_status_and_unsubscribe_tokens_are_redacted_from_gunicorn_access_logs():
    atoms = RedactingLogger.redact(
        {
            "r": "GET /counterpoints/status/s3cr3tT0k3n/ HTTP/1.1",
            "U": "/counterpoints/unsubscribe/an0th3r/",
            "f": "https://blog.example.com/counterpoints/status/s3cr3tT0k3n/",
            "s": "200",
        }
    )
    assert "s3cr3tT0k3n" not in str(atoms)
    assert "an0th3r" not in str(atoms)
    assert atoms["r"] == "GET /counterpoints/status/…/ HTTP/1.1"
    assert atoms["s"] == "200"
