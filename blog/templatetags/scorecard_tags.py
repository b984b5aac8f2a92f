"""
The track record's repeated rows, built in Python with ``format_html``: at
10,000 posts /hindsight/ lists some 200 tags twice (the by-tag table and
the tag filter), and as template loops those rows cost more than every
query on the page (issue 11). Each value is escaped as a template would.
"""

from django import template
from django.utils.html import format_html, format_html_join

from ..models import Verdict
from .blog_tags import percent

register = template.Library()


@register.simple_tag
def tally_rows(tallies, link=None):
    """One table row per tally: its label (a link to ``link`` + its slug, if given), counts, share right."""
    # One format string for the whole row: a format_html per cell cost more than the rest of the row.
    row = '<tr><th scope="row">{}</th>' + "<td>{}</td>" * (len(Verdict.values) + 2) + "</tr>"
    return format_html_join(
        "\n",
        row,
        (
            (
                format_html('<a href="{}{}">{}</a>', link, tally.slug, tally.label) if link else tally.label,
                *tally.columns(),
                percent(tally.right_share),
            )
            for tally in tallies
        ),
    )


@register.simple_tag
def tag_options(tallies, selected=None):
    """An ``<option>`` per tag tally, the one for ``selected`` (a tag) selected."""
    chosen = getattr(selected, "slug", None)
    return format_html_join(
        "",
        '<option value="{}"{}>#{}</option>',
        ((tally.slug, " selected" if tally.slug == chosen else "", tally.label) for tally in tallies),
    )
