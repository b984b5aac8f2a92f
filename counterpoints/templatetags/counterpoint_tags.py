"""What the post page says about its counterpoints as a whole."""

from django import template
from django.utils.translation import ngettext

from ..models import AuthorResponse

register = template.Library()

# How each response reads in the count: "3 counterpoints, 1 conceded".
RESPONSE_COUNTS = {
    AuthorResponse.CONCEDED: "{n} conceded",
    AuthorResponse.PARTLY_CONCEDED: "{n} partly conceded",
    AuthorResponse.ADDRESSED: "{n} addressed in an update",
    AuthorResponse.DISAGREE: "{n} disputed",
}


@register.filter
def response_summary(counterpoints):
    """
    "2 counterpoints, 1 conceded": counted in Python over the list the page
    shows anyway (an evaluated QuerySet), so it costs no query.
    """
    counterpoints = list(counterpoints)
    if not counterpoints:
        return ""
    counts = dict.fromkeys(RESPONSE_COUNTS, 0)
    for counterpoint in counterpoints:
        if counterpoint.response in counts:
            counts[counterpoint.response] += 1
    total = len(counterpoints)
    parts = [ngettext("%(n)d counterpoint", "%(n)d counterpoints", total) % {"n": total}]
    parts += [RESPONSE_COUNTS[response].format(n=n) for response, n in counts.items() if n]
    return ", ".join(parts)
