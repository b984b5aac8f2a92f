from django import template

from ..models import Counterpoint

register = template.Library()


@register.simple_tag
def pending_counterpoint_count(user):
    """How many counterpoints wait for review (one query), or None if ``user`` may not see them."""
    if not user.has_perm("counterpoints.view_counterpoint"):
        return None
    return Counterpoint.objects.pending().count()
