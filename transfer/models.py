"""Which post an imported item became, so importing the same export again updates it instead of copying it."""

from django.db import models


class ImportedItem(models.Model):
    source_id = models.CharField(
        max_length=300,
        unique=True,
        help_text="Where it came from: wordpress:<site>?p=12, ghost:<id>, a file.",
    )
    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="imported_from")
    imported_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.source_id
