"""Images stored with renditions (see blog/images.py), as the reader's pages show them."""

from django import template

from blog.images import card_image, picture

register = template.Library()


@register.simple_tag
def cover_picture(post):
    """The post's cover as a ``<picture>`` with its renditions, or nothing."""
    return picture(post.cover_image, post.cover_alt)


@register.simple_tag
def card_cover(post):
    """A small rendition of the post's cover for a list card, or nothing."""
    return card_image(post.cover_image, post.cover_alt)
