from django.apps import AppConfig


class CounterpointsConfig(AppConfig):
    name = "counterpoints"
    verbose_name = "Counterpoints"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete

        from blog.caching import invalidate_pages
        from blog.models import Hindsight

        from .models import Counterpoint
        from .signals import counterpoints_changed

        # Cached pages show approved counterpoints and their counts. A new
        # submission is pending and changes no page, so saves are not
        # watched: moderation announces itself, deletes are caught here.
        counterpoints_changed.connect(invalidate_pages, dispatch_uid="pages-counterpoints-changed")
        post_delete.connect(invalidate_pages, sender=Counterpoint, dispatch_uid="pages-counterpoint-del")
        # Credits in a verdict are set after the verdict is saved (the admin
        # saves many-to-many fields last): the page shows them on both sides.
        m2m_changed.connect(
            invalidate_pages, sender=Hindsight.credited.through, dispatch_uid="pages-verdict-credits"
        )
