"""Journey 3: an author writes, previews, illustrates and publishes a post in the admin."""

import base64
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from PIL import Image
from playwright.sync_api import expect

from blog.models import Post
from tests.support.browser import log_in
from tests.support.factories import make_post, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = """\
## Why the chart matters

The forecast is **bold**, and it is *dated*.

<script>window.__previewPwned = "script"</script>
<img src="x" onerror="window.__previewPwned = 'onerror'">
[a bad link](javascript:window.__previewPwned='link')

"""


def make_author():
    author = make_user(staff=True, username="ada")
    author.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="blog",
            codename__in=["add_post", "change_post", "view_post", "add_hindsight", "view_hindsight"],
        )
    )
    return author


def chart_png():
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), (200, 60, 20)).save(buffer, "PNG")
    return buffer.getvalue()


def drop_file_on(page, selector, *, name, mime, data):
    """Drop a file on an element the way a drag from the desktop does."""
    page.evaluate(
        """([selector, name, mime, b64]) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: mime}));
            const target = document.querySelector(selector);
            for (const type of ["dragenter", "dragover", "drop"]) {
                const init = {dataTransfer: transfer, bubbles: true, cancelable: true};
                target.dispatchEvent(new DragEvent(type, init));
            }
        }""",
        [selector, name, mime, base64.b64encode(data).decode()],
    )


def serve_media(context):
    """Stand in for the web server that serves MEDIA_URL in a deployment.

    Django serves uploaded files only with DEBUG on; production points
    MEDIA_URL at nginx or a bucket. The browser should still load the real
    bytes the upload stored, so they are answered from MEDIA_ROOT here.
    """

    def fulfil(route):
        relative = route.request.url.split(settings.MEDIA_URL, 1)[1]
        path = settings.MEDIA_ROOT / relative
        if path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404)

    context.route(f"**{settings.MEDIA_URL}**", fulfil)


def test_author_writes_previews_uploads_and_publishes_a_post(new_page, artifacts, watch):
    make_post(title="An older take", tags=["forecasting"])
    make_author()
    reader = new_page()
    reader.goto("/")
    assert reader.get_by_role("link", name="An older take").is_visible()

    page = new_page()
    serve_media(page.context)
    log_in(page, "ada")
    page.goto("/admin/blog/post/add/")
    page.get_by_label("Title:").press_sequentially("Charts will beat prose by 2027")
    # The admin's own script fills the slug from the title as it is typed.
    expect(page.get_by_label("Slug:")).to_have_value("charts-will-beat-prose-by-2027")
    page.get_by_label("Subtitle (dek):").fill("A prediction with a picture.")

    # The live preview renders through the same pipeline as publishing, so
    # hostile HTML typed in the editor is inert in the preview too.
    editor = page.locator("#id_body")
    with page.expect_response(re.compile(r"/markdownx/markdownify/$")) as preview:
        editor.fill(BODY)
    assert preview.value.ok
    rendered = page.locator(".markdownx-preview")
    rendered.locator("h2", has_text="Why the chart matters").wait_for()
    assert rendered.locator("strong", has_text="bold").count() == 1
    assert rendered.locator("script, img[onerror], a[href^='javascript']").count() == 0
    assert page.evaluate("() => window.__previewPwned") is None

    # Drop a PNG on the editor: it is uploaded and its Markdown inserted.
    with page.expect_response(re.compile(r"/markdownx/upload/$")) as upload:
        drop_file_on(page, "#id_body", name="chart.png", mime="image/png", data=chart_png())
    assert upload.value.status == 200, upload.value.text()
    image_code = upload.value.json()["image_code"]
    assert re.fullmatch(r"!\[\]\(/media/uploads/.+\.png\)", image_code), image_code
    page.wait_for_function("code => document.querySelector('#id_body').value.includes(code)", arg=image_code)
    image_url = image_code[4:-1]
    preview_image = rendered.locator(f"img[src='{image_url}']")
    preview_image.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 48", arg=preview_image.element_handle()
    )
    page.locator(".markdownx").screenshot(path=artifacts / "editor-preview-1280.png")

    page.get_by_label("Tags:").fill("forecasting, Charts")
    page.get_by_label("Status:").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator(".messagelist .success").wait_for()
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    post = Post.objects.get(slug="charts-will-beat-prose-by-2027")
    assert post.is_published
    assert sorted(post.tags.names()) == ["Charts", "forecasting"]
    assert f'<img src="{image_url}" alt="">' in post.body_html

    # A reader who had the home page open reloads it: the new post leads.
    reader.reload()
    first_card = reader.locator(".post-card").first
    assert first_card.get_by_role("link", name="Charts will beat prose by 2027").is_visible()
    assert first_card.get_by_role("link", name="#Charts").is_visible()

    reader.goto("/tags/charts/")
    reader.get_by_role("link", name="Charts will beat prose by 2027").click()
    reader.wait_for_url("**/posts/charts-will-beat-prose-by-2027/")
    serve_media(reader.context)
    reader.reload()
    body_image = reader.locator(f".post-body img[src='{image_url}']")
    body_image.wait_for()
    reader.wait_for_function(
        "img => img.complete && img.naturalWidth === 48", arg=body_image.element_handle()
    )
    assert reader.locator(".post-body h2").inner_text() == "Why the chart matters"
    assert reader.evaluate("() => window.__previewPwned") is None
    assert watch.dialogs == []
    assert watch.errors == []
