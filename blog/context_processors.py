from django.conf import settings

SITE_DESCRIPTION = "Opinions and predictions, held to account."


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "site_description": SITE_DESCRIPTION,
    }
