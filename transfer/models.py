"""Which post an imported item became, so importing the same export again updates it instead of copying it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedItem(models.Model):
    source_id = models.CharField(
        _("source id"),
        max_length=300,
        unique=True,
        help_text=_("Where it came from: wordpress:<site>?p=12, ghost:<id>, a file."),
    )
    post = models.ForeignKey(
        "blog.Post", on_delete=models.CASCADE, related_name="imported_from", verbose_name=_("post")
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("imported item")
        verbose_name_plural = _("imported items")

    def __str__(self):
        return self.source_id
