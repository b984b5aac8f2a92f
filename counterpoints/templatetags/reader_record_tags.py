"""The public readers' record on /hindsight/ (counterpoints/readers_record.py)."""

from django import template

from ..readers_record import public_readers_record as _public_readers_record

register = template.Library()


@register.simple_tag
def public_readers_record(tag=None, year=None):
    """The listed readers' scores, for the same tag and year as the calibration record beside it."""
    return _public_readers_record(tag=tag, year=year)
