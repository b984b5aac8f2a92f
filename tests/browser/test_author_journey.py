"""Journey 3: an author writes, previews, illustrates and publishes a post in the admin."""

import base64
import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from blog.images import process_image, save_image
from blog.models import Post
from counterpoints.models import Counterpoint
from tests.support.browser import PHONE, horizontal_overflow, log_in
from tests.support.factories import make_author, make_counterpoint, make_post, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = """\
## Why the chart matters

The forecast is **bold**, and it is *dated*.

```python
def forecast(year):
    return "charts"
```

<script>window.__previewPwned = "script"</script>
<img src="x" onerror="window.__previewPwned = 'onerror'">
[a bad link](javascript:window.__previewPwned='link')

"""


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
    make_author(username="ada")
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
    # hostile HTML typed in the editor is inert in the preview too. It is
    # drawn beside the editor with the site's own stylesheet.
    editor = page.locator("#id_body")
    with page.expect_response(re.compile(r"/markdownx/markdownify/$")) as preview:
        editor.fill(BODY)
    assert preview.value.ok
    rendered = page.locator(".post-editor-preview")
    rendered.locator("h2", has_text="Why the chart matters").wait_for()
    assert rendered.locator("strong", has_text="bold").count() == 1
    assert rendered.locator("script, img[onerror], a[href^='javascript']").count() == 0
    assert page.evaluate("() => window.__previewPwned") is None
    keyword = rendered.locator("code.language-python span.k", has_text="def")
    assert keyword.count() == 1
    # The article's serif, not the admin's sans-serif.
    assert "Charter" in rendered.locator("h2").evaluate("h2 => getComputedStyle(h2).fontFamily")
    editor_box, preview_box = editor.bounding_box(), rendered.bounding_box()
    assert preview_box["x"] >= editor_box["x"] + editor_box["width"], "preview beside the editor"
    expect(page.locator(".post-editor-count")).to_have_text(re.compile(r"^\d+ words · 1 min read$"))

    # Drop a PNG on the editor: it is uploaded, its Markdown inserted, and
    # the description is selected for the author to type over.
    with page.expect_response(re.compile(r"/markdownx/upload/$")) as upload:
        drop_file_on(page, "#id_body", name="chart.png", mime="image/png", data=chart_png())
    assert upload.value.status == 200, upload.value.text()
    image_code = upload.value.json()["image_code"]
    assert re.fullmatch(r"!\[describe the image\]\(/media/uploads/.+\.png\)", image_code), image_code
    page.wait_for_function("code => document.querySelector('#id_body').value.includes(code)", arg=image_code)
    image_url = image_code.removeprefix("![describe the image](").removesuffix(")")
    page.wait_for_function(
        "() => { const t = document.querySelector('#id_body');"
        " return t.value.slice(t.selectionStart, t.selectionEnd) === 'describe the image'; }"
    )
    page.keyboard.type("A bar chart of forecasts")
    assert f"![A bar chart of forecasts]({image_url})" in editor.input_value()
    preview_image = rendered.locator(f"img[src='{image_url}']")
    preview_image.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 48", arg=preview_image.element_handle()
    )
    page.locator(".field-body").screenshot(path=artifacts / "editor-preview-1280.png")

    # Existing tags are offered as the author types.
    tags = page.get_by_label("Tags:")
    tags.press_sequentially("fore")
    page.get_by_role("option", name="forecasting").click()
    expect(tags).to_have_value("forecasting, ")
    tags.press_sequentially("Charts")
    page.get_by_label("Status:").select_option("published")
    # Ctrl+S saves and keeps the author in the editor.
    page.keyboard.press("Control+s")
    page.locator(".messagelist .success").wait_for()
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    assert page.get_by_role("heading", name="Change post").is_visible()

    post = Post.objects.get(slug="charts-will-beat-prose-by-2027")
    assert post.is_published
    assert sorted(post.tags.names()) == ["Charts", "forecasting"]
    described = rf'<img src="{image_url}" srcset="[^"]+" [^>]*alt="A bar chart of forecasts"'
    assert re.search(described, post.body_html)
    assert post.author.username == "ada"

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
    # The browser takes the WebP rendition from the <picture> and loads it.
    reader.wait_for_function(
        "img => img.complete && img.naturalWidth > 0 && img.currentSrc.endsWith('-48w.webp')",
        arg=body_image.element_handle(),
    )
    assert reader.locator(".post-body h2").inner_text() == "Why the chart matters"
    assert reader.locator(".post-body code.language-python span.k", has_text="def").count() == 1
    assert reader.evaluate("() => window.__previewPwned") is None
    assert watch.dialogs == []
    assert watch.errors == []


def assert_fits(page, artifacts, name):
    """Screenshot the page and check it is no wider than the screen."""
    page.screenshot(path=artifacts / f"{name}.png", full_page=True)
    assert horizontal_overflow(page) == 0, f"{name} scrolls sideways"


