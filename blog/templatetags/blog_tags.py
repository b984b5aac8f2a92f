from django import template

from ..models import Verdict

register = template.Library()


@register.filter
def verdict_label(value):
    """'nailed_it' → 'nailed it' (for annotated verdict values)."""
    try:
        return Verdict(value).label
    except ValueError:
        return ""
