from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from taggit.models import Tag

        from .caching import invalidate_pages
        from .models import Hindsight, Post, TagDescription, TaggedPost

        # Cache freshness is the one place signals beat a plain call: every
        # way a post, its verdicts or its tags change must reach the cache.
        for model in (Post, Hindsight, TaggedPost, TagDescription):
            post_save.connect(invalidate_pages, sender=model, dispatch_uid=f"pages-{model.__name__}-save")
            post_delete.connect(invalidate_pages, sender=model, dispatch_uid=f"pages-{model.__name__}-del")
        m2m_changed.connect(invalidate_pages, sender=TaggedPost, dispatch_uid="pages-tags-m2m")
        post_save.connect(invalidate_pages, sender=Tag, dispatch_uid="pages-tag-renamed")

        # A verdict deleted (by a superuser, possibly in bulk) hands the
        # banner back to the one before it.
        from .models import refresh_current_verdicts

        def verdict_deleted(sender, instance, **kwargs):
            refresh_current_verdicts(Post.objects.filter(pk=instance.post_id))

        post_delete.connect(verdict_deleted, sender=Hindsight, weak=False, dispatch_uid="verdict-deleted")

        # So is search freshness: the stored full-text document follows the
        # post's text and its tags, however they change.
        from .search import update_search_documents

        def post_saved(sender, instance, raw=False, **kwargs):
            if not raw:
                update_search_documents(Post.objects.filter(pk=instance.pk))

        def tagging_changed(sender, instance, raw=False, **kwargs):
            if not raw:
                update_search_documents(Post.objects.filter(pk=instance.content_object_id))

        def tags_set(sender, instance, action, **kwargs):
            if action.startswith("post_") and isinstance(instance, Post):
                update_search_documents(Post.objects.filter(pk=instance.pk))

        def tag_renamed(sender, instance, raw=False, **kwargs):
            if not raw:
                update_search_documents(Post.objects.filter(tags=instance))

        post_save.connect(post_saved, sender=Post, weak=False, dispatch_uid="search-post")
        post_save.connect(tagging_changed, sender=TaggedPost, weak=False, dispatch_uid="search-tagging-save")
        post_delete.connect(tagging_changed, sender=TaggedPost, weak=False, dispatch_uid="search-tagging-del")
        m2m_changed.connect(tags_set, sender=TaggedPost, weak=False, dispatch_uid="search-tags-m2m")
        post_save.connect(tag_renamed, sender=Tag, weak=False, dispatch_uid="search-tag-renamed")
