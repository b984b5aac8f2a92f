import pytest


@pytest.fixture
def file_database(transactional_db, tmp_path):
    """
    The default database on a file (SQLite) so that a second thread reads the
    last committed rows while a writer's transaction is open, as a second
    app-server process would. The in-memory test database cannot: its
    shared-cache locks make the reader fail instead. PostgreSQL needs nothing.
    """
    from django.core.management import call_command
    from django.db import connections

    if connections["default"].vendor != "sqlite":
        yield
        return
    original_settings, original_connection = connections.settings["default"], connections["default"]
    connections.settings["default"] = {**original_settings, "NAME": str(tmp_path / "race.sqlite3")}
    connections["default"] = connections.create_connection("default")
    try:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        yield
    finally:
        connections["default"].close()
        connections.settings["default"] = original_settings
        connections["default"] = original_connection
