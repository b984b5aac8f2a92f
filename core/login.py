"""
Admin sign-in with a limit on guessing: after ADMIN_LOGIN_RATE_LIMIT failed
attempts from one client (core/ratelimit.py: an IPv4 address or an IPv6
/64), sign-in from that client is refused until the window ends. Only the
guesser is slowed down: the limit is per client, never per account, so
nobody can lock someone else out by guessing at their username.
"""

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop

from .ratelimit import client_ip, slots_left, take_slot

SCOPE = "admin-login-failure"
TOO_MANY = gettext_noop(
    "Too many failed sign-ins from your network. For your account’s safety, please wait "
    "a few minutes before trying again."
)


class ThrottledAuthenticationForm(AdminAuthenticationForm):
    def clean(self):
        ip = client_ip(self.request) if self.request else None
        rate = settings.ADMIN_LOGIN_RATE_LIMIT
        if slots_left(SCOPE, ip, rate) <= 0:
            raise ValidationError(gettext(TOO_MANY), code="throttled")
        try:
            return super().clean()
        except ValidationError:
            take_slot(SCOPE, ip, rate)
            raise
