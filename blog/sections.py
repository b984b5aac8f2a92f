"""
What other apps add to the post page (issue 12): the blog renders the page
and imports no app that answers a post. Counterpoints and claims register a
*section* in their ``AppConfig.ready()``: a function that, given the request,
the post and the page's context so far, returns the context its part of the
page needs (unevaluated QuerySets, so a stored part runs no query: blog/parts.py).
Their templates are included by name from ``blog/post_detail.html``.
"""

_sections = []


def post_page_section(section):
    """Have ``section(request, post, context)`` add to every post page's context (usable as a decorator)."""
    if section not in _sections:
        _sections.append(section)
    return section


def add_sections(request, post, context):
    """``context`` with every registered section's part added, in the order the apps registered."""
    for section in _sections:
        context.update(section(request, post, context))
    return context
