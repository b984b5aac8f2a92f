"""Plain helpers for the browser tests: logging in, watching a page, running axe."""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE_JS = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = settings.BASE_DIR / "test-artifacts"

# Without the background-networking switches chromium keeps dialling Google
# services, which the closed network answers with refused connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# The password tests.support.factories.make_user gives every user unless told otherwise.
PASSWORD = "correct horse battery staple"


def browser_required():
    return os.environ.get("REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


def missing(reason):
    """Skip on a laptop; fail where the suite promised to run everything (CI)."""
    if browser_required():
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1 is set, so browser tests may not skip)", pytrace=False)
    pytest.skip(reason)


class PageWatch:
    """What pages did that a test should hear about: dialogs, uncaught errors, CSP refusals."""

    def __init__(self):
        self.dialogs = []
        self.errors = []
        self.csp_violations = []

    def attach(self, page):
        page.on("dialog", self._on_dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._on_console)

    def _on_dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _on_console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)


def log_in(page, username, password=PASSWORD):
    """Log in through the admin's own login form, as a person would."""
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def run_axe(page, axe_source, *, include=None):
    """Run axe-core on the page as it is now; return its violations.

    The engine goes in through ``page.evaluate`` (DevTools), which the page's
    Content-Security-Policy does not govern, so the site's CSP stays on.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    return page.evaluate(
        "([include]) => axe.run(include || document, {resultTypes: ['violations']})"
        ".then(results => results.violations)",
        [include],
    )


def serious(violations):
    return [v for v in violations if v["impact"] in {"serious", "critical"}]


def describe(violations):
    """Violations as a reader of a failed test wants them: rule, impact, where."""
    return json.dumps(
        [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "where": [node["target"] for node in v["nodes"]][:5],
            }
            for v in violations
        ],
        indent=2,
    )


def horizontal_overflow(page):
    """How many pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate("() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")


def wait_until_scrolled_to_fragment(page):
    """Wait for the browser to bring the URL's ``#fragment`` into view.

    Chromium scrolls to the fragment some time after "load", so anything
    about what is in view is only true once this has happened.
    """
    page.wait_for_function(
        """() => {
            const target = document.querySelector(':target');
            if (!target) return false;
            const atBottom = scrollY + innerHeight >= document.documentElement.scrollHeight - 1;
            // Scrolled to: its top at the viewport's, less any scroll-margin it asks for.
            const margin = parseFloat(getComputedStyle(target).scrollMarginTop) || 0;
            return Math.abs(target.getBoundingClientRect().top - margin) < 1 || atBottom;
        }"""
    )


def fill_counterpoint_form(page, *, stance="push_back", name="Rosa Reader", body, quote=None, website=None):
    """Fill the counterpoint form under a post as a reader would (labels, not ids)."""
    form = page.locator("#counterpoint-form")
    form.get_by_label("Stance", exact=True).select_option(stance)
    form.get_by_label("Name", exact=True).fill(name)
    if website is not None:
        form.get_by_label("Website (optional)", exact=True).fill(website)
    if quote is not None:
        form.get_by_label("Quoted passage (optional)", exact=True).fill(quote)
    form.get_by_label("Counterpoint", exact=True).fill(body)
    return form
