"""A writer's transaction held open on another thread, as another app server's would be."""

import threading

from django.db import connection, transaction


def change_in_open_transaction(change, while_open):
    """Run ``change`` in a transaction on another thread; call ``while_open`` before it commits."""
    changed, release, failures = threading.Event(), threading.Event(), []

    def writer():
        try:
            with transaction.atomic():
                change()
                changed.set()
                assert release.wait(10)
        except Exception as error:  # reported by the test thread
            failures.append(error)
            changed.set()
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert changed.wait(10)
        while_open()
    finally:
        release.set()
        thread.join(10)
    assert not failures, failures
