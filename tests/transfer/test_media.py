"""import_posts --media-dir: linked images copied from the old uploads folder, checked like uploads."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from blog.models import Post

from .support import WORDPRESS_THEME_TEST, run

pytestmark = pytest.mark.django_db

OLD = "https://wpthemetestdata.files.wordpress.com/2013/03/"


@pytest.fixture
def uploads(tmp_path):
    """A local copy of the old uploads folder: one real JPEG, one 'image' that is really HTML."""
    folder = tmp_path / "uploads"
    (folder / "2013" / "03").mkdir(parents=True)
    buffer = io.BytesIO()
    Image.new("RGB", (58, 30), "teal").save(buffer, "JPEG", exif=Image.Exif())
    (folder / "2013" / "03" / "image-alignment-580x300.jpg").write_bytes(buffer.getvalue())
    (folder / "2013" / "03" / "image-alignment-150x150.jpg").write_bytes(b"<script>alert(1)</script>")
    return folder


def test_images_found_in_the_media_folder_are_stored_here_and_relinked(uploads):
    out, _, _ = run("import_posts", WORDPRESS_THEME_TEST, "--media-dir", uploads)

    body = Post.objects.get(slug="markup-image-alignment").body
    assert f"{OLD}image-alignment-580x300.jpg" not in body
    stored = list(default_storage.listdir("imports")[1])
    assert len(stored) == 1 and stored[0].endswith(".jpg")
    assert f"![Image Alignment 580x300](/media/imports/{stored[0]} " in body
    with default_storage.open(f"imports/{stored[0]}") as file:
        assert Image.open(file).size == (58, 30)
    assert "1 image(s)" in out


def test_a_file_that_is_not_an_image_is_refused_and_the_link_kept(uploads):
    _, err, _ = run("import_posts", WORDPRESS_THEME_TEST, "--media-dir", uploads)

    assert "image-alignment-150x150.jpg: not copied, the link is kept" in err
    assert f"{OLD}image-alignment-150x150.jpg" in Post.objects.get(slug="markup-image-alignment").body


def test_importing_again_with_the_media_folder_changes_nothing(uploads):
    run("import_posts", WORDPRESS_THEME_TEST, "--media-dir", uploads)

    out, _, _ = run("import_posts", WORDPRESS_THEME_TEST, "--media-dir", uploads)

    assert "0 created, 0 updated" in out
    assert len(default_storage.listdir("imports")[1]) == 1


def test_without_the_option_images_stay_at_their_old_addresses():
    run("import_posts", WORDPRESS_THEME_TEST)

    assert f"{OLD}image-alignment-580x300.jpg" in Post.objects.get(slug="markup-image-alignment").body
