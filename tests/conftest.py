import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads of a test go to a temporary folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
