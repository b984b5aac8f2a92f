from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        from blog.models import Post

        from .services import sync_claims_from_body

        # One path for every way a post is saved (admin, seed loader, shell,
        # tests): its claims follow its text.
        def post_saved(sender, instance, raw=False, **kwargs):
            if not raw:
                sync_claims_from_body(instance)

        post_save.connect(post_saved, sender=Post, weak=False, dispatch_uid="claims-sync")
