from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def next_scheduled_publication():
    """When the next scheduled post goes live (no save announces it), or None."""
    from django.utils import timezone

    from .models import Post

    upcoming = Post.objects.filter(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())
    return upcoming.order_by("published_at").values_list("published_at", flat=True).first()


def post_page_paths(post_ids):
    """The paths of ``post_ids``' post pages, for a refresh of those posts (core/freshness.py)."""
    from .models import Post

    return [post.get_absolute_url() for post in Post.objects.filter(pk__in=post_ids).only("slug")]


def refresh_search_documents(post_ids):
    from .search import refresh_search_index

    refresh_search_index(post_ids)


def redraw_post_pages(post_ids):
    from .views import redraw_post_pages

    redraw_post_pages(post_ids)


def mark_tallies_stale(using):
    from .tallies import mark_stale

    mark_stale(using)


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Blog")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
        from taggit.models import Tag

        from core.caching import Scope, watch_schedule
        from core.freshness import after_refresh, on_change, on_post_pages, on_refresh, refresh_after_commit

        from .models import (
            Hindsight,
            Page,
            Post,
            Series,
            SeriesPart,
            TagDescription,
            TaggedPost,
            refresh_current_verdicts,
        )

        watch_schedule(next_scheduled_publication)
        on_refresh(refresh_search_documents)
        on_post_pages(post_page_paths)
        on_change(mark_tallies_stale)
        after_refresh(redraw_post_pages)

        # Freshness is the one place signals beat a plain call: every way a
        # post, its verdicts or its tags change must reach the page cache and
        # the search documents, once the change commits (core/freshness.py).
        def post_changed(sender, instance, raw=False, **kwargs):
            if not raw:
                # A new or deleted post, or a new title or date, shows on other
                # posts' pages (their neighbours, related posts); an edit of the
                # text alone on the post's own page and the lists only.
                changed = kwargs.get("created", True) or instance.changes_other_posts_pages()
                scope = Scope.SITE if changed else Scope.POSTS
                refresh_after_commit(post_ids={instance.pk}, scope=scope, using=kwargs.get("using"))

        # A verdict shows on its post's own page and in lists, on no other post's page.
        def verdict_changed(sender, instance, raw=False, **kwargs):
            if not raw:
                refresh_after_commit(
                    post_ids={instance.post_id}, scope=Scope.POSTS, using=kwargs.get("using")
                )

        def tagging_changed(sender, instance, raw=False, **kwargs):
            if not raw:
                refresh_after_commit(post_ids={instance.content_object_id}, using=kwargs.get("using"))

        def tags_set(sender, instance, action, pk_set, **kwargs):
            if not action.startswith("post_") or (action != "post_clear" and not pk_set):
                return  # the admin sets a post's tags on every save: nothing added or removed
            if isinstance(instance, Post):
                refresh_after_commit(post_ids={instance.pk}, using=kwargs.get("using"))
            else:  # tag.post_set.add(…): the posts are the ones named
                refresh_after_commit(post_ids=pk_set or (), using=kwargs.get("using"))

        def tag_renamed(sender, instance, raw=False, **kwargs):
            if not raw:
                tagged = TaggedPost.objects.filter(tag=instance).values_list("content_object_id", flat=True)
                refresh_after_commit(post_ids=set(tagged), using=kwargs.get("using"))

        # Standing pages and series show on pages of their own and in footers.
        def page_changed(sender, instance, raw=False, **kwargs):
            if not raw:
                refresh_after_commit(using=kwargs.get("using"))

        # An author's name shows on their posts' pages, in the feeds and on
        # their own page: a rename, or a deleted account (its posts keep no
        # author), refreshes those posts. A login saves the user too, with
        # nothing readers see changed: that refreshes nothing.
        def author_saving(sender, instance, raw=False, update_fields=None, **kwargs):
            if raw or instance.pk is None:
                return
            if update_fields is not None and not {"first_name", "last_name", sender.USERNAME_FIELD} & set(
                update_fields
            ):
                return
            before = sender._default_manager.using(kwargs.get("using")).filter(pk=instance.pk).first()
            instance._name_before = before and (before.get_full_name(), before.get_username())

        def author_saved(sender, instance, raw=False, **kwargs):
            before = instance.__dict__.pop("_name_before", None)
            if before is not None and before != (instance.get_full_name(), instance.get_username()):
                refresh_authors_posts(sender, instance, **kwargs)

        def refresh_authors_posts(sender, instance, **kwargs):
            posts = Post.objects.using(kwargs.get("using")).filter(author=instance)
            post_ids = set(posts.values_list("pk", flat=True))
            if post_ids:
                refresh_after_commit(post_ids=post_ids, scope=Scope.POSTS, using=kwargs.get("using"))

        User = get_user_model()
        pre_save.connect(author_saving, sender=User, weak=False, dispatch_uid="fresh-author-saving")
        post_save.connect(author_saved, sender=User, weak=False, dispatch_uid="fresh-author-saved")
        pre_delete.connect(refresh_authors_posts, sender=User, weak=False, dispatch_uid="fresh-author-del")

        for model in (Page, Series, SeriesPart, TagDescription):
            name = model.__name__
            post_save.connect(page_changed, sender=model, weak=False, dispatch_uid=f"fresh-{name}-save")
            post_delete.connect(page_changed, sender=model, weak=False, dispatch_uid=f"fresh-{name}-del")
        post_save.connect(post_changed, sender=Post, weak=False, dispatch_uid="fresh-post-save")
        post_delete.connect(post_changed, sender=Post, weak=False, dispatch_uid="fresh-post-del")
        post_save.connect(verdict_changed, sender=Hindsight, weak=False, dispatch_uid="fresh-verdict-save")
        post_delete.connect(verdict_changed, sender=Hindsight, weak=False, dispatch_uid="fresh-verdict-del")
        post_save.connect(tagging_changed, sender=TaggedPost, weak=False, dispatch_uid="fresh-tagging-save")
        post_delete.connect(tagging_changed, sender=TaggedPost, weak=False, dispatch_uid="fresh-tagging-del")
        m2m_changed.connect(tags_set, sender=TaggedPost, weak=False, dispatch_uid="fresh-tags-m2m")
        post_save.connect(tag_renamed, sender=Tag, weak=False, dispatch_uid="fresh-tag-renamed")

        # A verdict deleted (by a superuser, possibly in bulk) hands the
        # banner back to the one before it: data, so in the same transaction.
        def verdict_deleted(sender, instance, **kwargs):
            refresh_current_verdicts(Post.objects.filter(pk=instance.post_id))

        post_delete.connect(verdict_deleted, sender=Hindsight, weak=False, dispatch_uid="verdict-deleted")
