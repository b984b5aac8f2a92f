"""Journey 4: hostile counterpoints, approved by a moderator and then read, run nothing.

Each payload tries to open a dialog and to set a ``window.__xss…`` flag. The
pages are read twice: with the site's Content-Security-Policy switched off in
the browser (so the sanitiser alone must hold) and with it on.
"""

import pytest
from playwright.sync_api import expect

from counterpoints import services
from counterpoints.models import Counterpoint
from tests.support.admin import make_moderator
from tests.support.browser import fill_counterpoint_form, log_in
from tests.support.factories import make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (case, Markdown body). Every body is a distinct text: the same body twice is stored once.
HOSTILE_BODIES = [
    ("script tag", "<script>window.__xss1=1;alert(1)</script> plain words after"),
    ("img onerror", '<img src="x" onerror="window.__xss2=1;alert(2)"> an image that fails'),
    ("svg onload", '<svg onload="window.__xss3=1;alert(3)"><circle r="9"/></svg> vector'),
    ("script inside svg", "<svg><script>window.__xss4=1;alert(4)</script></svg> nested"),
    ("javascript: link", "[read more](javascript:window.__xss5=1;alert(5)) please"),
    ("mixed-case scheme", "[read more](JaVaScRiPt:window.__xss6=1;alert(6)) again"),
    ("entity-encoded scheme", "[entity](&#106;&#97;vascript:window.__xss7=1;alert(7)) link"),
    ("tab inside scheme", "[tabbed](java&#x09;script:window.__xss8=1;alert(8)) link"),
    ("raw anchor", '<a href="javascript:window.__xss9=1;alert(9)">raw anchor</a> text'),
    ("autolink", "<javascript:window.__xss10=1;alert(10)> autolinked"),
    ("data: URL", "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMSk8L3NjcmlwdD4=) link"),
    ("image with handler", '![x](x" onerror="window.__xss12=1;alert(12)) markdown image'),
    ("iframe", '<iframe src="javascript:window.__xss13=1;alert(13)"></iframe> framed'),
    (
        "details ontoggle",
        '<details open ontoggle="window.__xss14=1;alert(14)"><summary>s</summary></details>',
    ),
    ("autofocus onfocus", '<input autofocus onfocus="window.__xss15=1;alert(15)"> focus me'),
    ("entity-encoded tag", "&lt;script&gt;window.__xss16=1;alert(16)&lt;/script&gt; encoded"),
    (
        "mXSS through math and style",
        "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss17=1;alert(17)> mutation",
    ),
    (
        "noscript attribute break-out",
        '<noscript><p title="</noscript><img src=x onerror=window.__xss18=1;alert(18)>"> classic',
    ),
    ("inline style url", '<p style="background:url(javascript:window.__xss19=1)">styled paragraph</p>'),
    ("form action", '<form action="javascript:window.__xss20=1;alert(20)"><button>Send</button></form>'),
    ("object data", '<object data="javascript:window.__xss21=1;alert(21)"></object> embedded'),
    (
        "link title break-out",
        '[titled](https://example.com "t\\" onmouseover=\\"window.__xss22=1;alert(22)") here',
    ),
    ("code span escape", "`</code><script>window.__xss23=1;alert(23)</script>` in code"),
    ("vbscript scheme", "[vb](vbscript:msgbox(24)) legacy"),
]

HOSTILE_NAME = '<img src=x onerror="window.__xssName=1;alert(25)">Mallory'
HOSTILE_QUOTE = '"><script>window.__xssQuote=1;alert(26)</script>'

