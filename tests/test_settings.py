"""Production settings come from the environment and pass Django's deploy check."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "k7#Qz9!xW2@pL5$v" * 3,
    "DJANGO_ALLOWED_HOSTS": "blog.example.com",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def manage(*args, env):
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_reports_no_warnings_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION.items() if key != "DJANGO_SECRET_KEY"}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {key: value for key, value in PRODUCTION.items() if key != "DJANGO_ALLOWED_HOSTS"}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


def test_cache_url_selects_redis_or_memcached():
    from config.settings import cache_from_url

    assert cache_from_url("redis://cache:6379/1")["BACKEND"].endswith("RedisCache")
    assert cache_from_url("memcached://a:11211,b:11211")["LOCATION"] == ["a:11211", "b:11211"]
    with pytest.raises(Exception, match="CACHE_URL must start with"):
        cache_from_url("ftp://nope")


def test_flood_counters_never_share_a_server_with_the_page_cache():
    from config.settings import caches_from_urls

    pages_on_redis = caches_from_urls("redis://pages:6379/0", "")
    assert pages_on_redis["default"]["LOCATION"] == "redis://pages:6379/0"
    assert pages_on_redis["shared"]["BACKEND"].endswith("DatabaseCache")

    both = caches_from_urls("redis://pages:6379/0", "redis://counters:6379/0")
    assert both["shared"]["LOCATION"] == "redis://counters:6379/0"


@pytest.mark.django_db
def test_pages_carry_security_headers_and_a_content_security_policy(client):
    response = client.get(reverse("blog:post-list"))

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_admin_pages_have_no_inline_scripts_so_the_policy_holds(admin_client):
    page = admin_client.get(reverse("admin:blog_post_add")).content.decode()

    inline_scripts = [s for s in re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S) if s[1].strip()]
    assert inline_scripts == []
    assert "Content-Security-Policy" in admin_client.get(reverse("admin:blog_post_add")).headers


def test_collectstatic_writes_hashed_and_compressed_files_for_whitenoise(tmp_path):
    result = manage("collectstatic", "--noinput", env={**PRODUCTION, "STATIC_ROOT": str(tmp_path)})

    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)
    assert (tmp_path / (hashed + ".gz")).exists()


def release_tree(root):
    """A site's files as a deploy has them: templates, code, translations, and what draws no page."""
    for name, content in {
        "templates/base.html": "<main>{% block content %}{% endblock %}</main>",
        "blog/__init__.py": "",
        "blog/views.py": "def view(request): ...",
        "exports/wordpress.xml": "<rss>an export kept beside the site</rss>",
        "locale/de/LC_MESSAGES/django.mo": "compiled",
        "locale/de/LC_MESSAGES/django.po": "msgid ''",
        "tests/test_views.py": "def test(): ...",
        "README.md": "# The site",
        "staticfiles/staticfiles.json": '{"paths": {"site.css": "site.1234.css"}}',
    }.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def test_the_release_changes_with_what_draws_pages_and_only_with_that(tmp_path):
    from config.release import fingerprint

    release_tree(tmp_path)
    static_root = tmp_path / "staticfiles"
    first = fingerprint(tmp_path, static_root)
    assert fingerprint(tmp_path, static_root) == first

    # Tests, notes, translation sources and files kept beside the site draw no page.
    (tmp_path / "tests/test_views.py").write_text("def test(): assert True")
    (tmp_path / "README.md").write_text("# The site, documented")
    (tmp_path / "locale/de/LC_MESSAGES/django.po").write_text("msgid 'x'")
    (tmp_path / "exports/wordpress.xml").write_text("<rss>another export</rss>")
    assert fingerprint(tmp_path, static_root) == first

    changed = set()
    for name, content in [
        ("templates/base.html", "<main id='main'>{% block content %}{% endblock %}</main>"),
        ("blog/views.py", "def view(request): return None"),
        ("locale/de/LC_MESSAGES/django.mo", "recompiled"),
        ("staticfiles/staticfiles.json", '{"paths": {"site.css": "site.5678.css"}}'),
    ]:
        (tmp_path / name).write_text(content)
        changed.add(fingerprint(tmp_path, static_root))
    assert first not in changed and len(changed) == 4


def test_the_page_cache_is_keyed_by_the_release_and_the_shared_cache_is_not(settings):
    assert settings.CACHES["default"]["KEY_PREFIX"] == settings.RELEASE[:16]
    assert "KEY_PREFIX" not in settings.CACHES["shared"]  # counters and generations span a rolling deploy

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.CACHES['default']['KEY_PREFIX'])",
        ],
        cwd=BASE_DIR,
        env={**os.environ, "RELEASE": "v2.3.1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "v2.3.1", result.stderr


@pytest.mark.django_db
def test_a_new_release_never_serves_the_pages_the_previous_one_stored(client, settings):
    from tests.support.factories import make_post

    post = make_post(title="As the old templates drew it")
    client.get("/")
    client.get(post.get_absolute_url())
    # Changed with no refresh: only a page drawn afresh shows it.
    type(post).objects.filter(pk=post.pk).update(title="As the new ones draw it")
    assert "As the old templates drew it" in client.get("/").content.decode()

    # As a deploy does: the release, and with it the page cache's keys.
    settings.RELEASE = "next"
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "KEY_PREFIX": "next"}}

    for url in ["/", post.get_absolute_url()]:
        page = client.get(url).content.decode()
        assert "As the new ones draw it" in page and "As the old templates drew it" not in page
