"""Malformed requests get a clear 4xx in the site's style, never a 500."""

import pytest
from django.urls import reverse

from tests.support.factories import make_post

pytestmark = pytest.mark.django_db


def test_invalid_utf8_in_the_query_string_is_not_an_error(client):
    response = client.get("/search/?q=%ff%fe%80")

    assert response.status_code == 200


def test_nul_bytes_in_the_search_box_are_ignored(client):
    make_post(title="Nul survivor")

    response = client.get(reverse("blog:search"), {"q": "Nul\x00survivor"})

    assert response.status_code == 200


def test_huge_request_body_is_refused_with_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    post = make_post()

    response = client.post(
        reverse("counterpoints:submit", args=[post.slug]), {"body": "x" * 5000, "name": "Big"}
    )

    assert response.status_code == 400
    assert "That request could not be read" in response.content.decode()


def test_non_numeric_page_is_404_not_500(client):
    make_post()

    assert client.get(reverse("blog:post-list"), {"page": "'; select"}).status_code == 404


def test_csrf_failure_page_explains_what_to_do(client):
    from django.test import Client

    post = make_post()
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(reverse("counterpoints:submit", args=[post.slug]), {"body": "hi"})

    assert response.status_code == 403
    assert "This form could not be verified" in response.content.decode()
