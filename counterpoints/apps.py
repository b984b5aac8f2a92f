from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounterpointsConfig(AppConfig):
    name = "counterpoints"
    verbose_name = _("Counterpoints")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete

        from blog.models import Hindsight
        from blog.sections import post_page_section
        from core.caching import Scope
        from core.freshness import refresh_after_commit

        from .models import Counterpoint
        from .post_page import counterpoints_section

        post_page_section(counterpoints_section)

        # Cached pages show approved counterpoints and their counts, each on
        # its own post's page only: other post pages stay cached. A new
        # submission is pending and changes no page, so saves are not
        # watched: moderation refreshes through services.refresh_after_moderation,
        # deletes are caught here; all of it once the transaction commits.
        # A deleted counterpoint may have been credited in the verdict banner,
        # part of the post itself (Scope.POSTS), and so may a credit change.
        def counterpoint_deleted(sender, instance, **kwargs):
            refresh_after_commit(post_ids={instance.post_id}, scope=Scope.POSTS, using=kwargs.get("using"))

        # Credits in a verdict are set after the verdict is saved (the admin
        # saves many-to-many fields last): the page shows them on both sides.
        def credits_changed(sender, instance, action, **kwargs):
            if action.startswith("post_"):
                post_id = instance.post_id  # a Hindsight or a Counterpoint: both belong to one post
                refresh_after_commit(post_ids={post_id}, scope=Scope.POSTS, using=kwargs.get("using"))

        credits = Hindsight.credited.through
        post_delete.connect(counterpoint_deleted, sender=Counterpoint, weak=False, dispatch_uid="fresh-del")
        m2m_changed.connect(credits_changed, sender=credits, weak=False, dispatch_uid="fresh-credits")
