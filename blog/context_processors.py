from django.conf import settings
from django.utils.translation import gettext_lazy as _

SITE_DESCRIPTION = _("Opinions and predictions, held to account.")


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "site_description": SITE_DESCRIPTION,
    }
