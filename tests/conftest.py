import pytest


def pytest_collection_modifyitems(config, items):
    """
    Tests marked ``postgres`` exercise what only PostgreSQL does (full-text
    ranking, stemming). `make test` runs the suite on PostgreSQL as well, so
    on SQLite they are left out of the run rather than reported as skipped.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


@pytest.fixture(autouse=True)
def empty_caches(request):
    """
    Every test starts with no cached pages (the shared cache is a database
    table, emptied with the database) and, when it uses the database, with
    the page generation already read, as on a site that has served a page:
    query budgets count what a page costs, not the process's first read.
    """
    from django.core.cache import caches

    from core.caching import forget_generation, page_generation

    caches["default"].clear()
    forget_generation()
    if request.node.get_closest_marker("django_db") or "db" in request.fixturenames:
        request.getfixturevalue("_django_db_helper")
        page_generation()
    yield
    forget_generation()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads of a test go to a temporary folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def tiny_png():
    """The bytes of a real 4×4 PNG."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, "PNG")
    return buffer.getvalue()
