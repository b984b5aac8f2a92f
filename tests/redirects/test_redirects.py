import pytest
from django.urls import reverse

from redirects.models import Redirect
from redirects.services import remember_redirect

pytestmark = pytest.mark.django_db


def test_a_moved_address_answers_301_to_the_new_one(client):
    remember_redirect("/2019/05/my-post/", "/posts/my-post/")

    response = client.get("/2019/05/my-post/")

    assert response.status_code == 301
    assert response["Location"] == "/posts/my-post/"


def test_a_query_string_address_like_wordpress_ids_is_matched_whole(client):
    remember_redirect("/index.php?p=123", "/posts/my-post/")

    assert client.get("/index.php?p=123")["Location"] == "/posts/my-post/"
    assert client.get("/index.php?p=124").status_code == 404


def test_an_unknown_address_stays_a_404(client):
    assert client.get("/2019/05/nothing-here/").status_code == 404


def test_a_live_page_is_never_redirected(client):
    remember_redirect("/tags/", "/elsewhere/")

    assert client.get("/tags/").status_code == 200


def test_moving_twice_collapses_the_chain(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        remember_redirect("/a/", "/b/")
    assert client.get("/a/")["Location"] == "/b/"  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        remember_redirect("/b/", "/c/")

    assert client.get("/a/")["Location"] == "/c/"
    assert client.get("/b/")["Location"] == "/c/"


def test_moving_back_drops_the_redirect_away_from_the_live_address():
    remember_redirect("/posts/first/", "/posts/second/")
    remember_redirect("/posts/second/", "/posts/first/")

    assert list(Redirect.objects.values_list("old_path", "new_path")) == [("/posts/second/", "/posts/first/")]


def test_redirects_are_managed_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:redirects_redirect_add"), {"old_path": "/old/", "new_path": "/posts/new/"}
    )

    assert response.status_code == 302
    assert admin_client.get("/old/")["Location"] == "/posts/new/"


def test_a_wordpress_id_on_a_live_page_is_redirected_even_with_other_parameters(client):
    remember_redirect("/?p=123", "/posts/my-post/")

    assert client.get("/?p=123")["Location"] == "/posts/my-post/"
    assert client.get("/?p=123&utm_source=feed")["Location"] == "/posts/my-post/"
    assert client.get("/?p=124").status_code == 200
    assert client.get("/").status_code == 200
