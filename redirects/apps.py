from django.apps import AppConfig


class RedirectsConfig(AppConfig):
    name = "redirects"
    verbose_name = "Redirects"
    default_auto_field = "django.db.models.BigAutoField"
