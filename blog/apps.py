from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .caching import invalidate_pages
        from .models import Hindsight, Post, TaggedPost

        # Cache freshness is the one place signals beat a plain call: every
        # way a post, its verdicts or its tags change must reach the cache.
        for model in (Post, Hindsight, TaggedPost):
            post_save.connect(invalidate_pages, sender=model, dispatch_uid=f"pages-{model.__name__}-save")
            post_delete.connect(invalidate_pages, sender=model, dispatch_uid=f"pages-{model.__name__}-del")
        m2m_changed.connect(invalidate_pages, sender=TaggedPost, dispatch_uid="pages-tags-m2m")
