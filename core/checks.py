from django.conf import settings
from django.core.checks import Warning, register

PROXY_WITHOUT_COUNT = Warning(
    "DJANGO_SECURE_PROXY_SSL_HEADER says a proxy sits in front, but TRUSTED_PROXY_COUNT is 0: "
    "every reader then looks like the proxy's address, and one flooder's five counterpoints "
    "lock everyone out.",
    hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For (usually 1).",
    id="core.W001",
)


@register()
def proxy_count_is_set(app_configs, **kwargs):
    behind_proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is not None
    return [PROXY_WITHOUT_COUNT] if behind_proxy and settings.TRUSTED_PROXY_COUNT == 0 else []
