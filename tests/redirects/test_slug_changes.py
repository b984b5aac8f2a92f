"""Renaming a post's slug in the real admin leaves its old address working."""

import re

import pytest
from django.urls import reverse

from redirects.models import Redirect
from tests.support.admin import post_form
from tests.support.factories import make_post

pytestmark = pytest.mark.django_db


def change_post_in_admin(admin_client, post, **changes):
    url = reverse("admin:blog_post_change", args=[post.pk])
    page = admin_client.get(url).content.decode()
    management = dict(
        re.findall(r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d*)"', page)
    )
    data = {
        key: value
        for key, value in post_form(admin_client, title=post.title, slug=post.slug).items()
        if not key.startswith("hindsights-")
    }
    data.update(management, **changes)
    return admin_client.post(url, data)


def test_changing_a_slug_in_the_admin_redirects_the_old_address(admin_client, client):
    post = make_post(slug="first-name")

    response = change_post_in_admin(admin_client, post, slug="second-name")

    assert response.status_code == 302, response.content.decode()[:2000]
    old = client.get("/posts/first-name/")
    assert old.status_code == 301
    assert old["Location"] == "/posts/second-name/"
    assert client.get("/posts/second-name/").status_code == 200


def test_renaming_back_and_forth_leaves_no_loop(admin_client, client):
    post = make_post(slug="first-name")
    change_post_in_admin(admin_client, post, slug="second-name")
    post.refresh_from_db()

    change_post_in_admin(admin_client, post, slug="first-name")

    assert client.get("/posts/first-name/").status_code == 200
    assert client.get("/posts/second-name/")["Location"] == "/posts/first-name/"
    assert Redirect.objects.count() == 1


def test_saving_without_changing_the_slug_leaves_no_redirect(admin_client):
    post = make_post(slug="stays")

    change_post_in_admin(admin_client, post, title="A new title")

    assert not Redirect.objects.exists()
