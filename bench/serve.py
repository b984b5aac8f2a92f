"""
The one gunicorn harness, used by the benchmark (bench/measure.py) and the
concurrency tests (tests/test_concurrency.py): production settings built
by ``app_env``, gunicorn started on a free loopback port, waited for until
it answers, and stopped.

    env = app_env("sqlite:////tmp/site.sqlite3", static_root=root, PAGE_CACHE_SECONDS=0)
    manage(env, "migrate", "--noinput")
    with gunicorn(env, workers=2, log_path=root / "gunicorn.log") as base_url:
        urllib.request.urlopen(base_url + "/")
"""

import contextlib
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Settings from the caller's environment that would change what is measured or tested.
OWN_PREFIXES = ("DJANGO_", "DATABASE_", "CACHE_", "COUNTERPOINT_", "EMAIL_", "PAGE_CACHE")


def app_env(database_url, *, static_root, **overrides):
    """
    Production settings (debug off) for ``database_url``, loosened only where
    a loopback server needs it (plain HTTP, 127.0.0.1); ``overrides`` add or
    replace environment variables (``PAGE_CACHE_SECONDS=0``, …).
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith(OWN_PREFIXES)}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def python(env, *args):
    """Run ``python *args`` in the project with ``env``; its output, or RuntimeError with both streams."""
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def manage(env, *args):
    return python(env, "manage.py", *args)


# Gunicorn's own line, naming the port the system gave it for --bind=127.0.0.1:0.
LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")


@contextlib.contextmanager
def gunicorn(env, *, workers, log_path, preload=False, ready_within=60):
    """
    Serve ``config.wsgi`` with ``workers`` sync workers on a free port and
    yield its base URL once ``/robots.txt`` answers; stop it afterwards.
    ``preload`` imports the app once before forking (many workers on two
    cores start in seconds instead of tens of seconds).
    """
    # Port 0: the system picks a free one as gunicorn binds it (a port
    # probed free beforehand may be taken by the time gunicorn asks for it).
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind=127.0.0.1:0", "--log-level=info"]
    command += [f"--workers={workers}", "--timeout=60", *(["--preload"] if preload else [])]
    with open(log_path, "a") as log:
        log_start = log.tell()  # the log may hold earlier servers' lines
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield _wait_until_ready(server, log_path, log_start, ready_within)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_ready(server, log_path, log_start, ready_within):
    """The server's base URL, once it has said where it listens and ``/robots.txt`` answers there."""
    deadline, base_url = time.monotonic() + ready_within, None
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{_tail(log_path)}")
        if base_url is None:
            with open(log_path, errors="replace") as log:
                log.seek(log_start)
                listening = LISTENING.search(log.read())
            base_url = listening and listening[1]
        if base_url is not None:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{base_url}/robots.txt", timeout=2) as answer,
            ):
                if answer.status == 200:
                    return base_url
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not answer within {ready_within} s:\n{_tail(log_path)}")
        time.sleep(0.2)


def _tail(log_path, size=4000):
    return Path(log_path).read_text(errors="replace")[-size:]
