"""Posts, their tags, and the hindsight verdicts stamped on them later."""

import math

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, router
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import Tag, TaggedItemBase

from core.markup import countable_text, plain_text, post_problems, render_post_markdown

from .images import ReencodedImage, responsive_images, save_renditions, validate_image_upload

EXCERPT_WORDS = 40


def count_words(markdown):
    """Words of the body by a plain whitespace split, as the seeds count them (plugins' markup left out)."""
    return len(countable_text(markdown).split())


def reading_minutes(word_count):
    return max(1, math.ceil(word_count / settings.WORDS_PER_MINUTE))


class Verdict(models.TextChoices):
    NAILED_IT = "nailed_it", _("nailed it")
    PARTLY_RIGHT = "partly_right", _("partly right")
    WRONG = "wrong", _("wrong")
    STILL_OPEN = "still_open", _("still open")


def published_condition(through=""):
    """The condition for a published post, optionally reached ``through`` a relation ("post__")."""
    return Q(**{f"{through}status": Post.Status.PUBLISHED, f"{through}published_at__lte": timezone.now()})


class PostQuerySet(models.QuerySet):
    def published(self):
        """The one definition of what readers may see."""
        return self.filter(published_condition())

    def in_state(self, state):
        """Posts in one ``Post.State``: draft, scheduled or published."""
        if state == Post.State.DRAFT:
            return self.filter(status=Post.Status.DRAFT)
        if state == Post.State.SCHEDULED:
            return self.filter(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())
        return self.published()

    def visible_to(self, user):
        """Staff preview drafts and scheduled posts; everyone else sees published ones."""
        return self if user.is_staff else self.published()

    def with_approved_count(self):
        """
        Annotate ``approved_count``: approved counterpoints only. A subquery
        rather than Count() over a join, so no GROUP BY meets the verdict
        subquery, tag filters or search ranking, and no row is repeated.
        """
        # The counterpoints app's model, reached through the relation (as Hindsight.credited
        # names it by string): counterpoints build on blog, and blog imports none of them.
        counterpoints = self.model._meta.get_field("counterpoints").related_model
        approved = (
            counterpoints.objects.approved()
            .filter(post=OuterRef("pk"))
            .order_by()
            .values("post")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(approved_count=Coalesce(Subquery(approved), 0))

    def due_for_verdict(self, today=None):
        """Published posts past their check-back date with no verdict, or a still-open one."""
        today = today or timezone.localdate()
        return (
            self.published()
            .filter(check_back_by__lte=today)
            .filter(current_verdict__in=["", Verdict.STILL_OPEN])
        )

    def for_listing(self):
        """Everything a post card shows, in a fixed number of queries."""
        return (
            self.with_approved_count()
            .defer("body", "body_html", "search_document")
            .select_related("author")
            .prefetch_related("tags")
            .order_by("-published_at", "-pk")
        )


def published_tags(*, counted=False):
    """
    Tags carried by at least one published post: an indexed probe per tag,
    no counting; or, ``counted``, each with its ``post_count``.
    """
    if counted:
        return Tag.objects.annotate(
            post_count=Count(
                "blog_taggedpost_items",
                filter=Q(blog_taggedpost_items__content_object__in=Post.objects.published()),
            )
        ).filter(post_count__gt=0)
    carried = TaggedPost.objects.filter(published_condition("content_object__"), tag=OuterRef("pk"))
    return Tag.objects.filter(Exists(carried))


class TaggedPost(TaggedItemBase):
    """A real foreign key to Post, so tag counts can join on published posts."""

    content_object = models.ForeignKey("Post", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_post_tag"),
        ]


class SameAddressTags(_TaggableManager):
    """
    A post's tags, where a name typed with the address (slug) of an existing
    tag is that tag: "AI Capex" beside "AI-Capex" is one tag at
    /tags/ai-capex/, not a second one at /tags/ai-capex_1/ (as another case
    of a name already is, TAGGIT_CASE_INSENSITIVE).
    """

    def _to_tag_model_instances(self, tags, tag_kwargs):
        slugs = {name: Tag().slugify(name) for name in tags if isinstance(name, str)}
        if slugs:
            db = router.db_for_write(self.through, instance=self.instance)
            existing = {tag.slug: tag for tag in Tag.objects.using(db).filter(slug__in=slugs.values())}
            tags = [existing.get(slugs[tag], tag) if isinstance(tag, str) else tag for tag in tags]
        return super()._to_tag_model_instances(tags, tag_kwargs)


class TagDescription(models.Model):
    """A few words about a tag, shown on its page (taggit's Tag has no room for them)."""

    tag = models.OneToOneField(
        Tag, on_delete=models.CASCADE, primary_key=True, related_name="description", verbose_name=_("tag")
    )
    text = models.TextField(
        _("description"), blank=True, help_text=_("Shown under the tag's name on its page.")
    )

    class Meta:
        verbose_name = _("tag description")
        verbose_name_plural = _("tag descriptions")

    def __str__(self):
        return self.text


def now_to_the_second():
    """
    Now, as a publication date: to the second, as the admin's date fields
    show and send it back, so that saving the post in the admin later does
    not move its date (which other posts' pages would have to follow).
    """
    return timezone.now().replace(microsecond=0)


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class State(models.TextChoices):
        """What readers get: status and publish date together (see ``state``)."""

        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    dek = models.CharField(
        _("subtitle (dek)"), max_length=300, blank=True, help_text=_("One sentence under the title.")
    )
    body = MarkdownxField(_("body"), help_text=_("Markdown."))
    body_html = models.TextField(editable=False, default="")
    excerpt = models.TextField(editable=False, default="")
    cover_image = models.ImageField(
        _("cover image"), upload_to="covers/", blank=True, validators=[validate_image_upload]
    )
    cover_alt = models.CharField(
        _("cover image alt text"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for readers who cannot see it."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
        verbose_name=_("author"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("Leave empty to stamp the moment the post is published; a future time schedules it."),
    )
    check_back_by = models.DateField(
        _("check back by"), null=True, blank=True, help_text=_("When this prediction should get a verdict.")
    )
    counterpoints_open = models.BooleanField(
        _("open to counterpoints"), default=True, help_text=_("Untick to stop taking new counterpoints.")
    )
    current_verdict = models.CharField(
        _("current verdict"),
        max_length=20,
        choices=Verdict,
        blank=True,
        default="",
        editable=False,
        help_text=_("The newest verdict, kept by Hindsight (verdicts are append-only); empty if none."),
    )
    search_document = SearchVectorField(null=True, editable=False)
    word_count = models.PositiveIntegerField(editable=False, default=0)
    reading_minutes = models.PositiveIntegerField(editable=False, default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    tags = TaggableManager(through=TaggedPost, blank=True, manager=SameAddressTags)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="post_status_published"),
            models.Index(
                fields=["status", "current_verdict", "-published_at"], name="post_status_verdict_date"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["draft", "published"]), name="post_status_valid"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="post_published_has_date"
            ),
            models.CheckConstraint(
                condition=Q(current_verdict__in=["", *Verdict.values]),
                name="post_current_verdict_valid",
            ),
        ]

    # What other posts' pages show of a post (related posts, the previous and
    # next post, a series): a save that changes none of these changes the
    # post's own page and the lists only (core.caching.Scope.POSTS).
    SHOWN_ON_OTHER_POSTS = ("title", "slug", "status", "published_at")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.render()
        if self.stamp_publication() and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        new_cover = self._new_cover_bytes()
        super().save(*args, **kwargs)
        self._shown_on_other_posts = self._shown_now() if self._shows_all_loaded() else None
        if new_cover is not None:
            save_renditions(self.cover_image.name, new_cover)

    def get_absolute_url(self):
        return reverse("blog:post-detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        post = super().from_db(db, field_names, values)
        loaded = all(name in field_names for name in cls.SHOWN_ON_OTHER_POSTS)  # not deferred
        post._shown_on_other_posts = post._shown_now() if loaded else None
        return post

    def _shows_all_loaded(self):
        deferred = self.get_deferred_fields()
        return not any(name in deferred for name in self.SHOWN_ON_OTHER_POSTS)

    def _shown_now(self):
        return tuple(getattr(self, name) for name in self.SHOWN_ON_OTHER_POSTS)

    def changes_other_posts_pages(self):
        """Whether saving now changes what other posts' pages show of this post (always, if new)."""
        # Remembered only when all of them were loaded, and a loaded field stays loaded.
        loaded = getattr(self, "_shown_on_other_posts", None)
        return loaded is None or loaded != self._shown_now()

    def _new_cover_bytes(self):
        """The bytes of a cover image the admin just checked and re-encoded (see CoverImageField)."""
        cover = self.cover_image
        if not cover or cover._committed or not isinstance(cover.file, ReencodedImage):
            return None
        cover.file.seek(0)
        content = cover.file.read()
        cover.file.seek(0)
        return content

    def stamp_publication(self):
        """
        Publishing without a date means "now", as WordPress does: a draft
        written last week goes out dated today (issue 14). Called from
        clean() too, so a form's constraint check sees the date.
        """
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = now_to_the_second()
            return True
        return False

    def render(self):
        """Derive everything that comes from the body; called on every save."""
        self.body_html = responsive_images(render_post_markdown(self.body))
        words = plain_text(self.body).split()
        self.excerpt = " ".join(words[:EXCERPT_WORDS]) + (" …" if len(words) > EXCERPT_WORDS else "")
        self.word_count = count_words(self.body)
        self.reading_minutes = reading_minutes(self.word_count)

    def clean(self):
        self.stamp_publication()
        if self.cover_image and not self.cover_alt:
            raise ValidationError(
                {"cover_alt": gettext("Describe the cover image for readers who cannot see it.")}
            )
        if problems := post_problems(self.body):
            raise ValidationError({"body": problems})

    def publish(self):
        """
        Publish now: a draft without a date, or a scheduled post, goes live at
        this moment; a past date the author typed is kept.
        """
        if self.published_at is None or self.published_at > timezone.now():
            self.published_at = now_to_the_second()
        self.status = self.Status.PUBLISHED
        self.save(update_fields=["status", "published_at", "updated_at"])

    @property
    def state(self):
        """Draft, Scheduled (published with a date still to come) or Published."""
        if self.status == self.Status.DRAFT:
            return self.State.DRAFT
        if self.published_at is not None and self.published_at > timezone.now():
            return self.State.SCHEDULED
        return self.State.PUBLISHED

    @property
    def is_published(self):
        return self.state == self.State.PUBLISHED


def refresh_current_verdicts(posts):
    """Set ``posts``' current verdict from their newest Hindsight row (None without one)."""
    newest = Hindsight.objects.filter(post=OuterRef("pk")).order_by("-decided_at", "-pk")
    posts.update(current_verdict=Coalesce(Subquery(newest.values("verdict")[:1]), Value("")))


class VerdictHistoryError(Exception):
    """A saved verdict was about to be changed: history is append-only (issue 7)."""


class HindsightQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Bulk updates (and bulk_update(), which uses this) would rewrite the
        # public history without anyone noticing.
        raise VerdictHistoryError("Saved verdicts cannot be changed; add a new verdict instead.")


class Hindsight(models.Model):
    """
    A verdict on a post. Revisions are new rows; the newest is the banner
    and every row stays public as the post's verdict history, so a saved
    row is never changed: a correction is a new verdict.
    """

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="hindsights", verbose_name=_("post")
    )
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict)
    note = models.TextField(_("note"), blank=True, help_text=_("Markdown: why, in hindsight."))
    note_html = models.TextField(editable=False, default="")
    # The note's words without markup, for the ClaimReview JSON-LD: rendered on save, not per request.
    note_text = models.TextField(editable=False, default="")
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    credited = models.ManyToManyField(
        "counterpoints.Counterpoint",
        blank=True,
        related_name="credited_in",
        limit_choices_to={"status": "approved"},
        verbose_name=_("credit readers who called it"),
        help_text=_("Approved counterpoints on this post that saw this coming."),
    )

    objects = HindsightQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("hindsight verdict")
        verbose_name_plural = _("hindsight verdicts")
        indexes = [models.Index(fields=["post", "-decided_at"], name="hindsight_post_decided")]
        constraints = [
            models.CheckConstraint(condition=Q(verdict__in=Verdict.values), name="hindsight_verdict_valid"),
        ]

    def __str__(self):
        return f"{self.get_verdict_display()} ({self.decided_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise VerdictHistoryError(
                f"Verdict {self.pk} is saved and cannot be changed; add a new verdict instead."
            )
        self.note_html = render_post_markdown(self.note)
        self.note_text = plain_text(self.note)
        super().save(*args, **kwargs)
        refresh_current_verdicts(Post.objects.filter(pk=self.post_id))

    def clean(self):
        if not self._state.adding:
            raise ValidationError(
                gettext("This verdict is part of the public history: add a new verdict instead.")
            )


