"""
Reading a page as a reader sees it: parsed HTML, CSS selectors, visible text.

Tests check what is on the page (this heading says that, this link goes
there) rather than the exact markup around it, so that tidying a template
breaks no test that is not about markup::

    page = parse(response)
    assert text(page, "h1.post-title") == "A bold call"
    assert links(page, ".tags a") == [("#llm", "/tags/llm/")]

Where the markup *is* the point (sanitising, escaping, ``rel`` on reader
links), tests keep asserting on the raw HTML.
"""

from bs4 import BeautifulSoup, Tag


def parse(page):
    """A response, a string of HTML or an already parsed page, as a BeautifulSoup tree."""
    if isinstance(page, Tag):
        return page
    if hasattr(page, "content"):
        page = page.content.decode()
    return BeautifulSoup(page, "html.parser")


def one(page, selector):
    """The single element matching ``selector``; fails saying how many there were."""
    found = parse(page).select(selector)
    assert len(found) == 1, f"expected one element matching {selector!r}, found {len(found)}"
    return found[0]


def text(page, selector=None):
    """The visible text of the page, or of the one element matching ``selector``, spaces collapsed."""
    element = parse(page) if selector is None else one(page, selector)
    return " ".join(element.get_text().split())


def texts(page, selector):
    """The text of every element matching ``selector``, in page order."""
    return [" ".join(element.get_text().split()) for element in parse(page).select(selector)]


def links(page, selector="a"):
    """``(visible text, href)`` of every link matching ``selector``, in page order."""
    return [(" ".join(a.get_text().split()), a.get("href")) for a in parse(page).select(selector)]


def field_value(page, name):
    """What the form field called ``name`` holds: an input's value, a textarea's text, a select's choice."""
    field = one(page, f'[name="{name}"]')
    if field.name == "textarea":
        return field.get_text().removeprefix("\n")
    if field.name == "select":
        chosen = field.select_one("option[selected]")
        return chosen.get("value", chosen.get_text()) if chosen else None
    return field.get("value", "")


def counterpoints_section(html):
    """Just the counterpoints section of a rendered post page, as HTML."""
    start = html.index('<section class="counterpoints" id="counterpoints"')
    return html[start : html.index("</section>", start)]