FLAGS = "() => Object.keys(window).filter(name => name.startsWith('__xss'))"
UNSAFE_IN_COUNTERPOINTS = """() => {
    const section = document.querySelector('#counterpoints');
    const found = [];
    for (const el of section.querySelectorAll('*')) {
        if (el.closest('#counterpoint-form')) continue;
        const tag = el.tagName.toLowerCase();
        if (['script', 'iframe', 'object', 'embed', 'svg', 'math', 'img', 'style', 'form',
             'input', 'details', 'noscript'].includes(tag)) found.push(tag);
        for (const attr of el.attributes) {
            if (attr.name.startsWith('on') || attr.name === 'style') found.push(`${tag}[${attr.name}]`);
        }
        // Where the browser would really go (a relative "java%09script:…" is an http: URL).
        if (el.hasAttribute('href') && !['http:', 'https:', 'mailto:'].includes(new URL(el.href).protocol)) {
            found.push(`${tag}[href=${el.getAttribute('href')}]`);
        }
    }
    return found;
}"""


@pytest.fixture(autouse=True)
def _form_limits_out_of_the_way(settings):
    settings.COUNTERPOINT_RATE_LIMIT = "100/60"


def test_hostile_counterpoints_approved_and_read_run_nothing(new_page, watch):
    post = make_post(title="A post that draws fire", body="Something *everybody* will argue with.")
    make_moderator(username="mod")

    # Three through the real form, as an attacker would send them…
    attacker = new_page()
    for case, body in [HOSTILE_BODIES[0], HOSTILE_BODIES[4], HOSTILE_BODIES[16]]:
        attacker.goto(post.get_absolute_url())
        fill_counterpoint_form(attacker, name=HOSTILE_NAME, quote=HOSTILE_QUOTE, body=body)
        attacker.get_by_role("button", name="Send for review").click()
        expect(attacker.get_by_role("status")).to_contain_text("awaits review"), case
    # …and the rest through the same service the form's view calls.
    for _case, body in HOSTILE_BODIES[1:4] + HOSTILE_BODIES[5:16] + HOSTILE_BODIES[17:]:
        services.submit_counterpoint(
            post=post, stance="push_back", author_name=HOSTILE_NAME, quote=HOSTILE_QUOTE, body=body
        )
    assert Counterpoint.objects.pending().count() == len(HOSTILE_BODIES)

    # The moderator reads the queue (hostile text is shown there too) and approves them all.
    moderator = new_page()
    log_in(moderator, "mod")
    moderator.locator("#pending-counterpoints a").click()
    expect(moderator.locator("#result_list tbody tr")).to_have_count(len(HOSTILE_BODIES))
    moderator.locator("#action-toggle").check()
    moderator.get_by_label("Action:").select_option(label="Approve selected counterpoints")
    moderator.get_by_role("button", name="Run").or_(moderator.get_by_role("button", name="Go")).click()
    expect(moderator.locator(".messagelist")).to_contain_text(
        f"{len(HOSTILE_BODIES)} counterpoints were approved"
    )
    moderator.goto("/admin/counterpoints/counterpoint/?status=approved")
    moderator.locator("#result_list tbody tr a").first.click()
    moderator.wait_for_load_state("load")
    assert moderator.evaluate(FLAGS) == []

    for csp in ["off", "on"]:
        reader = new_page(bypass_csp=csp == "off")
        reader.goto(post.get_absolute_url())
        shown = reader.locator("#counterpoints .counterpoint")
        expect(shown).to_have_count(len(HOSTILE_BODIES))

        # Give every trap its chance: hover and click everything a reader could.
        for index in range(shown.count()):
            counterpoint = shown.nth(index)
            counterpoint.scroll_into_view_if_needed()
            counterpoint.hover()
            for link in counterpoint.locator("a").all():
                link.hover()
        reader.keyboard.press("Tab")
        reader.wait_for_load_state("networkidle")

        assert reader.evaluate(UNSAFE_IN_COUNTERPOINTS) == [], f"CSP {csp}"
        assert reader.evaluate(FLAGS) == [], f"CSP {csp}"
        expect(shown.first.locator(".counterpoint-author")).to_contain_text("<img src=x")
        expect(shown.first.locator(".counterpoint-quote")).to_contain_text("<script>")

        reader.goto("/")
        assert reader.evaluate(FLAGS) == [], f"CSP {csp}"

    # With the policy on, nothing even tried to run (a blocked attempt is logged as a violation).
    assert watch.csp_violations == []

    assert watch.dialogs == []
    assert watch.errors == []
