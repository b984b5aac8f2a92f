from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy as _


class RedirectsConfig(AppConfig):
    name = "redirects"
    verbose_name = _("Redirects")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .receivers import leave_redirect, note_old_address

        pre_save.connect(note_old_address, sender="blog.Post", dispatch_uid="redirects-post-slug-before")
        post_save.connect(leave_redirect, sender="blog.Post", dispatch_uid="redirects-post-slug-after")