def test_author_schedules_publishes_a_draft_and_tidies_tags(new_page, artifacts, watch):
    make_user(superuser=True, username="ed")
    draft = make_post(title="Half-written take", status=Post.Status.DRAFT, published_at=None)
    Post.objects.filter(pk=draft.pk).update(created_at=timezone.now() - timedelta(days=2))
    make_post(title="On learning machines", tags=["ml"])
    make_post(title="Both spellings", tags=["ml", "machine-learning"])
    make_post(title="Fabs and export rules", tags=["chips"])
    reader = new_page()
    page = new_page()
    log_in(page, "ed")

    # Schedule a post a few seconds ahead: the list says Scheduled, readers get a 404.
    goes_live = timezone.localtime(timezone.now() + timedelta(seconds=6)).replace(microsecond=0)
    page.goto("/admin/blog/post/add/")
    page.get_by_label("Title:").fill("Scheduled call")
    page.locator("#id_body").fill("Out on time.")
    page.get_by_label("Status:").select_option("published")
    page.locator("#id_published_at_0").fill(f"{goes_live:%Y-%m-%d}")
    page.locator("#id_published_at_1").fill(f"{goes_live:%H:%M:%S}")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator(".messagelist .success").wait_for()
    row = page.locator("#result_list tr", has_text="Scheduled call")
    expect(row.locator("td.field-state")).to_have_text("Scheduled")
    assert reader.goto("/posts/scheduled-call/").status == 404
    page.goto("/admin/blog/post/?state=scheduled")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    assert_fits(page, artifacts, "post-list-1280")

    # Publish the draft with no date: it is dated now, not when it was written.
    page.goto(f"/admin/blog/post/{draft.pk}/change/")
    expect(page.locator(".field-publication_state")).to_contain_text("Draft")
    before = timezone.now()
    page.get_by_label("Status:").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator(".messagelist .success").wait_for()
    draft.refresh_from_db()
    assert draft.state == Post.State.PUBLISHED
    assert draft.published_at >= before - timedelta(seconds=1)
    expect(
        page.locator("#result_list tr", has_text="Half-written take").locator("td.field-state")
    ).to_have_text("Published")

    # Rename a tag: its old address answers with a 301 to the new one.
    page.goto("/admin/taggit/tag/")
    page.get_by_role("link", name="chips", exact=True).click()
    page.get_by_label("Name:").fill("semiconductors")
    page.get_by_label("Slug:").fill("semiconductors")
    page.locator("#id_description-0-text").fill("Fabs, chips and export rules.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator(".messagelist .success").wait_for()
    moved = reader.request.get("/tags/chips/", max_redirects=0)
    assert (moved.status, moved.headers["location"]) == (301, "/tags/semiconductors/")
    reader.goto("/tags/chips/")
    assert reader.url.endswith("/tags/semiconductors/")
    expect(reader.locator(".tag-description")).to_have_text("Fabs, chips and export rules.")

    # Merge two spellings: the posts move, the merged tag's address redirects.
    page.goto("/admin/taggit/tag/")
    for name in ("ml", "machine-learning"):
        page.locator("#result_list tr", has=page.get_by_role("link", name=name, exact=True)).locator(
            "input.action-select"
        ).check()
    page.locator("select[name=action]").select_option("merge_selected")
    page.locator("select[name=into]").select_option(label="machine-learning")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Merged ml into machine-learning: 2 posts")
    reader.goto("/tags/ml/")
    assert reader.url.endswith("/tags/machine-learning/")
    expect(reader.locator(".post-card")).to_have_count(2)

    # The scheduled post goes live on time, for readers too.
    wait = (goes_live - timezone.localtime()).total_seconds() + 1
    if wait > 0:
        reader.wait_for_timeout(wait * 1000)
    assert reader.goto("/posts/scheduled-call/").status == 200
    page.goto("/admin/blog/post/")
    row = page.locator("#result_list tr", has_text="Scheduled call")
    expect(row.locator("td.field-state")).to_have_text("Published")
    assert watch.errors == []
    assert watch.csp_violations == []


def test_post_list_editor_and_moderation_queue_fit_a_phone(new_page, artifacts, watch):
    make_user(superuser=True, username="ed")
    for n in range(5):
        post = make_post(
            title=f"A long title for a prediction about markets, number {n}",
            tags=["markets", "forecasting"],
        )
        make_counterpoint(
            post,
            status=Counterpoint.Status.PENDING,
            body="A long-winded objection that goes on and on about interest rates " * 3,
        )
    page = new_page(viewport=PHONE)
    log_in(page, "ed")

    for url, name in [
        ("/admin/blog/post/", "post-list-390"),
        ("/admin/blog/post/add/", "post-editor-390"),
        ("/admin/counterpoints/counterpoint/", "moderation-queue-390"),
        ("/admin/taggit/tag/", "tag-list-390"),
    ]:
        page.goto(url)
        assert_fits(page, artifacts, name)
    assert watch.errors == []


def test_phone_gets_the_small_rendition_and_images_do_not_shift_the_page(new_page, artifacts, watch):
    photo = io.BytesIO()
    Image.new("RGB", (2400, 1200), (30, 90, 160)).save(photo, "JPEG")
    clean = process_image(SimpleUploadedFile("photo.jpg", photo.getvalue(), content_type="image/jpeg"))
    url = save_image(clean)
    text = "A paragraph of argument that pushes the picture down the page. " * 12
    post = make_post(slug="with-a-photo", body=f"{text}\n\n![A blue field]({url})\n\n{text}")
    page = new_page(viewport=PHONE)
    serve_media(page.context)
    page.add_init_script(
        "window.__shift = 0; new PerformanceObserver(list => {"
        " for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;"
        " }).observe({type: 'layout-shift', buffered: true});"
    )

    page.goto(post.get_absolute_url())
    image = page.locator(".post-body img")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())

    assert image.evaluate("img => img.currentSrc").endswith("-480w.webp")
    assert image.get_attribute("loading") is None  # the first image of the post
    assert (image.get_attribute("width"), image.get_attribute("height")) == ("1600", "800")
    box = image.bounding_box()
    assert box["width"] <= PHONE["width"]
    assert abs(box["height"] - box["width"] / 2) < 2
    assert page.evaluate("() => window.__shift") == 0
    assert_fits(page, artifacts, "post-with-photo-390")
    assert watch.errors == []
