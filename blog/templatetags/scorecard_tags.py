"""
The track record's repeated rows, built in Python with ``format_html``: as
template loops, the rows of /hindsight/ (a row per year and per top tag,
the newest posts of each verdict, the conceded counterpoints) cost more
than every query on the page (issue 11). Each value is escaped as a
template would.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from ..models import Verdict
from .blog_tags import percent, time_element

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


@register.simple_tag
def verdict_entries(posts):
    """An ``<li>`` per post: its title linked, its date, its dek."""
    return format_html_join(
        "\n",
        '<li><a href="{}">{}</a> <span class="meta-inline">{}</span>{}</li>',
        (
            (
                post.get_absolute_url(),
                post.title,
                time_element(post.published_at),
                format_html('<span class="dek">{}</span>', post.dek) if post.dek else "",
            )
            for post in posts
        ),
    )


@register.simple_tag
def conceded_items(counterpoints):
    """An ``<li>`` per conceded counterpoint: how far conceded, who wrote it on which post, how it starts."""
    # Translated once for the list; a translator may reorder the placeholders.
    by_whom = gettext('<a href="{counterpoint_url}">{name}</a> on <a href="{post_url}">{title}</a>:')
    return format_html_join(
        "\n",
        '<li><span class="response-badge response-{}">{}</span> {} <q>{}</q></li>',
        (_conceded_item(counterpoint, by_whom) for counterpoint in counterpoints),
    )


def _conceded_item(counterpoint, by_whom):
    post_url = counterpoint.post.get_absolute_url()
    return (
        counterpoint.response,
        counterpoint.get_response_display(),
        format_html(
            by_whom,
            counterpoint_url=f"{post_url}#counterpoint-{counterpoint.pk}",
            name=counterpoint.author_name,
            post_url=post_url,
            title=counterpoint.post.title,
        ),
        counterpoint.excerpt,
    )
