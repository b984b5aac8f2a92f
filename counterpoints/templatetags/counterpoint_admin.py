from django import template

from ..models import Counterpoint, OutboxMail

register = template.Library()


@register.simple_tag
def pending_counterpoint_count(user):
    """How many counterpoints wait for review (one query), or None if ``user`` may not see them."""
    if not user.has_perm("counterpoints.view_counterpoint"):
        return None
    return Counterpoint.objects.pending().count()


@register.simple_tag
def given_up_mail_count(user):
    """How many mails the outbox gave up (one query), or None if ``user`` may not see the outbox."""
    if not user.has_perm("counterpoints.view_outboxmail"):
        return None
    return OutboxMail.objects.exclude(gave_up_at=None).count()
