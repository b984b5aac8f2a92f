"""Code fences in posts: highlighted once on save by Pygments, with classes the CSP allows."""

import re

import pytest

from core.markup import render_counterpoint_markdown, render_post_markdown
from tests.support.factories import make_post

FENCE = '```python\ndef forecast(year):\n    return "<bold>"  # a guess\n```\n'


def test_fence_is_highlighted_with_classes_and_keeps_its_language():
    html = render_post_markdown(FENCE)

    assert html.startswith('<pre class="highlight"><code class="language-python">')
    assert '<span class="k">def</span>' in html
    assert '<span class="nf">forecast</span>' in html
    assert '<span class="c1"># a guess</span>' in html
    assert "&lt;bold&gt;" in html
    assert "style=" not in html


def test_fence_in_an_unknown_language_is_kept_escaped_with_its_language():
    html = render_post_markdown("```klingon\n<qapla'>\n```\n")

    assert html == '<pre class="highlight"><code class="language-klingon">&lt;qapla\'&gt;\n</code></pre>\n'


def test_fence_language_cannot_break_out_of_its_attribute():
    html = render_post_markdown('```"><script>alert(1)</script>\nx\n```\n')

    assert "<script" not in html
    assert re.fullmatch(r'<pre class="highlight"><code class="language-[\w+#.-]*">x\n</code></pre>\n', html)


def test_counterpoint_fences_stay_plain_code():
    assert render_counterpoint_markdown(FENCE) == (
        '<pre><code>def forecast(year):\n    return "&lt;bold&gt;"  # a guess\n</code></pre>\n'
    )


@pytest.mark.django_db
def test_post_page_serves_the_highlighting_rendered_on_save(client):
    post = make_post(body="Some code:\n\n" + FENCE)

    page = client.get(post.get_absolute_url()).content.decode()

    assert '<code class="language-python"><span class="k">def</span>' in page
    assert '<span class="k">def</span>' in post.body_html
