"""
Hostile requests to every anonymous endpoint (issue 10): a table of the worst
inputs found, and a property (hypothesis) over arbitrary bodies. Whatever
arrives, the answer is never a 5xx, costs well under a second of CPU, and
stores nothing a reader should not be able to store.
"""

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counterpoints.models import Counterpoint
from tests.support.factories import make_counterpoint, make_post
from tests.support.submissions import form_data, submit_url
from tests.support.timing import cpu_time

pytestmark = pytest.mark.django_db

CPU_BOUND_SECONDS = 1.0
FORM = "application/x-www-form-urlencoded"
# Flood control is tested on its own; here it only has to stay out of the way.
RELAXED = {"COUNTERPOINT_MIN_SECONDS": 0, "COUNTERPOINT_RATE_LIMIT": "200/60"}


@pytest.fixture
def site():
    post = make_post(tags=["ai"])
    counterpoint = make_counterpoint(post, status=Counterpoint.Status.PENDING)
    return post, counterpoint


def anonymous_endpoints(post, counterpoint):
    """Every URL a reader may reach, and whether it takes a POST."""
    return [
        ("/", False),
        (post.get_absolute_url(), False),
        (submit_url(post), True),
        ("/tags/", False),
        ("/tags/ai/", False),
        ("/hindsight/", False),
        ("/search/?q=ai", False),
        ("/feed/", False),
        ("/feed/atom/", False),
        ("/tags/ai/feed/", False),
        ("/hindsight/feed/", False),
        ("/hindsight/feed/atom/", False),
        ("/sitemap.xml", False),
        ("/robots.txt", False),
        (counterpoint.get_status_url(), False),
        ("/counterpoints/unsubscribe/not-a-token/", True),
        ("/markdownx/markdownify/", True),
        ("/markdownx/upload/", True),
        ("/admin/login/", True),
    ]


def answer(send):
    with cpu_time() as cpu:
        response = send()
    return response, cpu.seconds


def hostile_bodies(post):
    """(name, body bytes, content type): the worst inputs of the review, and some more."""
    valid = form_data(post)
    return [
        ("2.7 MB of ![[", urlencode({**valid, "body": "![[" * 900_000}).encode(), FORM),
        ("over the cap in a file part", None, "multipart"),
        ("a form claiming UTF-16", "body=hello".encode("utf-16"), FORM + "; charset=utf-16"),
        ("broken percent-encoding", b"body=%ZZ%E2%82&name=%", FORM),
        ("invalid UTF-8", b"body=\xff\xfe\xfd&author_name=\xc0\x80", FORM),
        ("5,000 nested quotes", urlencode({**valid, "body": ">" * 5000}).encode(), FORM),
        ("5,000 brackets", urlencode({**valid, "body": "[" * 5000}).encode(), FORM),
        ("5,000 emphasis markers", urlencode({**valid, "body": "*a " * 1666}).encode(), FORM),
        (
            "a thousand nested lists",
            urlencode(
                {**valid, "body": "".join(f"{' ' * i}- x\n" for i in range(0, 2000, 2))[:5000]}
            ).encode(),
            FORM,
        ),
        ("5,000 fields", "&".join(f"f{i}=1" for i in range(5000)).encode(), FORM),
        ("JSON", b'{"body": "x"}', "application/json"),
        ("NUL bytes", urlencode({**valid, "body": "\x00" * 4000}).encode(), FORM),
    ]


@pytest.mark.parametrize("case", range(12))
@override_settings(**RELAXED)
def test_the_worst_bodies_to_every_endpoint_are_cheap_4xx_or_harmless(site, case):
    post, counterpoint = site
    name, body, content_type = hostile_bodies(post)[case]
    client = Client()
    for url, takes_post in anonymous_endpoints(post, counterpoint):
        if not takes_post:
            continue
        if content_type == "multipart":
            send = lambda url=url: client.post(  # noqa: E731
                url, {"body": "x", "file": SimpleUploadedFile("big.bin", b"\0" * 300_000)}
            )
        else:
            send = lambda url=url: client.generic("POST", url, body, content_type=content_type)  # noqa: E731
        response, cpu = answer(send)
        assert response.status_code < 500, (name, url, response.status_code)
        assert cpu < CPU_BOUND_SECONDS, (name, url, cpu)
    # Nothing hostile was published, and nothing but ordinary text was held.
    assert not Counterpoint.objects.approved().exists()
    assert all("\x00" not in c.body and len(c.body) <= 5000 for c in Counterpoint.objects.all())


@pytest.mark.parametrize(
    "path",
    [
        "/search/?q=" + "a" * 100_000,
        "/search/?q=" + "%00" * 1000,
        "/search/?q=" + "(" * 5000 + "&page=99999999999999999999",
        "/?page=-1",
        "/?page=1e9",
        "/tags/" + "a" * 5000 + "/",
        "/posts/%ff%fe/",
        "/counterpoints/status/" + "x" * 10_000 + "/",
        "/hindsight/?tag=" + "a" * 10_000 + "&verdict=" + "z" * 1000,
        "/hindsight/" + "z" * 5000 + "/?tag=" + "a" * 10_000 + "&page=" + "9" * 100,
    ],
)
def test_hostile_addresses_are_cheap_and_never_a_5xx(site, client, path):
    response, cpu = answer(lambda: client.get(path))
    assert response.status_code < 500
    assert cpu < CPU_BOUND_SECONDS


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    endpoint=st.integers(min_value=0, max_value=18),
    body=st.binary(max_size=3000),
    content_type=st.sampled_from(
        [
            FORM,
            FORM + "; charset=latin-1",
            "multipart/form-data; boundary=xyz",
            "text/plain",
            "",
            "application/json",
        ]
    ),
)
@override_settings(**RELAXED)
def test_any_body_to_any_endpoint_is_never_a_5xx_and_publishes_nothing(site, endpoint, body, content_type):
    post, counterpoint = site
    url, _ = anonymous_endpoints(post, counterpoint)[endpoint]
    response, cpu = answer(lambda: Client().generic("POST", url, body, content_type=content_type))
    assert response.status_code < 500
    assert cpu < CPU_BOUND_SECONDS
    assert not Counterpoint.objects.approved().exists()