class Page(models.Model):
    """
    A standing page the author keeps up to date in the admin, such as the
    about page (issue 15): Markdown rendered on save like a post's body.
    """

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, help_text=_('"about" is the about page.'))
    body = MarkdownxField(_("body"), help_text=_("Markdown."))
    body_html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_post_markdown(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.slug == ABOUT_SLUG:
            return reverse("blog:about")
        return reverse("blog:page", kwargs={"slug": self.slug})


ABOUT_SLUG = "about"


class Series(models.Model):
    """An ordered set of posts read as one argument: "part 2 of 5" (issue 15)."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown: what the series is about.")
    )
    description_html = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    posts = models.ManyToManyField(
        Post, through="SeriesPart", related_name="series_set", verbose_name=_("posts")
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("series")
        verbose_name_plural = pgettext_lazy("plural", "series")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.description_html = render_post_markdown(self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:series-detail", kwargs={"slug": self.slug})


class SeriesPart(models.Model):
    """A post's place in its series. A post belongs to one series at most."""

    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, related_name="parts", verbose_name=_("series")
    )
    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, related_name="series_part", verbose_name=_("post")
    )
    position = models.PositiveIntegerField(_("position"), help_text=_("Order in the series: 1, 2, 3…"))

    class Meta:
        verbose_name = _("series part")
        verbose_name_plural = _("series parts")
        ordering = ["series", "position"]
        constraints = [
            models.UniqueConstraint(fields=["series", "position"], name="unique_series_position"),
        ]

    def __str__(self):
        return f"{self.series}: {self.position}. {self.post}"


class TallyState(models.Model):
    """
    Whether a set of tallies (``name``) matches the rows it counts. Any change a
    reader could see marks every set stale inside the writer's transaction
    (``core.freshness.on_change``); the next reader rebuilds it (blog/tallies.py).
    A missing row means never built.
    """

    name = models.CharField(max_length=40, primary_key=True)
    stale = models.BooleanField(default=True)
    # The next scheduled post goes live then, with no save to mark the tallies stale.
    valid_until = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name} ({'stale' if self.stale else 'fresh'})"


class VerdictTally(models.Model):
    """
    How many published posts carry each current verdict ("" for unjudged), per
    tag (null: all posts) and year of publication (null: all years): the
    track record's breakdowns, read in one query whatever the site's size.
    """

    tag = models.ForeignKey(Tag, null=True, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(null=True)
    verdict = models.CharField(max_length=20, blank=True)
    count = models.PositiveIntegerField()
    # On a tag's rows of all years: the tag's place in the by-tag breakdown (1:
    # the most judged posts), so the top tags and each page of them are read
    # by rank rather than ranked per request.
    rank = models.PositiveIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["tag", "year"], name="verdict_tally_tag_year"),
            models.Index(fields=["rank"], name="verdict_tally_rank"),
        ]

    def __str__(self):
        return f"{self.tag or 'all'} {self.year or 'all years'} {self.verdict or 'unjudged'}: {self.count}"


class StoredPart(models.Model):
    """
    A part of a post's page as every anonymous reader gets it (its article,
    meta, navigation, counterpoints…), drawn once and kept for every process
    and app server, across restarts: a process that has no copy of the page
    puts it together from its parts (``{% stored_part %}``, blog/parts.py).
    ``key`` names the versions the part was drawn under (core.caching,
    ``post_part_versions``); a part whose key is not the current one is drawn
    again and replaced, so a post has at most one row per part.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    html = models.TextField()
    # Drawn again once older than PAGE_PARTS_SECONDS whatever its key: a
    # change made behind the refresh's back (a fix in the database shell)
    # shows within that time, as it does on a page-cache copy.
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "name"], name="one_stored_part_per_name")]

    def __str__(self):
        return f"{self.post_id}: {self.name}"
